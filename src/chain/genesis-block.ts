/**
 * Height 0: the genesis state and the header that commits to it. It is built, not signed; its
 * state root is the root of the state tree over every genesis key (docs/protocol.md §7, §18),
 * bulk-built, and its hash is every node's first parent, so two nodes with different genesis files
 * can never share a chain.
 */
import { type GenesisBuildOptions, type GenesisConfig, type GenesisResult, buildGenesisState, genesisHeightOf, validateGenesis } from '../tokenomics/index.ts';
import type { ParentInfo } from './block-import.ts';
import type { BlockHeader } from './codec/block.ts';
import { headerHash, txRoot } from './codec/block.ts';
import { treeWrites } from './chain-tree.ts';
import { stateKeyBytes } from './codec/state.ts';
import { importGenesisState } from './genesis-import.ts';
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
  const height = genesisHeightOf(config);
  const { result, pairs } = genesisState(config, stateOptions);
  // Every genesis key, a million for a million funded accounts: the bulk build hands its nodes out in chunks.
  // The tree's version is the block's height, as for every block (docs/protocol.md §18.6).
  const tree = await buildTree(height, pairs, onTreeNodes ?? (() => undefined));
  const header: BlockHeader = {
    protocolVersion: BigInt(PROTOCOL_VERSION),
    chainId: config.params.chainId,
    height,
    slot: 0n,
    parentHash: new Uint8Array(32),
    timestampMs: config.params.genesisTimeMs,
    proposer: ZERO_KEY_HEX,
    txRoot: txRoot([]),
    stateRoot: tree.hash,
  };
  return { ...result, header, hash: headerHash(header), stateRoot: tree.hash, tree };
}

/**
 * The genesis state and the pairs its tree is built over: built from the config, or, for a genesis
 * from an exported state (docs/protocol.md §14.3), decoded from the file's pairs, whose bytes the
 * tree then hashes as they are (so the root is the root over the file's pairs).
 */
function genesisState(config: GenesisConfig, options: GenesisBuildOptions): { result: GenesisResult; pairs: Iterable<readonly [Uint8Array, Uint8Array | null]> } {
  if (config.initialState === undefined) {
    const result = buildGenesisState(config, options);
    return { result, pairs: treeWrites(result.writes) };
  }
  validateGenesis(config);
  const { state, writes } = importGenesisState(config);
  return { result: { state, writes, events: [] }, pairs: config.initialState.pairs.map(([key, value]) => [stateKeyBytes(key), value] as const) };
}

/** The genesis with its tree in memory, as the parent of block 1: for tools and tests that build blocks without a store. */
export async function genesisParent(config: GenesisConfig): Promise<{ genesis: Genesis; parent: ParentInfo }> {
  const nodes = new MemoryNodeStore();
  const version = genesisHeightOf(config);
  const genesis = await buildGenesis(config, { onTreeNodes: (puts) => nodes.apply({ version, root: { hash: new Uint8Array(32), ref: null }, puts, stale: [] }) });
  return { genesis, parent: { header: genesis.header, hash: genesis.hash, state: genesis.state, tree: { reader: nodes, root: genesis.tree } } };
}
