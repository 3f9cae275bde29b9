/**
 * Replays a node's stored chain from genesis in this process, after the node has stopped: every
 * block re-validates on the replayed state, the replayed head's state root is the stored one, the
 * stored state equals the replayed state key by key, and the full invariants of docs/protocol.md §13.8 hold.
 */
import { join } from 'node:path';
import { type ParentInfo, importBlock } from '../../../src/chain/block-import.ts';
import { BranchNodeReader } from '../../../src/chain/chain-tree.ts';
import { decodeBlock } from '../../../src/chain/codec/block.ts';
import { encodeStateValue } from '../../../src/chain/codec/state.ts';
import { toHex } from '../../../src/chain/crypto.ts';
import { genesisParent } from '../../../src/chain/genesis-block.ts';
import { ChainStore } from '../../../src/chain/store/chain-store.ts';
import { type GenesisConfig, checkStateInvariants } from '../../../src/tokenomics/index.ts';

export interface ReplayResult {
  readonly height: bigint;
  readonly headHash: string;
  readonly stateRoot: string;
  readonly txs: number;
  /** Block hashes by height, 1..head. */
  readonly hashes: readonly string[];
}

export async function replayStoredChain(dataDir: string, config: GenesisConfig): Promise<ReplayResult> {
  const { genesis, parent: genesisParentInfo } = await genesisParent(config);
  const store = await ChainStore.open(join(dataDir, 'chain'));
  try {
    const stored = await store.head();
    if (stored === null) throw new Error(`${dataDir}: no head`);
    const treeRoot = await store.tree.rootAt(stored.height);
    if (treeRoot === null || toHex(treeRoot.hash) !== toHex(stored.stateRoot)) throw new Error(`${dataDir}: the stored state tree root is not the head's state_root`);
    const replayed = genesis.state.clone();
    // The replay's own tree, in memory from the genesis one: each block's state_root is recomputed.
    const nodes = new BranchNodeReader(genesisParentInfo.tree.reader);
    let parent: ParentInfo = { ...genesisParentInfo, state: replayed, tree: { reader: nodes, root: genesis.tree } };
    let txs = 0;
    const hashes: string[] = [];
    for (let h = 1n; h <= stored.height; h++) {
      const bytes = await store.blockByHeight(h);
      if (bytes === null) throw new Error(`${dataDir}: no block at height ${h} below the head ${stored.height}`);
      const block = decodeBlock(bytes);
      if (toHex(block.header.parentHash) !== toHex(parent.hash)) throw new Error(`${dataDir}: block ${h} does not link to block ${h - 1n}`);
      const imported = await importBlock(block, parent, block.header.slot);
      replayed.commit(imported.writes);
      nodes.add(imported.tree);
      txs += block.txs.length;
      hashes.push(toHex(block.hash));
      parent = { header: block.header, hash: block.hash, state: replayed, tree: { reader: nodes, root: imported.tree.root } };
    }
    if (toHex(parent.hash) !== toHex(stored.hash)) throw new Error(`${dataDir}: the stored head ${toHex(stored.hash)} is not the replayed ${toHex(parent.hash)}`);
    if (toHex(parent.header.stateRoot) !== toHex(stored.stateRoot)) throw new Error(`${dataDir}: stored state root differs from the replayed one`);
    const loaded = await store.loadState();
    const a = loaded.sortedEntries();
    const b = replayed.sortedEntries();
    if (a.length !== b.length) throw new Error(`${dataDir}: stored state has ${a.length} keys, replayed ${b.length}`);
    // Compared through the canonical encoding of each value (what the state root hashes).
    for (const [i, [key, value]] of a.entries()) {
      const [otherKey, otherValue] = b[i]!;
      if (key !== otherKey || toHex(encodeStateValue(key, value)) !== toHex(encodeStateValue(otherKey, otherValue))) {
        throw new Error(`${dataDir}: stored state differs from the replayed state at ${key} / ${otherKey}`);
      }
    }
    checkStateInvariants(replayed);
    return { height: stored.height, headHash: toHex(stored.hash), stateRoot: toHex(stored.stateRoot), txs, hashes };
  } finally {
    await store.close();
  }
}
