/**
 * The state tree's part of the store (docs/protocol.md §18.6): its nodes (through a LevelNodeStore
 * with a bounded cache) and the root of every canonical block's tree, by height, so a proof can be
 * made at any retained height. Like the other repositories it writes nothing itself: a block's tree
 * update, a reorg's revert and the genesis build come back as batch operations for the block's ONE
 * atomic batch (chain-store.ts), and `written` is told once that batch is on disk.
 *
 * Stale nodes are recorded (TREE_STALE) but not yet deleted: pruning below the final height is left
 * for later, so every version's tree stays whole.
 */
import type { WriteSet } from '../../tokenomics/index.ts';
import { treeWrites } from '../chain-tree.ts';
import { EMPTY_ROOT, LevelNodeStore, type NodePut, type NodeReader, type TreeRoot, type TreeUpdate, applyWrites } from '../state-tree/index.ts';
import { ChainError, ChainErrorCode } from '../errors.ts';
import { Bucket, heightBytes, isU64, keyHeight } from './buckets.ts';
import { type BatchOp, type Db, Repository } from './repository.ts';
import { decodeTreeRoot, encodeTreeRoot } from './tree-root-record.ts';


export class TreeStore {
  /** Reads tree nodes (cached); the chain's updates and proofs read through it. */
  readonly nodes: LevelNodeStore;
  private readonly roots: Repository<bigint, TreeRoot>;

  constructor(db: Db, cacheNodes?: number) {
    this.nodes = new LevelNodeStore(db, { nodeBucket: Bucket.TREE_NODE, staleBucket: Bucket.TREE_STALE, ...(cacheNodes === undefined ? {} : { cacheNodes }) });
    this.roots = new Repository(db, 'state tree root', Bucket.TREE_ROOT, {
      key: heightBytes,
      encode: (root, key) => encodeTreeRoot(root, keyHeight(key)),
      decode: (bytes, key) => decodeTreeRoot(bytes, keyHeight(key)),
    });
  }

  get reader(): NodeReader {
    return this.nodes;
  }

  /** The tree root of the canonical block at `height`, or null (no such block, or a data dir without the tree). */
  rootAt(height: bigint): Promise<TreeRoot | null> {
    return isU64(height) ? this.roots.get(height) : Promise.resolve(null);
  }

  /**
   * The tree update of a canonical block at `height` that writes `writes`, on the stored tree of the
   * block below (the empty tree for genesis): for tools and tests that commit blocks without a chain.
   */
  async updateFor(height: bigint, writes: WriteSet): Promise<TreeUpdate> {
    const parent = height === 0n ? EMPTY_ROOT : await this.rootAt(height - 1n);
    if (parent === null) throw new ChainError(ChainErrorCode.StoreCorrupt, `The state tree root of block ${height - 1n} is missing from the store.`);
    return applyWrites(this.nodes, parent, height, treeWrites(writes));
  }

  /** A canonical block's tree: its new nodes, its stale record and its root, for the block's batch. */
  commitOps(height: bigint, update: TreeUpdate, ops: BatchOp[]): void {
    for (const op of this.nodes.commitOps(update)) ops.push(op);
    ops.push(this.roots.put(height, update.root));
  }

  /** One chunk of the genesis bulk build (all of the genesis block's version, nothing stale). */
  genesisOps(height: bigint, puts: NodePut[]): BatchOp[] {
    return this.nodes.commitOps({ version: height, root: EMPTY_ROOT, puts, stale: [] });
  }

  genesisRootOp(height: bigint, root: TreeRoot): BatchOp {
    return this.roots.put(height, root);
  }

  /**
   * Undoes the tree of the abandoned canonical block at `height` (its nodes and stale record; its
   * root unless `replaced`, a new block's root then overwrites it). These must come before the new
   * branch's puts in the batch: both use the same version numbers.
   */
  async revertOps(height: bigint, replaced: boolean, ops: BatchOp[]): Promise<void> {
    for (const op of await this.nodes.revertOps(height)) ops.push(op);
    if (!replaced) ops.push(this.roots.del(height));
  }

  /**
   * Pruning height `height` (docs/protocol.md §20.6): its root, and every node no version above it
   * uses (those the versions up to `height + 1` made stale), for the pruned block's batch.
   */
  async pruneOps(height: bigint, ops: BatchOp[]): Promise<void> {
    for (const op of await this.nodes.pruneOps(height + 1n)) ops.push(op);
    ops.push(this.roots.del(height));
  }

  /** The batch holding `updates` is on disk: their nodes go into the cache for the next block. */
  written(updates: readonly TreeUpdate[]): void {
    for (const update of updates) this.nodes.written(update);
  }
}
