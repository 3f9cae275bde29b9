/**
 * The chain's state tree (docs/protocol.md §18): the tree's writes of a block (every written state
 * key and its value, encoded as §8 stores them), the reader a side branch is replayed on, and
 * proofs of one key at a retained height.
 */
import type { StateValue, StateView, WriteSet } from '../tokenomics/index.ts';
import type { BlockHeader } from './codec/block.ts';
import { encodeStateValue, stateKeyBytes } from './codec/state.ts';
import { ChainError, ChainErrorCode } from './errors.ts';
import { type NodeReader, type TreeRoot, type TreeUpdate, applyWrites, proveKey } from './state-tree/index.ts';
import { bytesId } from './state-tree/node.ts';
import { fastSha256 } from './state-tree/hash.ts';
import { encodeStateProof } from '../light/state-proof.ts';
import { equalBytes } from '../light/tree-rules.ts';

/** A proven state value (docs/protocol.md §18.4) at a canonical height, with the header that commits to it. */
export interface StateProofAnswer {
  readonly height: bigint;
  readonly header: BlockHeader;
  readonly blockHash: Uint8Array;
  /** The encoded state value (docs/protocol.md §8) as the tree hashes it; null: the key is absent. */
  readonly value: Uint8Array | null;
  /** encodeStateProof bytes. */
  readonly proof: Uint8Array;
}

/** The tree a block is applied on: where its nodes are read, and its root (the parent's state_root). */
export interface ParentTree {
  readonly reader: NodeReader;
  readonly root: TreeRoot;
}

/** The tree update of the block at `height` (its version) writing `writes` on `parent`: its root is the block's state_root. */
export function updateTree(parent: ParentTree, height: bigint, writes: WriteSet): Promise<TreeUpdate> {
  return applyWrites(parent.reader, parent.root, height, treeWrites(writes));
}

/** A block's writes as the tree takes them: key bytes, encoded value or null for a deletion. */
// Lazy: a genesis writes a million keys, and the tree hashes each pair as it comes.
export function* treeWrites(writes: WriteSet): Generator<[Uint8Array, Uint8Array | null]> {
  for (const [key, value] of writes) yield [stateKeyBytes(key), value === null ? null : encodeStateValue(key, value)];
}

/**
 * Nodes of a side branch being replayed, over the store: the branch's blocks write versions above
 * the common ancestor that the canonical blocks of those heights also wrote, so its own puts are
 * read first (every node the branch's trees reference above the ancestor is one of them).
 */
export class BranchNodeReader implements NodeReader {
  private readonly puts = new Map<string, Uint8Array>();
  private readonly base: NodeReader;

  constructor(base: NodeReader) {
    this.base = base;
  }

  add(update: TreeUpdate): void {
    for (const { key, value } of update.puts) this.puts.set(bytesId(key), value);
  }

  async getNodes(keys: readonly Uint8Array[]): Promise<(Uint8Array | undefined)[]> {
    const out = keys.map((key) => this.puts.get(bytesId(key)));
    const missing = out.flatMap((bytes, i) => (bytes === undefined ? [i] : []));
    if (missing.length === 0) return out;
    const found = await this.base.getNodes(missing.map((i) => keys[i]!));
    missing.forEach((i, j) => (out[i] = found[j]));
    return out;
  }
}

/**
 * How far below the head a proof may be asked (beside the last final height, always provable): a
 * past value is walked back through one undo record per block above it, in the chain's queue, so
 * this bounds that work (a request for height 1 of a long chain would otherwise hold every block
 * commit for as long as it reads the chain's whole undo history).
 */
export const PROVABLE_DEPTH = 256n;

/** The lowest height a proof is served for: PROVABLE_DEPTH below the head, or the last final height if that is lower. */
export function oldestProvable(headHeight: bigint, finalizedHeight: bigint): bigint {
  const byDepth = headHeight > PROVABLE_DEPTH ? headHeight - PROVABLE_DEPTH : 0n;
  return finalizedHeight < byDepth ? finalizedHeight : byDepth;
}

