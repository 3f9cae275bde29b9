/**
 * Proof generation (docs/protocol.md §18.4): the walk from a version's root along SHA-256(key),
 * collecting the sibling hash of every level, ending at an empty subtree, the key's leaf or
 * another key's leaf. Many keys are proven together, one `getNodes` call per level.
 */
import { ChainError, ChainErrorCode } from '../errors.ts';
import { ProofEnd, type StateProof } from '../../light/state-proof.ts';
import { equalBytes, pathBit } from '../../light/tree-rules.ts';
import { fastSha256 } from './hash.ts';
import { type ChildRef, type TreeNode, childHashCopy, childRefAt, decodeNode, isLeafBytes, nodeKey } from './node.ts';
import type { NodeReader, TreeRoot } from './node-store.ts';

export interface KeyProof {
  readonly proof: StateProof;
  /** The value hash the tree holds for the key (null: absent). */
  readonly valueHash: Uint8Array | null;
}

/** Proofs for `keys` (state key bytes) in the tree at `root`, in order. */
export async function proveKeys(store: NodeReader, root: TreeRoot, keys: readonly Uint8Array[]): Promise<KeyProof[]> {
  const walks = keys.map((key) => ({ keyHash: fastSha256(key), ref: root.ref as ChildRef, siblings: [] as Uint8Array[], done: null as KeyProof | null }));
  for (let depth = 0; ; depth++) {
    const open = walks.filter((w) => {
      if (w.done === null && w.ref === null) w.done = { proof: { end: ProofEnd.Empty, siblings: w.siblings }, valueHash: null };
      return w.done === null;
    });
    if (open.length === 0) break;
    const found = await store.getNodes(open.map((w) => nodeKey(w.ref!.version, depth, w.keyHash)));
    open.forEach((w, i) => {
      const bytes = found[i];
      if (bytes === undefined) throw new ChainError(ChainErrorCode.StoreCorrupt, `The state tree lacks a node at depth ${depth}: is this version pruned?`);
      if (isLeafBytes(bytes)) {
        const node = decodeNode(bytes) as Extract<TreeNode, { kind: 'leaf' }>;
        w.done = equalBytes(node.keyHash, w.keyHash)
          ? { proof: { end: ProofEnd.Present, siblings: w.siblings }, valueHash: Uint8Array.from(node.valueHash) }
          : { proof: { end: ProofEnd.OtherLeaf, siblings: w.siblings, otherLeaf: { keyHash: Uint8Array.from(node.keyHash), valueHash: Uint8Array.from(node.valueHash) } }, valueHash: null };
        return;
      }
      const bit = pathBit(w.keyHash, depth);
      // Copies: a proof outlives the store's buffers it was read from. Only the followed child is decoded.
      w.siblings.push(childHashCopy(bytes, 1 - bit));
      w.ref = childRefAt(bytes, bit);
    });
  }
  return walks.map((w) => w.done!);
}

export async function proveKey(store: NodeReader, root: TreeRoot, key: Uint8Array): Promise<KeyProof> {
  return (await proveKeys(store, root, [key]))[0]!;
}
