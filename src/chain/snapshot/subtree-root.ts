/**
 * Roots of parts of the state tree computed from their pairs (docs/protocol.md §18.3), for
 * snapshots: the root of one chunk's subtree at its depth, and the state root from the 2^depth
 * subtree roots. Leaf compression makes the combination depend on kinds, not only hashes: a
 * subtree holding one pair is that pair's leaf wherever it sits, so a leaf beside an empty
 * sibling moves up unchanged.
 */
import { EMPTY_HASH, internalHash, leafHash } from '../../light/tree-rules.ts';
import { fastSha256 } from '../state-tree/hash.ts';
import { type Leaf, splitAt } from '../state-tree/update.ts';
import { RefKind, type SubtreeRef } from './format.ts';

export const EMPTY_REF: SubtreeRef = { kind: RefKind.Empty, hash: EMPTY_HASH };

/** root(S, depth) of `leaves` (sorted by path, strictly ascending, all sharing the first `depth` bits). */
export function subtreeRoot(leaves: readonly Leaf[], depth: number): SubtreeRef {
  return rootOf(leaves, 0, leaves.length, depth);
}

function rootOf(leaves: readonly Leaf[], lo: number, hi: number, depth: number): SubtreeRef {
  if (hi === lo) return EMPTY_REF;
  if (hi - lo === 1) return { kind: RefKind.Leaf, hash: leafHash(fastSha256, leaves[lo]!.keyHash, leaves[lo]!.valueHash) };
  const a = splitAt(leaves, lo, hi, depth);
  const left = rootOf(leaves, lo, a, depth + 1);
  const right = rootOf(leaves, a, hi, depth + 1);
  return { kind: RefKind.Internal, hash: internalHash(fastSha256, left.hash, right.hash) };
}

/** The root of two sibling subtrees (§18.3): a lone leaf beside an empty subtree stands for both. */
export function combine(left: SubtreeRef, right: SubtreeRef): SubtreeRef {
  if (left.kind === RefKind.Empty && right.kind !== RefKind.Internal) return right;
  if (right.kind === RefKind.Empty && left.kind === RefKind.Leaf) return left;
  return { kind: RefKind.Internal, hash: internalHash(fastSha256, left.hash, right.hash) };
}

/** The state root from the roots of the 2^depth subtrees at `depth`, in path order. */
export function rootFromSubtrees(refs: readonly SubtreeRef[]): SubtreeRef {
  let level = refs;
  while (level.length > 1) {
    const up: SubtreeRef[] = [];
    for (let i = 0; i < level.length; i += 2) up.push(combine(level[i]!, level[i + 1]!));
    level = up;
  }
  return level[0] ?? EMPTY_REF;
}
