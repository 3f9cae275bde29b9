/**
 * The LevelDB store of a node: blocks, the canonical index, the state, the tx index, mint/burn/
 * distribution history, undo records and the mempool journal, each a repository over its own
 * bucket. This is the only module that touches `level`. A block is committed in ONE
 * atomic batch, so a node killed at any moment restarts at its last committed block with exactly
 * that block's state, history and indexes, never at half a block.
 */
import { Level } from 'level';
import { MemoryState, type StateValue, type TokenEvent, type WriteSet } from '../../tokenomics/index.ts';
import { bin, record, u64 } from '../codec/schema.ts';
import { decodeStateValue, encodeStateValue, stateKeyBytes } from '../codec/state.ts';
import { ChainError, ChainErrorCode, malformed } from '../errors.ts';
import { PROTOCOL_VERSION } from '../protocol-version.ts';
import { decodeBlock, decodeHeaderOf } from '../codec/block.ts';
import { decodeSignedTx } from '../codec/tx.ts';
import { BlockBodies } from './block-bodies.ts';
import { Bucket, META_EARLIEST_HEIGHT_KEY, META_GENESIS_CONFIG_KEY, META_HEAD_KEY, META_PROTOCOL_VERSION_KEY, META_TREE_FLOOR_KEY, META_TX_INDEX_SHORT_KEY, META_UNDO_FLOOR_KEY, bucketKey, heightBytes, isU64 } from './buckets.ts';
import type { HistoryKind } from './history-index.ts';
import { type HistoryOptions, type HistoryPage, HistoryStore } from './history-store.ts';
import { type BatchOp, type Db, type EntityCodec, type ReadSnapshot, Repository, storeFailure } from './repository.ts';
import type { BlockPart, BranchCommit, CommitInput, GenesisBatch, SnapshotBatch, SnapshotBlock, StoredHead, TxLocation } from './store-types.ts';
import { equalBytes } from '../../light/tree-rules.ts';
import { ascii, rawBytes, schemaCodec, undoCodec } from './store-codecs.ts';
import { TreeStore } from './tree-store.ts';
import { type ValidatorSetChange, ValidatorSetLog } from './validator-set-log.ts';

export type { BlockPart, BranchCommit, CommitInput, GenesisBatch, GenesisHead, SnapshotBatch, SnapshotBlock, StoredHead, TxLocation } from './store-types.ts';
export type { HistoryKind } from './history-index.ts';
export { HISTORY_KINDS } from './history-store.ts';
export type { ValidatorSetChange } from './validator-set-log.ts';
export type { HistoryOptions, HistoryPage, HistoryPosition } from './history-store.ts';

const headCodec = record<StoredHead>({ height: u64, hash: bin(32), stateRoot: bin(32) });

const txLocationCodec = record<TxLocation>({
  height: u64,
  index: {
    enc: (v) => v,
    dec: (raw, path) => (typeof raw === 'number' && Number.isInteger(raw) && raw >= 0 && raw <= 0xffff_ffff ? raw : malformed(path, 'expected a u32 index.')),
  },
});

/** A journaled tx with its acceptance sequence number. */
interface PendingEntry {
  readonly seq: bigint;
  readonly bytes: Uint8Array;
}
const pendingCodec = record<PendingEntry>({ seq: u64, bytes: bin() });

/** An encoder failure while a block's batch is assembled, as a typed error (typed errors pass through). */
function unencodable(height: bigint, err: unknown): ChainError {
  if (err instanceof ChainError) return err;
  const detail = err instanceof Error ? err.message : String(err);
  return new ChainError(ChainErrorCode.MalformedBytes, `Block ${height} cannot be encoded for the store: ${detail}`, { cause: err });
}

async function* asPairs(entries: AsyncGenerator<[Uint8Array, Uint8Array]>): AsyncGenerator<{ key: Uint8Array; value: Uint8Array }> {
  for await (const [key, value] of entries) yield { key, value };
}

/**
 * Compacting an empty key range (no key starts with byte 0) makes LevelDB flush its memtable to a
 * table file first, and compacts nothing.
 */
const NO_KEYS = Uint8Array.of(0);

/** Bytes of a tx hash the index keys on in a data dir made with META `tx-index-short` (docs/protocol.md §11.1). */
const SHORT_TX_KEY_BYTES = 16;

/** A side block's listing: its height and hash. */
interface SideBlock {
  readonly height: bigint;
  readonly hash: Uint8Array;
}
const EMPTY = new Uint8Array(0);

/** Adds store ops to a LevelDB chained batch. */
function batchAdder(batch: ReturnType<Db['batch']>): (op: BatchOp) => void {
  return (op) => {
    if (op.type === 'put') batch.put(op.key, op.value);
    else batch.del(op.key);
  };
}

