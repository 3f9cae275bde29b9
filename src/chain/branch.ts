/**
 * Side branches and reorgs (fork choice, docs/protocol.md §14.2): a block whose parent is not the head is placed
 * on its branch. The branch is walked down to the canonical chain by the headers in memory (only
 * the side blocks' bodies are read, they must be re-applied); the state at the common ancestor is
 * the head's state with the undo records of the canonical blocks above it; the branch is then
 * re-applied block by block on that state, each block's undo record being what committing it
 * returned. The chain decides with fork choice whether the result becomes the head.
 */
import { Overlay, type StateView, type WriteSet } from '../tokenomics/index.ts';
import { BlockError, BlockErrorCode } from './block-error.ts';
import type { ImportedBlock, ParentInfo } from './block-import.ts';
import { type Block, decodeBlock } from './codec/block.ts';
import { bytesEqual } from './codec/msgpack.ts';
import type { SignedTx } from './codec/tx.ts';
import { toHex } from './crypto.ts';
import { ChainError, ChainErrorCode } from './errors.ts';
import type { KnownHeader, RecentHeaders } from './recent-headers.ts';
import { BranchNodeReader, type ParentTree } from './chain-tree.ts';

/** What a branch needs from the store: side blocks' bodies, old canonical hashes, undo records. */
export interface BranchStore {
  blockByHash(hash: Uint8Array): Promise<Uint8Array | null>;
  hashAtHeight(height: bigint): Promise<Uint8Array | null>;
  undoRecord(height: bigint): Promise<WriteSet | null>;
}

export interface Branch {
  /** The canonical block the branch forks from. */
  readonly ancestor: KnownHeader;
  /** The branch's stored blocks above the ancestor, ascending (the new block not included). */
  readonly blocks: readonly Block[];
}

/** One re-applied branch block: its outcome and the undo record that reverts it. */
export interface BranchPart {
  readonly block: Block;
  readonly imported: ImportedBlock;
  readonly undo: WriteSet;
}

/**
 * The branch from the canonical chain up to `tipHash` (inclusive). A canonical block is found by
 * its header in memory where it is recent, else by the store's canonical index.
 */
export async function findBranch(tipHash: Uint8Array, recent: RecentHeaders, store: BranchStore): Promise<Branch> {
  const blocks: Block[] = [];
  let hash = tipHash;
  for (;;) {
    const known = recent.get(hash);
    if (known !== undefined && recent.isCanonical(known.header.height, hash) === true) return { ancestor: known, blocks: blocks.reverse() };
    const bytes = await store.blockByHash(hash);
    if (bytes === null) {
      throw new BlockError({ code: BlockErrorCode.UnknownParent, parentHash: toHex(hash) }, `Parent block ${toHex(hash)} is unknown; fetch it first.`);
    }
    const block = decodeBlock(bytes);
    const canonical = recent.isCanonical(block.header.height, hash) ?? isStoredCanonical(await store.hashAtHeight(block.header.height), hash);
    if (canonical) return { ancestor: { header: block.header, hash }, blocks: blocks.reverse() };
    blocks.push(block);
    hash = block.header.parentHash;
  }
}

/** The state at canonical height `ancestorHeight`: `head` (at `headHeight`) reverted by the undo records above it. */
export async function stateAtAncestor(head: StateView, headHeight: bigint, ancestorHeight: bigint, store: BranchStore): Promise<Overlay> {
  const view = new Overlay(head);
  for (let h = headHeight; h > ancestorHeight; h--) {
    const undo = await store.undoRecord(h);
    if (undo === null) throw new ChainError(ChainErrorCode.StoreCorrupt, `The undo record of block ${h} is missing.`);
    view.commit(undo);
  }
  return view;
}

/**
 * Applies `blocks` in order on `view` (the ancestor's state, moved along) and on the ancestor's
 * stored tree (each block's new nodes read from memory by the next, chain-tree.ts): `importOne`
 * validates each on its parent. Throws the first block's error; `view` then holds a partial
 * branch, so the caller drops it.
 */
export async function replayBranch(
  ancestor: KnownHeader,
  view: Overlay,
  ancestorTree: ParentTree,
  blocks: readonly Block[],
  importOne: (block: Block, parent: ParentInfo) => Promise<ImportedBlock>,
): Promise<BranchPart[]> {
  const reader = new BranchNodeReader(ancestorTree.reader);
  let parent: ParentInfo = { header: ancestor.header, hash: ancestor.hash, state: view, tree: { reader, root: ancestorTree.root } };
  const parts: BranchPart[] = [];
  for (const block of blocks) {
    const imported = await importOne(block, parent);
    parts.push({ block, imported, undo: view.commit(imported.writes) });
    reader.add(imported.tree);
    parent = { header: block.header, hash: block.hash, state: view, tree: { reader, root: imported.tree.root } };
  }
  return parts;
}

/**
 * The transactions of the abandoned blocks that the new branch does not include, in block order:
 * they go back to the mempool, ahead of the pending ones accepted on top of them.
 */
export function returningTxs(abandoned: readonly Block[], branch: readonly BranchPart[]): { included: Set<string>; returning: SignedTx[] } {
  const included = new Set(branch.flatMap((p) => p.block.txs.map((t) => toHex(t.hash))));
  const returning = abandoned.flatMap((b) => b.txs).filter((tx) => !included.has(toHex(tx.hash)));
  return { included, returning };
}

function isStoredCanonical(canonicalHash: Uint8Array | null, hash: Uint8Array): boolean {
  return canonicalHash !== null && bytesEqual(canonicalHash, hash);
}
