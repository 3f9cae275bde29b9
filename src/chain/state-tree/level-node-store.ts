/**
 * Tree nodes in LevelDB, for the node (docs/protocol.md §18.6). Reads go through a bounded cache of
 * encoded nodes (the upper levels are read by every block); writes are never made here: a block's
 * commit, its revert and pruning each come back as batch operations for the chain store to put into
 * the block's one atomic batch. Two buckets, chosen by the store that owns the database:
 *   node bucket:  nodeKey (version ‖ depth ‖ path) -> encoded node (internal nodes stored compactly: node-record.ts)
 *   stale bucket: version u64 BE -> the node keys that version made stale (stale-list.ts)
 */
import { ChainError, ChainErrorCode } from '../errors.ts';
import { type BatchOp, type Db, storeFailure } from '../store/repository.ts';
import { type Bucket, bucketKey } from '../store/buckets.ts';
import { RECORD_STRIDE, copyRecordInto, nodeKeyVersion, versionPrefix } from './node.ts';
import { NodeCache } from './node-cache.ts';
import { loadedNode, storedNode } from './node-record.ts';
import { decodeStaleList, encodeStaleList } from './stale-list.ts';
import type { NodeReader, PackedReads, TreeUpdate } from './node-store.ts';

export interface LevelNodeStoreOptions {
  readonly nodeBucket: number;
  readonly staleBucket: number;
  /** Encoded nodes kept in memory (default 262,144: the top 18 levels of any tree). */
  readonly cacheNodes?: number;
  /** The cache's memory bound, records, keys and entries counted (default 64 MiB; node-cache.ts). */
  readonly cacheBytes?: number;
}


export class LevelNodeStore implements NodeReader {
  private readonly db: Db;
  private readonly nodeBucket: Bucket;
  private readonly staleBucket: Bucket;
  private readonly cache: NodeCache;

  constructor(db: Db, options: LevelNodeStoreOptions) {
    this.db = db;
    this.nodeBucket = options.nodeBucket as Bucket;
    this.staleBucket = options.staleBucket as Bucket;
    this.cache = new NodeCache(options.cacheNodes ?? 262_144, options.cacheBytes ?? 64 * 1024 * 1024);
  }

  async getNodes(keys: readonly Uint8Array[]): Promise<(Uint8Array | undefined)[]> {
    const out: (Uint8Array | undefined)[] = new Array(keys.length);
    const missing: number[] = [];
    keys.forEach((key, i) => {
      const hit = this.cache.get(key);
      if (hit === undefined) missing.push(i);
      else out[i] = hit;
    });
    if (missing.length === 0) return out;
    let found: (Uint8Array | undefined)[];
    try {
      found = (await this.db.getMany(missing.map((i) => bucketKey(this.nodeBucket, keys[i]!)))) as (Uint8Array | undefined)[];
    } catch (err) {
      throw storeFailure('read state tree nodes', err);
    }
    missing.forEach((i, j) => {
      const stored = found[j];
      const bytes = stored === undefined ? undefined : loadedNode(keys[i]!, stored);
      out[i] = bytes;
      if (bytes !== undefined) this.remember(keys[i]!, bytes);
    });
    return out;
  }

  /** getNodes for packed reads (node-store.ts): cache hits copied in place; the rest read from LevelDB in one call. */
  async readNodes(reads: PackedReads): Promise<number> {
    const { keys, keyLength, count, records } = reads;
    const missing: number[] = [];
    for (let i = 0; i < count; i++) if (!this.cache.copyInto(keys, i * keyLength, keyLength, records, i * RECORD_STRIDE)) missing.push(i);
    if (missing.length === 0) return -1;
    const found = await this.getNodes(missing.map((i) => keys.subarray(i * keyLength, (i + 1) * keyLength)));
    for (let j = 0; j < missing.length; j++) {
      const bytes = found[j];
      if (bytes === undefined) return missing[j]!;
      copyRecordInto(bytes, 0, bytes.length, records, missing[j]! * RECORD_STRIDE);
    }
    return -1;
  }

  private remember(key: Uint8Array, bytes: Uint8Array): void {
    this.cache.set(key, bytes);
  }

  /** A version's commit: its nodes and its stale record, for the block's batch. */
  commitOps(update: TreeUpdate): BatchOp[] {
    const ops: BatchOp[] = update.puts.map(({ key, value }) => ({ type: 'put', key: bucketKey(this.nodeBucket, key), value: storedNode(key, value) }));
    if (update.stale.length > 0) ops.push({ type: 'put', key: bucketKey(this.staleBucket, versionPrefix(update.version)), value: encodeStaleList(update.version, update.stale) });
    return ops;
  }

  /** Call once the commit batch is written: its nodes are the next block's reads. */
  written(update: TreeUpdate): void {
    for (const { key, value } of update.puts) this.remember(key, value);
  }

  /**
   * A version's revert: every node it wrote (one key range, as keys start with the version) and its
   * stale record. The nodes it made stale were never deleted, so the version below is whole again.
   */
  async revertOps(version: bigint): Promise<BatchOp[]> {
    const ops: BatchOp[] = [];
    const range = { gte: bucketKey(this.nodeBucket, versionPrefix(version)), lt: bucketKey(this.nodeBucket, versionPrefix(version + 1n)) };
    try {
      for await (const key of this.db.keys(range)) {
        ops.push({ type: 'del', key });
        this.cache.delete(key.subarray(1));
      }
    } catch (err) {
      throw storeFailure(`list the state tree nodes of version ${version}`, err);
    }
    ops.push({ type: 'del', key: bucketKey(this.staleBucket, versionPrefix(version)) });
    return ops;
  }

  /** Pruning: deletes what versions up to `oldestRetained` made stale (never above the final height, so no reorg needs them). */
  async pruneOps(oldestRetained: bigint): Promise<BatchOp[]> {
    const ops: BatchOp[] = [];
    const range = { gte: Uint8Array.of(this.staleBucket), lt: bucketKey(this.staleBucket, versionPrefix(oldestRetained + 1n)) };
    try {
      for await (const [key, value] of this.db.iterator(range)) {
        for (const node of decodeStaleList(nodeKeyVersion(key.subarray(1)), value)) {
          ops.push({ type: 'del', key: bucketKey(this.nodeBucket, node) });
          this.cache.delete(node);
        }
        ops.push({ type: 'del', key });
      }
    } catch (err) {
      throw storeFailure('prune the state tree', err);
    }
    return ops;
  }
}