export class ChainStore {
  private readonly db: Db;
  private readonly meta: Repository<'head', StoredHead>;
  private readonly genesisConfig: Repository<'fingerprint', Uint8Array>;
  private readonly protocol: Repository<'version', bigint>;
  private readonly earliest: Repository<'height', bigint>;
  /** The lowest heights still holding an undo record / a state tree version (trimmed below). */
  private readonly floors: { readonly undo: Repository<'height', bigint>; readonly tree: Repository<'height', bigint> };
  /** Block bodies, canonical ones with txs kept split (block-bodies.ts). */
  private readonly bodies: BlockBodies;
  /** META `tx-index-short`: the tx index keys on 16-byte hash prefixes (written with the genesis of a new data dir). */
  private readonly txIndexShort: Repository<'flag', Uint8Array>;
  /** Whether this data dir's tx index keys are hash prefixes (read at open; older data dirs key on the whole hash). */
  private shortTxKeys = false;
  private readonly canonical: Repository<bigint, Uint8Array>;
  /** The side blocks by height (SIDE_BLOCKS): the key is everything, the value empty. */
  private readonly sideBlocks: Repository<SideBlock, Uint8Array>;
  private readonly state: Repository<string, StateValue>;
  /** The same bucket undecoded: a snapshot's pairs are the stored bytes. */
  private readonly stateRaw: Repository<string, Uint8Array>;
  private readonly txs: Repository<Uint8Array, TxLocation>;
  private readonly undo: Repository<bigint, WriteSet>;
  /** The mint/burn/distribution events and their filter index (history-store.ts). */
  private readonly historyStore: HistoryStore;
  /** The state tree's nodes and per-height roots (tree-store.ts). */
  readonly tree: TreeStore;
  /** Every validator set the canonical chain put in force (validator-set-log.ts). */
  readonly validatorSets: ValidatorSetLog;
  /** Events the open indexed because the data dir was written by a node without the index (0: none). */
  historyIndexBuiltEvents = 0;
  private readonly pendingEntry: EntityCodec<Uint8Array, PendingEntry>;
  private readonly pending: Repository<Uint8Array, PendingEntry>;
  /** The same bucket undecoded, so one damaged journal entry can be dropped instead of failing open. */
  private readonly pendingRaw: Repository<Uint8Array, Uint8Array>;
  /** The journal writes in flight, settled together (never rejects): see putPendingAll. */
  private journalWrites: Promise<void> = Promise.resolve();
  /** Journal entries found undecodable (and deleted) when the store opened; the chain logs them. */
  droppedJournalEntries = 0;
  /** Next journal sequence number; putPending calls come one at a time from the chain's queue. */
  private nextPendingSeq = 0n;

  private constructor(db: Db) {
    this.db = db;
    const hashKey = (hash: Uint8Array): Uint8Array => hash;
    this.meta = new Repository(db, 'head', Bucket.META, schemaCodec(() => META_HEAD_KEY, 'head', headCodec));
    this.genesisConfig = new Repository(db, 'genesis fingerprint', Bucket.META, schemaCodec(() => META_GENESIS_CONFIG_KEY, 'genesis fingerprint', bin(32)));
    this.protocol = new Repository(db, 'protocol version', Bucket.META, schemaCodec(() => META_PROTOCOL_VERSION_KEY, 'protocol version', u64));
    this.earliest = new Repository(db, 'earliest height', Bucket.META, schemaCodec(() => META_EARLIEST_HEIGHT_KEY, 'earliest height', u64));
    this.floors = {
      undo: new Repository(db, 'undo floor', Bucket.META, schemaCodec(() => META_UNDO_FLOOR_KEY, 'undo floor', u64)),
      tree: new Repository(db, 'tree floor', Bucket.META, schemaCodec(() => META_TREE_FLOOR_KEY, 'tree floor', u64)),
    };
    this.bodies = new BlockBodies(db);
    this.txIndexShort = new Repository(db, 'tx index layout', Bucket.META, rawBytes(() => META_TX_INDEX_SHORT_KEY));
    this.canonical = new Repository(db, 'canonical hash', Bucket.CANONICAL, schemaCodec(heightBytes, 'canonical hash', bin(32)));
    this.sideBlocks = new Repository(db, 'side block', Bucket.SIDE_BLOCKS, rawBytes((side: SideBlock) => Buffer.concat([heightBytes(side.height), side.hash])));
    this.state = new Repository(db, 'state', Bucket.STATE, {
      key: stateKeyBytes,
      encode: (value, key) => encodeStateValue(ascii(key), value),
      decode: (bytes, key) => decodeStateValue(ascii(key), bytes),
      describe: (key) => `key "${ascii(key)}"`,
    });
    this.stateRaw = new Repository(db, 'state', Bucket.STATE, rawBytes(stateKeyBytes));
    const txKey = (hash: Uint8Array): Uint8Array => (this.shortTxKeys ? hash.subarray(0, SHORT_TX_KEY_BYTES) : hash);
    this.txs = new Repository(db, 'tx location', Bucket.TX, schemaCodec(txKey, 'tx location', txLocationCodec));
    this.undo = new Repository(db, 'undo record', Bucket.UNDO, undoCodec);
    this.historyStore = new HistoryStore(db, { txHashesAt: (positions, snapshot) => this.txHashesAt(positions, snapshot), timestampsAt: (heights, snapshot) => this.timestampsAt(heights, snapshot) });
    this.tree = new TreeStore(db);
    this.validatorSets = new ValidatorSetLog(db);
    this.pendingEntry = schemaCodec(hashKey, 'pending tx', pendingCodec);
    this.pending = new Repository(db, 'pending tx', Bucket.PENDING, this.pendingEntry);
    this.pendingRaw = new Repository(db, 'pending tx', Bucket.PENDING, rawBytes(hashKey));
  }

