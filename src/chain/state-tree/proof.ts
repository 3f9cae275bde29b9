/**
 * Proof generation (docs/protocol.md §13.4): the walk from a version's root along SHA-256(key),
 * collecting the sibling hash of every level, ending at an empty subtree, the key's leaf or
 * another key's leaf. Many keys are proven together, one `getNodes` call per level.
 */
import { ChainError, ChainErrorCode } from '../errors.ts';
import { ProofEnd, type StateProof } from '../../light/state-proof.ts';
import { EMPTY_HASH, equalBytes, pathBit } from '../../light/tree-rules.ts';
import { fastSha256 } from './hash.ts';
import { type ChildRef, decodeNode, nodeKey } from './node.ts';
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
      const node = decodeNode(bytes);
      if (node.kind === 'leaf') {
        w.done = equalBytes(node.keyHash, w.keyHash)
          ? { proof: { end: ProofEnd.Present, siblings: w.siblings }, valueHash: Uint8Array.from(node.valueHash) }
          : { proof: { end: ProofEnd.OtherLeaf, siblings: w.siblings, otherLeaf: { keyHash: Uint8Array.from(node.keyHash), valueHash: Uint8Array.from(node.valueHash) } }, valueHash: null };
        return;
      }
      const right = pathBit(w.keyHash, depth) === 1;
      // Copies: a proof outlives the store's buffers it was read from.
      w.siblings.push(Uint8Array.from((right ? node.left : node.right)?.hash ?? EMPTY_HASH));
      w.ref = right ? node.right : node.left;
    });
  }
  return walks.map((w) => w.done!);
}

export async function proveKey(store: NodeReader, root: TreeRoot, key: Uint8Array): Promise<KeyProof> {
  return (await proveKeys(store, root, [key]))[0]!;
}
