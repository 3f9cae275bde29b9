/**
 * Height 0: the genesis state and the header that commits to it. It is built, not signed; its
 * state root is the root of the state tree over every genesis key (docs/protocol.md §7, §18),
 * bulk-built, and its hash is every node's first parent, so two nodes with different genesis files
 * can never share a chain.
 */
import { type GenesisBuildOptions, type GenesisConfig, type GenesisResult, buildGenesisState } from '../tokenomics/index.ts';
import type { ParentInfo } from './block-import.ts';
import type { BlockHeader } from './codec/block.ts';
import { headerHash, txRoot } from './codec/block.ts';
import { treeWrites } from './chain-tree.ts';
import { PROTOCOL_VERSION } from './protocol-version.ts';
import { MemoryNodeStore, type NodePut, type TreeRoot, buildTree } from './state-tree/index.ts';

export interface Genesis extends GenesisResult {
  readonly header: BlockHeader;
  readonly hash: Uint8Array;
  readonly stateRoot: Uint8Array;
  /** The genesis state tree's root (its hash is `stateRoot`). */
  readonly tree: TreeRoot;
}

export interface GenesisTreeOptions extends GenesisBuildOptions {
  /** Receives the state tree's nodes in chunks as the bulk build makes them (default: dropped, only the root is kept). */
  readonly onTreeNodes?: (puts: NodePut[]) => Promise<void> | void;
}

export const ZERO_KEY_HEX = '00'.repeat(32);
export const ZERO_SIGNATURE = new Uint8Array(64);

/** The genesis of `config`. A change that gives another block for one config must bump GENESIS_RULES_VERSION. */
export async function buildGenesis(config: GenesisConfig, options: GenesisTreeOptions = {}): Promise<Genesis> {
  const { onTreeNodes, ...stateOptions } = options;
  const result = buildGenesisState(config, stateOptions);
  // Every genesis key, a million for a million funded accounts: the bulk build hands its nodes out in chunks.
  const tree = await buildTree(0n, treeWrites(result.writes), onTreeNodes ?? (() => undefined));
  const header: BlockHeader = {
    protocolVersion: BigInt(PROTOCOL_VERSION),
    chainId: config.params.chainId,
    height: 0n,
    slot: 0n,
    parentHash: new Uint8Array(32),
    timestampMs: config.params.genesisTimeMs,
    proposer: ZERO_KEY_HEX,
    txRoot: txRoot([]),
    stateRoot: tree.hash,
  };
  return { ...result, header, hash: headerHash(header), stateRoot: tree.hash, tree };
}

/** The genesis with its tree in memory, as the parent of block 1: for tools and tests that build blocks without a store. */
export async function genesisParent(config: GenesisConfig): Promise<{ genesis: Genesis; parent: ParentInfo }> {
  const nodes = new MemoryNodeStore();
  const genesis = await buildGenesis(config, { onTreeNodes: (puts) => nodes.apply({ version: 0n, root: { hash: new Uint8Array(32), ref: null }, puts, stale: [] }) });
  return { genesis, parent: { header: genesis.header, hash: genesis.hash, state: genesis.state, tree: { reader: nodes, root: genesis.tree } } };
}