  /** Opens (creating if missing) the store in `dir`. A dir held by another process is a config error. */
  static async open(dir: string): Promise<ChainStore> {
    const db: Db = new Level<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' });
    try {
      await db.open();
    } catch (err) {
      const cause = (err as { cause?: { code?: unknown } }).cause;
      if (cause?.code === 'LEVEL_LOCKED') {
        throw new ChainError(ChainErrorCode.InvalidConfig, `The data dir ${dir} is in use by another process (is a node already running on it?).`, { cause: err });
      }
      throw storeFailure(`open ${dir}`, err);
    }
    const store = new ChainStore(db);
    try {
      store.shortTxKeys = (await store.txIndexShort.get('flag')) !== null;
      // A data dir written by a node without the history index gets it once, here.
      store.historyIndexBuiltEvents = await store.historyStore.ensureIndex(async () => (await store.head()) === null, (ops, what) => store.write(ops, what));
      // Continue the journal's sequence after the newest entry left by the previous run.
      for (const entry of await store.pendingEntries()) if (entry.seq >= store.nextPendingSeq) store.nextPendingSeq = entry.seq + 1n;
    } catch (err) {
      await db.close().catch(() => undefined);
      throw err;
    }
    return store;
  }

  async close(): Promise<void> {
    try {
      await this.db.close();
    } catch (err) {
      throw storeFailure('close', err);
    }
  }

  /** The last committed block, or null for an empty store (nothing committed yet, not even genesis). */
  head(): Promise<StoredHead | null> {
    return this.meta.get('head');
  }

  /** The fingerprint of the config the genesis was built from; null in data dirs of older nodes. */
  genesisFingerprint(): Promise<Uint8Array | null> {
    return this.genesisConfig.get('fingerprint');
  }

  /** The protocol version that wrote the genesis; null in data dirs made before it was recorded (version 1). */
  async protocolVersion(): Promise<number | null> {
    const version = await this.protocol.get('version');
    return version === null ? null : Number(version);
  }

  /**
   * The lowest height above genesis whose block this store holds (null: every block since genesis):
   * a node restored from a state snapshot (docs/protocol.md §20.5) begins at the snapshot's block.
   */
  earliestHeight(): Promise<bigint | null> {
    return this.earliest.get('height');
  }

  /**
   * Prunes the canonical block at `height` (docs/protocol.md §20.6) in ONE batch: its body,
   * canonical index entry, undo record, tx index entries, history events with their index, its
   * state tree root and the tree nodes only it and older versions used, and META
   * `earliest-height` moves to the height above. The caller prunes heights in order and only
   * below the last final block, so no reorg ever needs what is gone.
   */
  async pruneBlock(height: bigint, hash: Uint8Array, txHashes: readonly Uint8Array[]): Promise<void> {
    const ops: BatchOp[] = [this.canonical.del(height), this.undo.del(height)];
    this.bodies.pruneOps(hash, height, txHashes.length, ops);
    for (const tx of txHashes) ops.push(this.txs.del(tx));
    await this.historyStore.abandonOps(height, ops);
    await this.tree.pruneOps(height, ops);
    ops.push(this.earliest.put('height', height + 1n));
    await this.write(ops, `prune block ${height}`);
  }

  /** The lowest height whose undo record (`undo`) or state tree version (`tree`) is still held; null: nothing trimmed. */
  historyFloor(part: 'undo' | 'tree'): Promise<bigint | null> {
    return this.floors[part].get('height');
  }

  /**
   * Trims the undo record of canonical height `height`, below the last final block (docs/protocol.md
   * §20.6): one batch with the floor moved above it. The caller trims heights in order.
   */
  trimUndo(height: bigint): Promise<void> {
    return this.write([this.undo.del(height), this.floors.undo.put('height', height + 1n)], `trim the undo record of block ${height}`);
  }

