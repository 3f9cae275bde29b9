/**
 * Pools and schedules as they stand at the head, read straight from state, so the dashboard's
 * panels work on a node whose API has no /v1/pools or /v1/schedules route yet.
 */
import { META_POOLS, META_SCHEDULES, type Pool, type Schedule, type StateView, poolKey, scheduleKey } from '../../tokenomics/index.ts';

export function poolsOf(state: StateView): Pool[] {
  const ids = (state.get(META_POOLS) as readonly string[] | undefined) ?? [];
  return ids.map((id) => state.get(poolKey(id)) as Pool | undefined).filter((p): p is Pool => p !== undefined);
}

export function schedulesOf(state: StateView): Schedule[] {
  const ids = (state.get(META_SCHEDULES) as readonly string[] | undefined) ?? [];
  return ids.map((id) => state.get(scheduleKey(id)) as Schedule | undefined).filter((s): s is Schedule => s !== undefined);
}
