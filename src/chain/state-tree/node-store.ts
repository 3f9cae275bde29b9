/**
 * Where tree nodes live. The update reads through `NodeReader` only, level by level and many keys a
 * call, so an async store (LevelDB) costs one round trip per tree level, not per node; it writes
 * nothing itself: it returns its writes as data (TreeUpdate) for the block's one atomic batch.
 */
import type { ChildRef } from './node.ts';

export interface NodeReader {
  /** The encoded nodes under these keys (node.ts), undefined for a missing key, in order. */
  getNodes(keys: readonly Uint8Array[]): Promise<(Uint8Array | undefined)[]>;
  /** getNodes for one level of an update, packed (no view per node; packed-reads.ts reads through getNodes where a store has no such method). */
  readNodes?(reads: PackedReads): Promise<number>;
}

/**
 * One tree level's reads packed: `count` node keys of `keyLength` bytes end to end in `keys`; each
 * record found is copied to `records` at i * RECORD_STRIDE (node.ts), checked as a leaf or an
 * internal node. Answers the index of the first key not found, or -1.
 */
export interface PackedReads {
  readonly keys: Uint8Array;
  readonly keyLength: number;
  readonly count: number;
  readonly records: Uint8Array;
}

/** A version's root: its hash (the block's state_root) and the reference to its root node (null: empty tree). */
export interface TreeRoot {
  readonly hash: Uint8Array;
  readonly ref: ChildRef;
}

/** What one version (one block) changes in the node store. */
export interface TreeUpdate {
  readonly version: bigint;
  readonly root: TreeRoot;
  /** New nodes, every key starting with `version`. */
  readonly puts: readonly { readonly key: Uint8Array; readonly value: Uint8Array }[];
  /** Keys of nodes this version stops using: older versions still use them until they are pruned. */
  readonly stale: readonly Uint8Array[];
}