  /**
   * Trims the state tree version of canonical height `height` (its root and the nodes only it and
   * older versions used), below the last final block, in one batch with the floor moved above it
   * and `anchors`, the validator set changes anchored at `height`, keeping their proofs.
   */
  async trimTree(height: bigint, anchors: readonly { readonly change: ValidatorSetChange; readonly proof: Uint8Array }[]): Promise<void> {
    const ops: BatchOp[] = anchors.map((a) => this.validatorSets.anchorProofOp(a.change, a.proof));
    await this.tree.pruneOps(height, ops);
    ops.push(this.floors.tree.put('height', height + 1n));
    await this.write(ops, `trim the state tree of block ${height}`);
  }

  /**
   * Starts the batch that replaces the genesis-only state with a verified state snapshot of
   * `block` (docs/protocol.md §20.5), ONE atomic batch: the old state's keys are deleted now, the
   * snapshot's pairs and tree nodes are added chunk by chunk, and commit() makes the snapshot's
   * block the head and the earliest block. A crash before commit's write leaves the genesis store
   * (the restore starts again), after it the restored one. The tree's root must be the block's
   * state_root, else nothing is written.
   */
  async snapshotBatch(block: SnapshotBlock): Promise<SnapshotBatch> {
    const { height, hash, blockBytes, stateRoot } = block;
    const batch = this.db.batch();
    const add = batchAdder(batch);
    let closed = false;
    const failed = async (what: string, err: unknown): Promise<never> => {
      if (!closed) await batch.close().catch(() => undefined);
      closed = true;
      if (err instanceof ChainError) throw err;
      throw storeFailure(`${what} the state snapshot of block ${height}`, err);
    };
    try {
      // Deleted before any pair is put: in one batch, a later del of a key would win over its put.
      for await (const [key] of this.stateRaw.entries()) add(this.stateRaw.del(ascii(key)));
    } catch (err) {
      return failed('start', err);
    }
    return {
      // The key bytes as they are (stateRaw.put would make a string of them and bytes again): a million of them.
      pairs: (pairs) => {
        for (const pair of pairs) batch.put(bucketKey(Bucket.STATE, pair.key), pair.value);
      },
      treeNodes: (puts) => this.tree.genesisOps(height, puts).forEach(add),
      commit: async (root, validators) => {
        let written = false;
        try {
          await this.journalWrites;
          if (!equalBytes(root.hash, stateRoot)) throw new ChainError(ChainErrorCode.InvalidSnapshot, `The snapshot's state tree root is not block ${height}'s state_root.`);
          add(this.tree.genesisRootOp(height, root));
          add(this.bodies.wholeOp(hash, blockBytes));
          add(this.canonical.put(height, hash));
          const ops: BatchOp[] = [];
          if (validators !== null) this.validatorSets.blockOps(height, new Map([[validators.key, validators.value]]), new Map(), ops);
          ops.forEach(add);
          add(this.earliest.put('height', height));
          add(this.meta.put('head', { height, hash, stateRoot }));
          const write = batch.write();
          closed = true;
          await write;
          written = true;
          // As after a genesis: the whole state sits in the memtable until flushed (genesisBatch).
          await this.compactRange(NO_KEYS, NO_KEYS);
        } catch (err) {
          if (written) throw storeFailure(`install the state snapshot of block ${height}`, err);
          return failed('install', err);
        }
      },
      abort: async () => {
        if (closed) return;
        closed = true;
        await batch.close();
      },
    };
  }

  /** Records the fingerprint once an older data dir's genesis has been checked the slow way. */
  putGenesisFingerprint(fingerprint: Uint8Array): Promise<void> {
    return this.write([this.genesisConfig.put('fingerprint', fingerprint)], 'record the genesis fingerprint');
  }

  /**
   * Deletes the state tree nodes of version `height` that a genesis start killed before its batch
   * left behind (GenesisBatch.treeNodes writes them ahead); a store with a head has none to discard.
   */
  async discardGenesisTree(height = 0n): Promise<void> {
    const ops: BatchOp[] = [];
    await this.tree.revertOps(height, true, ops);
    // The last op deletes the version's stale record (a genesis has none): more means nodes were left.
    if (ops.length > 1) await this.writeNow(ops, 'discard the state tree nodes of an unfinished genesis');
  }

