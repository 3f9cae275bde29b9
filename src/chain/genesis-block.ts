/**
 * Height 0: the genesis state and the header that commits to it. It is built, not signed; its
 * state root hashes every genesis key from 32 zero bytes (docs/protocol.md §3.5 and §7), and its hash is every node's
 * first parent, so two nodes with different genesis files can never share a chain.
 */
import { type GenesisBuildOptions, type GenesisConfig, type GenesisResult, buildGenesisState } from '../tokenomics/index.ts';
import type { BlockHeader } from './codec/block.ts';
import { headerHash, txRoot } from './codec/block.ts';
import { GENESIS_PARENT_ROOT, stateRoot } from './codec/state.ts';

export interface Genesis extends GenesisResult {
  readonly header: BlockHeader;
  readonly hash: Uint8Array;
  readonly stateRoot: Uint8Array;
}

export const ZERO_KEY_HEX = '00'.repeat(32);
export const ZERO_SIGNATURE = new Uint8Array(64);

/** The genesis of `config`. A change that gives another block for one config must bump GENESIS_RULES_VERSION. */
export function buildGenesis(config: GenesisConfig, options: GenesisBuildOptions = {}): Genesis {
  const result = buildGenesisState(config, options);
  // Every genesis key, a million for a million funded accounts: stateRoot hashes them a slice at a time.
  const root = stateRoot(GENESIS_PARENT_ROOT, result.writes);
  const header: BlockHeader = {
    chainId: config.params.chainId,
    height: 0n,
    slot: 0n,
    parentHash: new Uint8Array(32),
    timestampMs: config.params.genesisTimeMs,
    proposer: ZERO_KEY_HEX,
    txRoot: txRoot([]),
    stateRoot: root,
  };
  return { ...result, header, hash: headerHash(header), stateRoot: root };
}
