/**
 * Roots of parts of the state tree computed from their pairs (docs/protocol.md §18.3), for
 * snapshots: the root of one chunk's subtree at its depth, and the state root from the 2^depth
 * subtree roots. Leaf compression makes the combination depend on kinds, not only hashes: a
 * subtree holding one pair is that pair's leaf wherever it sits, so a leaf beside an empty
 * sibling moves up unchanged.
 */
import { EMPTY_HASH, HASH_BYTES } from '../../light/tree-rules.ts';
import { internalHashOf, leafHashInto } from '../state-tree/hash.ts';
import { type Leaf, splitAt } from '../state-tree/update.ts';
import { RefKind, type SubtreeRef } from './format.ts';

export const EMPTY_REF: SubtreeRef = { kind: RefKind.Empty, hash: EMPTY_HASH };

/** root(S, depth) of `leaves` (sorted by path, strictly ascending, all sharing the first `depth` bits). */
export function subtreeRoot(leaves: readonly Leaf[], depth: number): SubtreeRef {
  // The node hashes go into shared arrays (the JS SHA-256, no Buffer per hash): a restore hashes ~2
  // million nodes of a million-key state here (docs/protocol.md §20.3). n leaves make about 2n
  // nodes, more where paths share long prefixes (internal nodes over one empty side): it grows.
  const scratch: Scratch = { bytes: new Uint8Array(2 * Math.max(leaves.length, 16) * HASH_BYTES), used: 0 };
  const root = rootOf(leaves, 0, leaves.length, depth, scratch);
  // The root outlives the scratch array (a manifest keeps it): copied out.
  return root === EMPTY_REF ? root : { kind: root.kind, hash: Uint8Array.from(root.hash) };
}

type Scratch = { bytes: Uint8Array; used: number };

function rootOf(leaves: readonly Leaf[], lo: number, hi: number, depth: number, scratch: Scratch): SubtreeRef {
  if (hi === lo) return EMPTY_REF;
  if (scratch.used + HASH_BYTES > scratch.bytes.length) {
    // Earlier hashes stay views into the full array.
    scratch.bytes = new Uint8Array(scratch.bytes.length);
    scratch.used = 0;
  }
  const hash = scratch.bytes.subarray(scratch.used, scratch.used + HASH_BYTES);
  scratch.used += HASH_BYTES;
  if (hi - lo === 1) {
    leafHashInto(leaves[lo]!.keyHash, leaves[lo]!.valueHash, hash, 0);
    return { kind: RefKind.Leaf, hash };
  }
  const a = splitAt(leaves, lo, hi, depth);
  const left = rootOf(leaves, lo, a, depth + 1, scratch);
  const right = rootOf(leaves, a, hi, depth + 1, scratch);
  internalHashOf(left.hash, 0, right.hash, 0, hash, 0);
  return { kind: RefKind.Internal, hash };
}

/** The root of two sibling subtrees (§18.3): a lone leaf beside an empty subtree stands for both. */
export function combine(left: SubtreeRef, right: SubtreeRef): SubtreeRef {
  if (left.kind === RefKind.Empty && right.kind !== RefKind.Internal) return right;
  if (right.kind === RefKind.Empty && left.kind === RefKind.Leaf) return left;
  const hash = new Uint8Array(HASH_BYTES);
  internalHashOf(left.hash, 0, right.hash, 0, hash, 0);
  return { kind: RefKind.Internal, hash };
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