  /**
   * Starts the genesis block's batch (see GenesisBatch); the store must be empty (but for the tree
   * nodes of an unfinished genesis: discardGenesisTree first). `height` is 0 but
   * for a genesis from an exported state (docs/protocol.md §14.3), whose block continues the heights.
   */
  genesisBatch(height = 0n): GenesisBatch {
    const batch = this.db.batch();
    const add = batchAdder(batch);
    const encoded = (stage: () => void): void => {
      try {
        stage();
      } catch (err) {
        throw unencodable(height, err);
      }
    };
    const putEvent = this.historyStore.eventPuts(height, { txHashes: null });
    return {
      events: (events) => encoded(() => events.forEach((event) => putEvent(event).forEach(add))),
      state: (writes) =>
        encoded(() => {
          writes.forEach((value, key) => add(value === null ? this.state.del(key) : this.state.put(key, value)));
          const ops: BatchOp[] = [];
          this.validatorSets.blockOps(height, writes, new Map(), ops);
          ops.forEach(add);
        }),
      // Each chunk of tree nodes is written at once in its own batch (docs/protocol.md §18.6): in the
      // one genesis batch, ~2.4 million nodes of a million-key genesis were ~300 MB of batch and as
      // much again in LevelDB's memtable, most of the first start's peak. Nothing reads a node until
      // the genesis batch writes the root that reaches it, so a kill before that leaves only nodes
      // no root names, which the next start deletes (discardGenesisTree) before building again.
      treeNodes: (puts) => this.writeNow(this.tree.genesisOps(height, puts), 'write the genesis state tree nodes'),
      commit: async (head) => {
        encoded(() => {
          const ops: BatchOp[] = [];
          this.blockOps({ height, hash: head.hash, blockBytes: head.blockBytes, writes: new Map(), undo: new Map(), events: [], txHashes: [] }, ops);
          // Genesis starts the history wherever it stands (blockOps marks it only at height 0).
          if (height !== 0n) ops.push(this.historyStore.markerPut());
          ops.push(this.tree.genesisRootOp(height, head.treeRoot));
          ops.push(this.meta.put('head', { height, hash: head.hash, stateRoot: head.stateRoot }));
          if (head.fingerprint !== null) ops.push(this.genesisConfig.put('fingerprint', head.fingerprint));
          ops.push(this.protocol.put('version', BigInt(PROTOCOL_VERSION)));
          ops.push(this.txIndexShort.put('flag', Uint8Array.of(1)));
          ops.forEach(add);
        });
        try {
          await batch.write();
          this.shortTxKeys = true;
          // The whole genesis now sits in LevelDB's memtable (hundreds of MB for a million accounts)
          // until a later write finds it full: flushing it now hands that memory back at once.
          await this.compactRange(NO_KEYS, NO_KEYS);
        } catch (err) {
          throw storeFailure('commit the genesis block', err);
        }
      },
      abort: () => batch.close(),
    };
  }

  /**
   * Writes a whole block in ONE atomic batch: block, canonical index, state writes, undo record,
   * tx index, history events, removal of its txs from the pending journal, and the head pointer.
   * Everything is encoded before the batch is sent, so an unencodable value writes nothing.
   */
  async commitBlock(input: CommitInput): Promise<void> {
    await this.commitBranch({ abandoned: [], blocks: [input], writes: input.writes, head: input });
  }

  /**
   * A reorg in ONE atomic batch: the canonical blocks above the common ancestor are abandoned (their
   * index entries, tx locations, history and undo records removed), the new branch's blocks are
   * written as canonical, the state moves by the net `writes`, and the head moves to the branch tip.
   */
  async commitBranch(input: BranchCommit): Promise<void> {
    const ops: BatchOp[] = [];
    const newHeights = new Set(input.blocks.map((b) => b.height));
    for (const old of input.abandoned) {
      const oldHash = await this.canonical.get(old.height);
      // Kept as a side block, whole: its txs' (height, index) keys are the new branch's now.
      if (oldHash !== null) {
        await this.bodies.abandonOps(oldHash, ops);
        ops.push(this.sideBlocks.put({ height: old.height, hash: oldHash }, EMPTY));
      }
      if (!newHeights.has(old.height)) {
        ops.push(this.canonical.del(old.height));
        ops.push(this.undo.del(old.height));
      }
      // Before the branch's own tree puts: they reuse these versions (heights).
      await this.tree.revertOps(old.height, newHeights.has(old.height), ops);
      for (const hash of old.txHashes) ops.push(this.txs.del(hash));
      ops.push(this.validatorSets.abandonOp(old.height));
      await this.historyStore.abandonOps(old.height, ops);
    }
    try {
      for (const block of input.blocks) {
        this.blockOps(block, ops);
        this.tree.commitOps(block.height, block.tree, ops);
        // A branch that wins was kept as side blocks: they are canonical now, never to be dropped as side ones.
        if (input.abandoned.length > 0) ops.push(this.sideBlocks.del({ height: block.height, hash: block.hash }));
      }
      for (const [key, value] of input.writes) ops.push(value === null ? this.state.del(key) : this.state.put(key, value));
      ops.push(this.meta.put('head', { height: input.head.height, hash: input.head.hash, stateRoot: input.head.stateRoot }));
    } catch (err) {
      throw unencodable(input.head.height, err);
    }
    await this.write(ops, `commit block ${input.head.height}`);
    this.tree.written(input.blocks.map((b) => b.tree));
  }

