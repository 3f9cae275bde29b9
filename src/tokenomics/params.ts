/** Chain parameters fixed at genesis (SPEC 3.1). */
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
  /** Default lifetime of a pool allocation (SPEC 4.4). */
  allocationExpiryBlocks: 100_800n,
});
