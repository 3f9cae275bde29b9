/** The state tree root of a whole state, bulk-built from nothing: what block-by-block updates must reach. */
import { treeWrites } from '../../../src/chain/chain-tree.ts';
import { buildTree } from '../../../src/chain/state-tree/index.ts';
import type { MemoryState } from '../../../src/tokenomics/index.ts';

export async function bulkRoot(state: MemoryState): Promise<Uint8Array> {
  return (await buildTree(0n, treeWrites(new Map(state.sortedEntries())), () => undefined)).hash;
}