  /** Keeps a valid block that is not (yet) on the canonical chain, so its branch can win later; listed by height for dropSideBlocks. */
  putSideBlock(height: bigint, hash: Uint8Array, bytes: Uint8Array): Promise<void> {
    return this.write([this.bodies.wholeOp(hash, bytes), this.sideBlocks.put({ height, hash }, EMPTY)], 'store a side block');
  }

  /**
   * Deletes side blocks below `belowHeight` (the last final block: no branch off the chain below it
   * can ever win), at most `limit` of them, oldest first, in one batch; returns how many it deleted.
   * A listed block that is canonical at its height keeps its body (only its listing goes).
   */
  async dropSideBlocks(belowHeight: bigint, limit: number): Promise<number> {
    if (limit <= 0 || belowHeight <= 0n) return 0;
    const ops: BatchOp[] = [];
    let dropped = 0;
    for await (const [key] of this.sideBlocks.entries({ lt: heightBytes(belowHeight) })) {
      const side: SideBlock = { height: Buffer.from(key.subarray(0, 8)).readBigUInt64BE(), hash: key.slice(8) };
      const canonical = await this.canonical.get(side.height);
      if (canonical === null || !equalBytes(canonical, side.hash)) ops.push(this.bodies.deleteWholeOp(side.hash));
      ops.push(this.sideBlocks.del(side));
      if (++dropped >= limit) break;
    }
    if (ops.length > 0) await this.write(ops, `drop ${dropped} side blocks below ${belowHeight}`);
    return dropped;
  }

  /** One canonical block's entries (everything of commitBlock except the state and the head). */
  private blockOps(input: Omit<BlockPart, 'tree'>, ops: BatchOp[]): void {
    this.bodies.canonicalOps({ height: input.height, hash: input.hash, bytes: input.blockBytes, txs: input.txBytes ?? [] }, ops);
    ops.push(this.canonical.put(input.height, input.hash));
    ops.push(this.undo.put(input.height, input.undo));
    // Genesis starts the history, so its batch says the index covers all of it.
    if (input.height === 0n) ops.push(this.historyStore.markerPut());
    input.txHashes.forEach((hash, index) => ops.push(this.txs.put(hash, { height: input.height, index })));
    for (const hash of input.journaled ?? input.txHashes) ops.push(this.pending.del(hash));
    const split = input.txBytes !== undefined && input.txBytes.length > 0;
    const putEvent = this.historyStore.eventPuts(input.height, {
      txHashes: split ? input.txHashes : null,
      ...(input.timestampMs === undefined ? {} : { timestampMs: input.timestampMs }),
    });
    for (const event of input.events) ops.push(...putEvent(event));
    this.validatorSets.blockOps(input.height, input.writes, input.undo, ops);
  }

  /** The whole committed state; a value that does not decode is StoreCorrupt naming its key. */
  async loadState(): Promise<MemoryState> {
    const entries: [string, StateValue][] = [];
    for await (const [key, value] of this.state.entries()) entries.push([ascii(key), value]);
    return new MemoryState(entries);
  }

  /**
   * The committed state's pairs as stored (key bytes, the value's §8 bytes: what the state tree
   * hashes), read from the LevelDB snapshot taken by this call, before it returns: later commits do
   * not show (a state snapshot, docs/protocol.md §20, is cut from it while blocks go on).
   */
  statePairsNow(): AsyncGenerator<{ key: Uint8Array; value: Uint8Array }> {
    // entries() makes its LevelDB iterator now; only the reading is left for later.
    return asPairs(this.stateRaw.entries());
  }

  async blockByHeight(height: bigint, snapshot?: ReadSnapshot): Promise<Uint8Array | null> {
    const hash = await this.hashAtHeight(height, snapshot);
    if (hash === null) return null;
    const bytes = await this.bodies.get(hash, snapshot);
    // The canonical index and the block are written in one batch: one without the other is damage.
    if (bytes === null) throw new ChainError(ChainErrorCode.StoreCorrupt, `The canonical block at height ${height} is missing from the store.`);
    return bytes;
  }

  /** Whether a block with this hash is stored (canonical or side): a keys-only lookup. */
  hasBlock(hash: Uint8Array): Promise<boolean> {
    return this.bodies.has(hash);
  }

  blockByHash(hash: Uint8Array): Promise<Uint8Array | null> {
    return this.bodies.get(hash);
  }

  async hashAtHeight(height: bigint, snapshot?: ReadSnapshot): Promise<Uint8Array | null> {
    return isU64(height) ? this.canonical.get(height, snapshot) : null;
  }

  async txLocation(hash: Uint8Array): Promise<TxLocation | null> {
    return (await this.txLocations([hash]))[0]!;
  }

