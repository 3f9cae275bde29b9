/**
 * The figures of docs/protocol.md §13.8 (the seed's `stats` rows), read from a state view. circulating_supply is
 * total_minted - total_burned, as the seed defines it; effective_supply is that less what the
 * protocol holds (system accounts, the reserve, pools).
 */
import { SYSTEM_ACCOUNT_IDS } from './ids.ts';
import { holdingsOf } from './invariants.ts';
import type { ChainParams } from './params.ts';
import type { BlockPosition, Pool, SupplyState } from './records.ts';
import * as K from './state/keys.ts';
import type { StateView } from './state/store.ts';

export interface SupplyStats {
  readonly height: bigint;
  readonly circulatingSupply: bigint;
  readonly totalMinted: bigint;
  readonly totalBurned: bigint;
  readonly effectiveSupply: bigint;
  readonly maxSupply: bigint | null;
  /** circulating / max in basis points, rounded down (null without a cap). */
  readonly issuedBps: bigint | null;
  readonly inflationRateBps: bigint;
  readonly burnRateBps: bigint;
  readonly annualProvision: bigint;
  readonly totalPoolLiquidity: bigint;
  readonly poolCount: number;
  readonly reserveBalance: bigint;
}

export function supplyStats(state: StateView): SupplyStats {
  const supply = state.get(K.META_SUPPLY) as SupplyState;
  const params = state.get(K.META_PARAMS) as ChainParams;
  const head = state.get(K.META_HEAD) as BlockPosition;
  const poolIds = (state.get(K.META_POOLS) as readonly string[] | undefined) ?? [];
  let poolLiquidity = 0n;
  for (const id of poolIds) {
    const pool = state.get(K.poolKey(id)) as Pool;
    poolLiquidity += pool.available + pool.reserved;
  }
  let systemHoldings = 0n;
  for (const id of Object.values(SYSTEM_ACCOUNT_IDS)) {
    systemHoldings += holdingsOf(K.accountKey(id), state.get(K.accountKey(id)));
  }
  const circulating = supply.totalMinted - supply.totalBurned;
  const max = params.supply.maxSupply;
  const reserve = state.get(K.accountKey(SYSTEM_ACCOUNT_IDS.reserve));
  return {
    height: head.height,
    circulatingSupply: circulating,
    totalMinted: supply.totalMinted,
    totalBurned: supply.totalBurned,
    effectiveSupply: circulating - systemHoldings - poolLiquidity,
    maxSupply: max,
    issuedBps: max === null || max === 0n ? null : (circulating * 10_000n) / max,
    inflationRateBps: params.supply.inflationRateBps,
    burnRateBps: params.supply.burnRateBps,
    annualProvision: supply.annualProvision,
    totalPoolLiquidity: poolLiquidity,
    poolCount: poolIds.length,
    reserveBalance: reserve === undefined ? 0n : holdingsOf(K.accountKey(SYSTEM_ACCOUNT_IDS.reserve), reserve),
  };
}
