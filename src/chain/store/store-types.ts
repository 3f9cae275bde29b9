/**
 * What the ChainStore is given to commit and what it hands back: heads, a block's parts, a reorg's
 * branch, the genesis batch, tx locations. Types only, so readers of the store's shapes need not
 * import the store.
 */
import type { StateValue, TokenEvent, WriteSet } from '../../tokenomics/index.ts';
import type { NodePut, TreeRoot, TreeUpdate } from '../state-tree/index.ts';

export interface StoredHead {
  readonly height: bigint;
  readonly hash: Uint8Array;
  readonly stateRoot: Uint8Array;
}

export interface CommitInput {
  readonly height: bigint;
  readonly hash: Uint8Array;
  readonly blockBytes: Uint8Array;
  readonly stateRoot: Uint8Array;
  /** The block's final value per written key (null = deleted). */
  readonly writes: WriteSet;
  /** The previous value of each written key (what MemoryState.commit returns); empty for genesis. */
  readonly undo: WriteSet;
  readonly events: readonly TokenEvent[];
  readonly txHashes: readonly Uint8Array[];
  /**
   * The signed encoding of each tx, in block order (views into `blockBytes` or copies): given, a
   * block with txs is kept split (block-bodies.ts); absent, whole.
   */
  readonly txBytes?: readonly Uint8Array[];
  /** The block's timestamp: given, its events' records leave theirs to its header (every event carries its block's). */
  readonly timestampMs?: bigint;
  /**
   * The block's txs that the mempool journal holds (those the mempool held); their entries go in
   * the same batch. Absent: every tx's entry is deleted. A block from sync usually has none, and
   * a delete per tx is a LevelDB write per tx for nothing.
   */
  readonly journaled?: readonly Uint8Array[];
  /** The block's state tree update (docs/protocol.md §18.6): its nodes and root go in the same batch. */
  readonly tree: TreeUpdate;
}

/** What a canonical block adds to the store besides the state (its own `writes` only feed its indexes). */
export type BlockPart = Omit<CommitInput, 'stateRoot'>;

export interface BranchCommit {
  /** Canonical blocks above the common ancestor that the new branch replaces. */
  readonly abandoned: readonly { readonly height: bigint; readonly txHashes: readonly Uint8Array[] }[];
  /** The new branch, ascending. */
  readonly blocks: readonly BlockPart[];
  /** Net state change from the old head's state to the new tip's. */
  readonly writes: WriteSet;
  readonly head: StoredHead;
}

/** What the genesis batch adds last: the block itself, the head, and the config's fingerprint. */
export interface GenesisHead {
  readonly hash: Uint8Array;
  readonly blockBytes: Uint8Array;
  readonly stateRoot: Uint8Array;
  /** The root of the genesis state tree, whose nodes `treeNodes` added. */
  readonly treeRoot: TreeRoot;
  /** See genesis-fingerprint.ts; null (a config it cannot encode) stores none. */
  readonly fingerprint: Uint8Array | null;
}

/**
 * The genesis block on its way into the store: ONE atomic batch like every block, but filled piece
 * by piece (LevelDB's chained batch holds the encoded entries natively) while the genesis is built,
 * so a genesis funding a million accounts never holds its events, or a million encoded operations,
 * in JS at once. Nothing is written before `commit`.
 */
export interface GenesisBatch {
  /** Adds genesis events in the order they were made; numbering continues across calls. */
  events(events: readonly TokenEvent[]): void;
  /** Adds the genesis state. */
  state(writes: WriteSet): void;
  /**
   * Writes one chunk of the genesis state tree's nodes at once, in a batch of its own (the bulk build
   * hands them out as it goes): unreachable until commit() writes the root (ChainStore.discardGenesisTree).
   */
  treeNodes(puts: NodePut[]): Promise<void>;
  /** Adds the block, its index, the head and the fingerprint, and writes everything at once. */
  commit(head: GenesisHead): Promise<void>;
  /** Drops everything added (the genesis could not be built). */
  abort(): Promise<void>;
}

/** The block of a state snapshot being installed (ChainStore.snapshotBatch). */
export interface SnapshotBlock {
  readonly height: bigint;
  readonly hash: Uint8Array;
  readonly blockBytes: Uint8Array;
  readonly stateRoot: Uint8Array;
}

/** The one batch of a state snapshot's install, filled chunk by chunk (ChainStore.snapshotBatch). */
export interface SnapshotBatch {
  /** Adds state pairs (key bytes, the value's §8 bytes) of checked chunks, each key once over the whole snapshot. */
  pairs(pairs: readonly { readonly key: Uint8Array; readonly value: Uint8Array }[]): void;
  /** Adds state tree nodes of version `height` (SnapshotTree). */
  treeNodes(puts: NodePut[]): void;
  /**
   * Checks `root` is the block's state_root (InvalidSnapshot and nothing written, else), adds the
   * root, the block as canonical, head and earliest, and `validators` (key `meta:validators` and
   * its value, when not the genesis set) as in force from the block, and writes everything at once.
   */
  commit(root: TreeRoot, validators: { readonly key: string; readonly value: StateValue } | null): Promise<void>;
  /** Drops everything added; nothing was written. Does nothing once commit has begun writing. */
  abort(): Promise<void>;
}

export interface TxLocation {
  readonly height: bigint;
  readonly index: number;
}