  /**
   * Where each tx was included (null: not included), in one read of the index. With short keys a
   * hit is a tx whose hash starts like this one: it counts only if its full hash is this one.
   */
  async txLocations(hashes: readonly Uint8Array[]): Promise<(TxLocation | null)[]> {
    if (!this.shortTxKeys) return this.txs.getMany(hashes);
    // The index entry and the tx it names from one snapshot: a prune or reorg between the two reads
    // would otherwise make a tx that was there look damaged.
    return this.withSnapshot(async (snapshot) => {
      const found = await this.txs.getMany(hashes, snapshot);
      const hits = found.flatMap((location) => (location === null ? [] : [location]));
      const stored = await this.txHashesOf(hits, snapshot);
      let next = 0;
      return found.map((location, i) => (location !== null && equalBytes(stored[next++]!, hashes[i]!) ? location : null));
    });
  }

  /** The signed bytes of tx `index` of the canonical block at `height` (null: no such tx held). */
  async txBytesAt(location: TxLocation, snapshot?: ReadSnapshot): Promise<Uint8Array | null> {
    return (await this.txBytesOf([location], snapshot))[0]!;
  }

  /** The signed bytes of each tx named, split blocks' in one read, others from their whole block. */
  private async txBytesOf(locations: readonly TxLocation[], snapshot?: ReadSnapshot): Promise<(Uint8Array | null)[]> {
    const split = await this.bodies.txsAt(locations, snapshot);
    return Promise.all(split.map(async (bytes, i) => {
      if (bytes !== null) return bytes;
      const { height, index } = locations[i]!;
      const block = await this.blockByHeight(height, snapshot);
      return block === null ? null : (decodeBlock(block).txs[index]?.bytes ?? null);
    }));
  }

  /** The hashes of txs the index or history records name by position; each must be there. */
  private async txHashesOf(locations: readonly TxLocation[], snapshot: ReadSnapshot): Promise<Uint8Array[]> {
    const txs = await this.txBytesOf(locations, snapshot);
    return txs.map((bytes, i) => {
      const { height, index } = locations[i]!;
      if (bytes === null) throw new ChainError(ChainErrorCode.StoreCorrupt, `Tx ${index} of block ${height}, which the store names, is not there.`);
      return decodeSignedTx(bytes).hash;
    });
  }

  private async txHashesAt(locations: readonly TxLocation[], snapshot: ReadSnapshot): Promise<string[]> {
    return (await this.txHashesOf(locations, snapshot)).map((hash) => Buffer.from(hash).toString('hex'));
  }

  /** The timestamps of the canonical blocks at `heights`, read from their headers; history records leave theirs to them. */
  private async timestampsAt(heights: readonly bigint[], snapshot: ReadSnapshot): Promise<bigint[]> {
    return Promise.all(heights.map(async (height) => {
      const hash = await this.hashAtHeight(height, snapshot);
      const head = hash === null ? null : await this.bodies.headOf(hash, snapshot);
      if (head === null) throw new ChainError(ChainErrorCode.StoreCorrupt, `The canonical block at height ${height}, whose events the store holds, is missing.`);
      return decodeHeaderOf(head).timestampMs;
    }));
  }

  /** Newest first, at most `limit`, optionally by reason (recipient type for distributions) and account. */
  async history(kind: HistoryKind, options: HistoryOptions): Promise<TokenEvent[]> {
    return (await this.historyPage(kind, options)).events;
  }

  /** One page of history, newest first, in O(limit) (see HistoryStore.page), read from one snapshot of the store (`snapshot`, or one taken now). */
  historyPage(kind: HistoryKind, options: HistoryOptions, snapshot?: ReadSnapshot): Promise<HistoryPage> {
    if (snapshot !== undefined) return this.historyStore.page(kind, options, snapshot);
    return this.withSnapshot((taken) => this.historyStore.page(kind, options, taken));
  }

  /** The events of `kind` block `height` wrote, in block order: O(that block's events), nothing else read; one snapshot. */
  eventsAt(kind: HistoryKind, height: bigint): Promise<TokenEvent[]> {
    return this.withSnapshot((snapshot) => this.historyStore.eventsAt(kind, height, snapshot));
  }

  /**
   * The canonical block at `height` as bytes, its events of `kinds` (in that order) and, with
   * `keys`, the state keys it wrote (null: not asked, or no undo record, as for genesis or a trimmed
   * one), all read from one snapshot: a reorg or a prune committed meanwhile never pairs one block
   * with another's records. Null when the store holds no canonical block there.
   */
  blockRecordsAt(height: bigint, kinds: readonly HistoryKind[], keys: boolean): Promise<{ bytes: Uint8Array; keys: string[] | null; events: TokenEvent[] } | null> {
    return this.withSnapshot(async (snapshot) => {
      const bytes = await this.blockByHeight(height, snapshot);
      if (bytes === null) return null;
      const [undo, events] = await Promise.all([keys && isU64(height) ? this.undo.get(height, snapshot) : null, this.eventsOfKindsAt(height, kinds, snapshot)]);
      return { bytes, keys: undo === null ? null : [...undo.keys()], events };
    });
  }

