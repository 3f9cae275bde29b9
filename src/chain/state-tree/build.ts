/**
 * Bulk build of a tree from the empty one (a genesis state, docs/protocol.md §18.6): the same nodes
 * as `applyWrites(store, EMPTY_ROOT, version, writes)`, but handed out in chunks as they are made,
 * so a million-key genesis never holds its ~2.4 million node writes in one array (nor one batch).
 * The sorted leaves are cut into the 2^SPLIT_DEPTH subtrees under the first SPLIT_DEPTH bits; each
 * is built alone and its nodes passed on, then the levels above them.
 */
import { ChainError, ChainErrorCode } from '../errors.ts';
import { EMPTY_HASH, pathBit } from '../../light/tree-rules.ts';
import type { TreeRoot } from './node-store.ts';
import { type Leaf, type Sub, Writer, hashWrites, ownedRoot } from './update.ts';

const SPLIT_DEPTH = 8;

export type NodePut = { readonly key: Uint8Array; readonly value: Uint8Array };

/**
 * Builds the tree of `writes` (no deletes) as `version`, calling `onChunk` with each chunk of at
 * least `chunkNodes` new nodes (the last may be smaller) and awaiting it (e.g. one LevelDB batch).
 */
export async function buildTree(version: bigint, writes: Iterable<readonly [Uint8Array, Uint8Array | null]>, onChunk: (puts: NodePut[]) => Promise<void> | void, chunkNodes = 65_536): Promise<TreeRoot> {
  const changes = hashWrites(writes);
  if (changes.some((c) => c.valueHash === null)) throw new ChainError(ChainErrorCode.InvalidBlock, 'A state tree bulk build starts from the empty tree: it cannot delete.');
  const leaves = changes as Leaf[];
  const writer = new Writer(version);
  const flush = async (atLeast: number): Promise<void> => {
    if (writer.puts.length >= atLeast && writer.puts.length > 0) await onChunk(writer.takePuts());
  };
  // The subtrees under each SPLIT_DEPTH-bit prefix, with a path inside each (its first leaf's).
  const subs: Sub[] = [];
  const paths: (Uint8Array | null)[] = [];
  let lo = 0;
  for (let prefix = 0; prefix < 1 << SPLIT_DEPTH; prefix++) {
    let hi = lo;
    while (hi < leaves.length && topBits(leaves[hi]!.keyHash) === prefix) hi++;
    subs.push(writer.build(SPLIT_DEPTH, leaves, lo, hi));
    paths.push(hi > lo ? leaves[lo]!.keyHash : null);
    lo = hi;
    await flush(chunkNodes);
  }
  const ref = writer.place(combineLevels(writer, SPLIT_DEPTH, subs, paths), 0);
  await flush(0);
  return ownedRoot(ref);
}

/**
 * The root over the 2^depth subtrees at `depth` (in path order, each with a path inside it or
 * null when empty), level by level: combine() applies leaf compression as the recursive build
 * does. A snapshot's install (SnapshotTree) builds its chunks' subtrees the same way.
 */
export function combineLevels(writer: Writer, depth: number, subtrees: readonly Sub[], subtreePaths: readonly (Uint8Array | null)[]): Sub {
  let subs = subtrees;
  let paths = subtreePaths;
  for (let d = depth - 1; d >= 0; d--) {
    const up: Sub[] = [];
    const upPaths: (Uint8Array | null)[] = [];
    for (let i = 0; i < subs.length; i += 2) {
      const path = paths[i] ?? paths[i + 1] ?? null;
      up.push(path === null ? null : writer.combine(d, path, subs[i]!, subs[i + 1]!));
      upPaths.push(path);
    }
    subs = up;
    paths = upPaths;
  }
  return subs[0]!;
}

/** The first SPLIT_DEPTH bits of a path as a number. */
function topBits(path: Uint8Array): number {
  let out = 0;
  for (let d = 0; d < SPLIT_DEPTH; d++) out = (out << 1) | pathBit(path, d);
  return out;
}
