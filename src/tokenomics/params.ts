/** Chain parameters set at genesis (docs/protocol.md §14.1); a `param-change` proposal changes some. */
import type { GovParams } from './gov/params.ts';

export interface SupplyConfig {
  readonly initialSupply: bigint;
  /** null = no cap. */
  readonly maxSupply: bigint | null;
  readonly inflationRateBps: bigint;
  readonly burnRateBps: bigint;
}

export interface ChainParams {
  readonly chainId: string;
  readonly genesisTimeMs: bigint;
  readonly blockTimeMs: bigint;
  readonly blocksPerYear: bigint;
  readonly supply: SupplyConfig;
  readonly minFee: bigint;
  readonly unbondingBlocks: bigint;
  readonly relayMinStake: bigint;
  readonly escrowTimeoutBlocks: bigint;
  readonly maxBlockTxs: bigint;
  readonly maxBlockBytes: bigint;
  /** Bounds of the lists in state (docs/protocol.md §9): a tx past one is refused. */
  readonly maxUnbondingEntries: bigint;
  readonly maxRelays: bigint;
  readonly maxPools: bigint;
  /** Schedules still running (cancelled and finished ones leave the list the block step walks). */
  readonly maxSchedules: bigint;
  /** Objects due at one height (allocations, unbonding entries, escrows): step 3 of that block runs them all. */
  readonly maxDeadlinesPerHeight: bigint;
  /** Governance (docs/protocol.md §17): the last record of meta:params. */
  readonly gov: GovParams;
}

export const DEFAULT_SUPPLY: SupplyConfig = Object.freeze({
  initialSupply: 100_000_000_000n,
  maxSupply: 1_000_000_000_000n,
  inflationRateBps: 500n,
  burnRateBps: 100n,
});

export const DEFAULT_PARAMS = Object.freeze({
  blockTimeMs: 6_000n,
  blocksPerYear: 5_256_000n,
  minFee: 1n,
  unbondingBlocks: 100_800n,
  relayMinStake: 100_000n,
  escrowTimeoutBlocks: 100_800n,
  maxBlockTxs: 10_000n,
  maxBlockBytes: 8n * 1024n * 1024n,
  /** As Cosmos' MaxEntries (docs/protocol.md §13.4). */
  maxUnbondingEntries: 7n,
  maxRelays: 1_000n,
  maxPools: 1_000n,
  maxSchedules: 256n,
  /** Twice max_block_txs: one block's unstakes and purchases (fixed lifetimes) never fill a height alone. */
  maxDeadlinesPerHeight: 20_000n,
  /** Default lifetime of a pool allocation (docs/protocol.md §13.3). */
  allocationExpiryBlocks: 100_800n,
});

/** Upper ends of the list bounds a genesis may choose (docs/protocol.md §9): what the state codecs read. */
export const LIST_BOUND_LIMITS = Object.freeze({
  maxUnbondingEntries: 1_000_000n,
  maxRelays: 1_000_000n,
  maxPools: 1_000_000n,
  maxSchedules: 1_000_000n,
  maxDeadlinesPerHeight: 1_000_000n,
});

/** Authority keys of one set (set-authority, genesis) and validators of a genesis: the codecs' bounds. */
export const MAX_AUTHORITY_KEYS = 64;
export const MAX_VALIDATORS = 10_000;
