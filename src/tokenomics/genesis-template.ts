/**
 * The default genesis (used by `--dev` and `dchat testnet`): the seed's split of initial_supply.
 * Validators 20 % (equal shares to their reward wallets, remainder to the first), relays 15 %
 * (relay-fund), marketplace 10 % (a pool named "Marketplace"), treasury 25 %, dev fund 15 %,
 * community airdrop 15 %.
 */
import { applyBps } from './amount.ts';
import type { GenesisConfig } from './genesis.ts';
import { SYSTEM_ACCOUNT_IDS, type Uuid } from './ids.ts';
import { type ChainParams, DEFAULT_PARAMS, DEFAULT_SUPPLY, type SupplyConfig } from './params.ts';
import { defaultGovFor } from './gov/params.ts';
import type { Validator } from './records.ts';

export interface TemplateOptions {
  readonly chainId: string;
  readonly genesisTimeMs: bigint;
  readonly validators: readonly Validator[];
  readonly authority: readonly string[];
  readonly supply?: SupplyConfig;
  readonly params?: Partial<Omit<ChainParams, 'chainId' | 'genesisTimeMs' | 'supply'>>;
}

export const DEFAULT_SPLIT_BPS = Object.freeze({
  validators: 2_000n,
  relays: 1_500n,
  marketplace: 1_000n,
  treasury: 2_500n,
  devFund: 1_500n,
  airdrop: 1_500n,
});

export function defaultGenesis(options: TemplateOptions): GenesisConfig {
  const supply = options.supply ?? DEFAULT_SUPPLY;
  const initial = supply.initialSupply;
  const part = (bps: bigint): bigint => applyBps(initial, bps);
  const marketplace = part(DEFAULT_SPLIT_BPS.marketplace);
  const systemParts: [Uuid, bigint][] = [
    [SYSTEM_ACCOUNT_IDS['relay-fund'], part(DEFAULT_SPLIT_BPS.relays)],
    [SYSTEM_ACCOUNT_IDS.treasury, part(DEFAULT_SPLIT_BPS.treasury)],
    [SYSTEM_ACCOUNT_IDS['dev-fund'], part(DEFAULT_SPLIT_BPS.devFund)],
    [SYSTEM_ACCOUNT_IDS.airdrop, part(DEFAULT_SPLIT_BPS.airdrop)],
  ];
  // The validators' part takes whatever rounding left over, so the parts add up to initial_supply.
  const validatorsPart = initial - marketplace - systemParts.reduce((sum, [, amount]) => sum + amount, 0n);
  const count = BigInt(options.validators.length);
  const share = count === 0n ? 0n : validatorsPart / count;
  const validatorParts: [Uuid, bigint][] = options.validators.map((v, i) => [
    v.rewardWallet,
    i === 0 ? share + (validatorsPart - share * count) : share,
  ]);
  return {
    params: {
      chainId: options.chainId,
      genesisTimeMs: options.genesisTimeMs,
      blockTimeMs: DEFAULT_PARAMS.blockTimeMs,
      blocksPerYear: DEFAULT_PARAMS.blocksPerYear,
      minFee: DEFAULT_PARAMS.minFee,
      unbondingBlocks: DEFAULT_PARAMS.unbondingBlocks,
      relayMinStake: DEFAULT_PARAMS.relayMinStake,
      escrowTimeoutBlocks: DEFAULT_PARAMS.escrowTimeoutBlocks,
      maxBlockTxs: DEFAULT_PARAMS.maxBlockTxs,
      maxBlockBytes: DEFAULT_PARAMS.maxBlockBytes,
      maxUnbondingEntries: DEFAULT_PARAMS.maxUnbondingEntries,
      maxRelays: DEFAULT_PARAMS.maxRelays,
      maxPools: DEFAULT_PARAMS.maxPools,
      maxSchedules: DEFAULT_PARAMS.maxSchedules,
      maxDeadlinesPerHeight: DEFAULT_PARAMS.maxDeadlinesPerHeight,
      ...options.params,
      gov: options.params?.gov ?? defaultGovFor(options.params?.unbondingBlocks ?? DEFAULT_PARAMS.unbondingBlocks),
      supply,
    },
    validators: options.validators,
    authority: options.authority,
    distribution: [...validatorParts, ...systemParts].map(([account, amount]) => ({ account, amount })),
    pools: [{ name: 'Marketplace', amount: marketplace, operator: null, autoReplenish: null }],
    schedules: [],
  };
}