  /** The events of `kinds` (in that order) block `height` wrote, all from one snapshot. */
  blockEventsAt(height: bigint, kinds: readonly HistoryKind[]): Promise<TokenEvent[]> {
    return this.withSnapshot((snapshot) => this.eventsOfKindsAt(height, kinds, snapshot));
  }

  private async eventsOfKindsAt(height: bigint, kinds: readonly HistoryKind[], snapshot: ReadSnapshot): Promise<TokenEvent[]> {
    return (await Promise.all(kinds.map((kind) => this.historyStore.eventsAt(kind, height, snapshot)))).flat();
  }

  /**
   * Runs `read` against an explicit LevelDB snapshot, closed after: records read together with the
   * blocks they leave fields to (docs/protocol.md §11.1) are never torn by a commit or a prune.
   */
  async withSnapshot<T>(read: (snapshot: ReadSnapshot) => Promise<T>): Promise<T> {
    let snapshot: ReadSnapshot;
    try {
      snapshot = this.db.snapshot();
    } catch (err) {
      throw storeFailure('take a read snapshot', err);
    }
    try {
      return await read(snapshot);
    } finally {
      await snapshot.close().catch(() => undefined);
    }
  }

  /** Journals a mempool tx so it survives a restart; commitBlock removes it once included. */
  putPending(hash: Uint8Array, bytes: Uint8Array): Promise<void> {
    return this.putPendingAll([{ hash, bytes }]);
  }

  /**
   * Journals mempool txs in one LevelDB batch, numbered in the order given (the order of
   * acceptance): a batch of a thousand submitted txs is one write, not a thousand.
   */
  putPendingAll(txs: readonly { readonly hash: Uint8Array; readonly bytes: Uint8Array }[]): Promise<void> {
    if (txs.length === 0) return Promise.resolve();
    // Issued without waiting for other writes, and every other write waits for it (see write):
    // the tx intake journals outside the chain's queue, and a block's deletion of a journaled tx
    // must not land before its put (classic-level runs batches on a thread pool, in any order).
    const written = this.writeNow(txs.map((tx) => this.pending.put(tx.hash, { seq: this.nextPendingSeq++, bytes: tx.bytes })), 'journal pending txs');
    const settled = written.catch(() => undefined);
    this.journalWrites = Promise.all([this.journalWrites, settled]).then(() => undefined);
    return written;
  }

  /** Resolves once every journal write issued so far has settled (the node awaits it before closing the store). */
  journalSettled(): Promise<void> {
    return this.journalWrites;
  }

  deletePending(hash: Uint8Array): Promise<void> {
    return this.write([this.pending.del(hash)], 'drop a pending tx');
  }

  /** Every journaled tx in the order it was accepted, so the mempool can re-add them one by one. */
  async loadPending(): Promise<Uint8Array[]> {
    return (await this.pendingEntries()).map((entry) => entry.bytes);
  }

  /** Previous values of the keys block `height` wrote (null = the key did not exist), to revert it. */
  async undoRecord(height: bigint): Promise<WriteSet | null> {
    return isU64(height) ? this.undo.get(height) : null;
  }

  /** LevelDB's compactRange: classic-level has it, but `level`'s types also cover the browser build. */
  private compactRange(start: Uint8Array, end: Uint8Array): Promise<void> {
    return (this.db as unknown as { compactRange(start: Uint8Array, end: Uint8Array): Promise<void> }).compactRange(start, end);
  }

  /**
   * The journal only spares accepted txs a restart; it holds nothing the chain depends on. So an
   * entry that does not decode (a torn disk, a bug of another version) is deleted and counted, not
   * a reason to refuse to start, unlike damage to blocks or state.
   */
  private async pendingEntries(): Promise<PendingEntry[]> {
    const entries: PendingEntry[] = [];
    const damaged: Uint8Array[] = [];
    for await (const [key, bytes] of this.pendingRaw.entries()) {
      try {
        entries.push(this.pendingEntry.decode(bytes, key));
      } catch (err) {
        if (!(err instanceof ChainError)) throw err;
        damaged.push(key);
      }
    }
    if (damaged.length > 0) {
      await this.write(damaged.map((key) => this.pending.del(key)), 'drop undecodable journal entries');
      this.droppedJournalEntries += damaged.length;
    }
    return entries.sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0));
  }

  /** One atomic batch, issued once the journal writes issued before it have settled (putPendingAll). */
  private async write(ops: BatchOp[], what: string): Promise<void> {
    await this.journalWrites;
    return this.writeNow(ops, what);
  }

  private async writeNow(ops: BatchOp[], what: string): Promise<void> {
    try {
      await this.db.batch(ops);
    } catch (err) {
      throw storeFailure(what, err);
    }
  }
}
