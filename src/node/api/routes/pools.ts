/** GET /v1/pools and /v1/pools/{id}: marketplace liquidity pools, one with its allocations. */
import type { MemoryState } from '../../../tokenomics/index.ts';
import { type Allocation, ALLOCATION_PREFIX, META_POOLS, type Pool, type Uuid, poolKey } from '../../../tokenomics/index.ts';
import { ApiError } from '../errors.ts';
import { allocationJson, poolJson } from '../json.ts';
import { listOf, params, ref } from '../schemas.ts';
import type { RouteModule } from './route.ts';

/** Allocations are keyed by their own id, so a pool's are found by scanning: fine at API rates. */
function allocationsOf(state: MemoryState, poolId: Uuid): Allocation[] {
  return state
    .keysWithPrefix(ALLOCATION_PREFIX)
    .map((key) => state.get(key) as Allocation)
    .filter((a) => a.poolId === poolId)
    .sort((a, b) => (a.createdHeight === b.createdHeight ? (a.id < b.id ? -1 : 1) : a.createdHeight < b.createdHeight ? -1 : 1));
}

const pendingCount = (allocations: readonly Allocation[]): number => allocations.filter((a) => a.status === 'pending').length;

export const poolRoutes: RouteModule = (app, { chain }) => {
  app.get('/v1/pools', {
    schema: { summary: 'All liquidity pools, in creation order', tags: ['pools'] },
    config: { openapi: { responses: { 200: listOf('Pool') } } },
  }, async () => {
    const state = chain.state;
    const ids = (state.get(META_POOLS) as readonly Uuid[] | undefined) ?? [];
    return ids.map((id) => poolJson(state.get(poolKey(id)) as Pool, pendingCount(allocationsOf(state, id))));
  });

  app.get<{ Params: { id: string } }>('/v1/pools/:id', {
    schema: { summary: 'One pool with its allocations', tags: ['pools'], params: params.uuid },
    config: { openapi: { responses: { 200: { allOf: [ref('Pool'), { type: 'object', properties: { allocations: listOf('Allocation') } }] }, 404: ref('Error') } } },
  }, async (req) => {
    const id = req.params.id.toLowerCase();
    const pool = chain.state.get(poolKey(id)) as Pool | undefined;
    if (pool === undefined) throw new ApiError('UnknownPool', `No pool ${id}.`);
    const allocations = allocationsOf(chain.state, id);
    return { ...(poolJson(pool, pendingCount(allocations)) as object), allocations: allocations.map(allocationJson) };
  });
};