/** What a proof at a past height reads: the tree, its roots, headers, and undo records to walk the value back. */
export interface ProofSources {
  readonly reader: NodeReader;
  rootAt(height: bigint): Promise<TreeRoot | null>;
  headerAt(height: bigint): Promise<{ header: BlockHeader; hash: Uint8Array } | null>;
  undoRecord(height: bigint): Promise<WriteSet | null>;
}

/**
 * The proof of `keyBytes` at canonical `height`, the head being `head` (its state and height read
 * together, and nothing committed while this runs: the chain calls it in its queue); heights below
 * `head.oldestProvable` are refused before anything is read. The value comes
 * from the head's state, walked back through the undo records only when it changed since `height`;
 * either way it must hash to what the tree holds, or the store is damaged.
 */
export async function proveStateAt(sources: ProofSources, head: { state: StateView; height: bigint; oldestProvable: bigint }, keyBytes: Uint8Array, height: bigint): Promise<StateProofAnswer> {
  if (height < 0n || height > head.height) throw new ChainError(ChainErrorCode.UnknownHeight, `There is no block at height ${height}: the head is at ${head.height}.`);
  if (height < head.oldestProvable) {
    throw new ChainError(ChainErrorCode.HeightNotRetained, `This node proves heights ${head.oldestProvable} to ${head.height} (the last ${PROVABLE_DEPTH} blocks and the last final height), not ${height}.`);
  }
  const root = await sources.rootAt(height);
  const block = await sources.headerAt(height);
  if (root === null) throw new ChainError(ChainErrorCode.HeightNotRetained, `The state tree of height ${height} is not retained by this node.`);
  if (block === null) throw new ChainError(ChainErrorCode.StoreCorrupt, `The canonical block at height ${height} is missing from the store.`);
  const { proof, valueHash } = await proveKey(sources.reader, root, keyBytes);
  const key = Buffer.from(keyBytes).toString('latin1');
  let value = encoded(key, head.state.get(key) ?? null);
  if (!sameHash(value, valueHash)) {
    for (let h = head.height; h > height; h--) {
      const undo = await sources.undoRecord(h);
      if (undo === null) throw new ChainError(ChainErrorCode.StoreCorrupt, `The undo record of block ${h} is missing.`);
      if (undo.has(key)) value = encoded(key, undo.get(key) ?? null);
    }
    if (!sameHash(value, valueHash)) throw new ChainError(ChainErrorCode.StoreCorrupt, `The state tree of height ${height} and the stored state disagree on key "${key}".`);
  }
  return { height, header: block.header, blockHash: block.hash, value, proof: encodeStateProof(proof) };
}

/**
 * The proof that `keyBytes` holds `value` (encoded, null: absent) at canonical `height`, for a value
 * the caller already knows (a validator set from the set log, docs/protocol.md §19.1): no undo walk,
 * so any height whose tree is retained can be proven. A value the tree does not hold is damage.
 */
export async function proveValueAt(sources: Pick<ProofSources, 'reader' | 'rootAt'>, keyBytes: Uint8Array, value: Uint8Array | null, height: bigint): Promise<Uint8Array> {
  const root = await sources.rootAt(height);
  if (root === null) throw new ChainError(ChainErrorCode.HeightNotRetained, `The state tree of height ${height} is not retained by this node.`);
  const { proof, valueHash } = await proveKey(sources.reader, root, keyBytes);
  if (!sameHash(value, valueHash)) {
    throw new ChainError(ChainErrorCode.StoreCorrupt, `The state tree of height ${height} does not hold the expected value of key "${Buffer.from(keyBytes).toString('latin1')}".`);
  }
  return encodeStateProof(proof);
}

function encoded(key: string, value: StateValue | null | undefined): Uint8Array | null {
  return value === null || value === undefined ? null : encodeStateValue(key, value);
}

function sameHash(value: Uint8Array | null, valueHash: Uint8Array | null): boolean {
  if (value === null || valueHash === null) return value === null && valueHash === null;
  return equalBytes(fastSha256(value), valueHash);
}
