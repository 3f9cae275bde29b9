/**
 * GET /v1/pools and /v1/pools/{id}: marketplace liquidity pools (a page of them, in creation
 * order), one with a page of its allocations, oldest first, from the API's collection index.
 */
import { META_POOLS, type Pool, type Uuid, poolKey } from '../../../tokenomics/index.ts';
import { ApiError } from '../../http/errors.ts';
import { allocationJson, poolJson } from '../json.ts';
import { listPage, withNext } from '../paging.ts';
import { listOf, params, query, ref } from '../schemas.ts';
import type { RouteModule } from './route.ts';

interface Page {
  limit: number;
  cursor?: string;
}

export const poolRoutes: RouteModule = (app, { chain }) => {
  const { collections } = app;

  app.get<{ Querystring: Page }>('/v1/pools', {
    schema: { summary: 'Liquidity pools, in creation order', tags: ['pools'], querystring: query.pools },
    config: { openapi: { responses: { 200: listOf('Pool'), 400: ref('Error') } } },
  }, async (req, reply) => {
    const state = chain.state;
    const page = listPage((state.get(META_POOLS) as readonly Uuid[] | undefined) ?? [], req.query.limit, req.query.cursor);
    return withNext(reply, { items: page.items.map((id) => poolJson(state.get(poolKey(id)) as Pool, collections.pendingAllocations(id))), next: page.next });
  });

  app.get<{ Params: { id: string }; Querystring: Page }>('/v1/pools/:id', {
    schema: { summary: 'One pool with its allocations (a page of them, oldest first)', tags: ['pools'], params: params.uuid, querystring: query.allocations },
    config: { openapi: { responses: { 200: { allOf: [ref('Pool'), { type: 'object', properties: { allocations: listOf('Allocation') } }] }, 404: ref('Error') } } },
  }, async (req, reply) => {
    const id = req.params.id.toLowerCase();
    const pool = chain.state.get(poolKey(id)) as Pool | undefined;
    if (pool === undefined) throw new ApiError('UnknownPool', `No pool ${id}.`);
    const { limit, cursor } = req.query;
    const page = collections.page('allocation', `pool:${id}`, { limit, oldestFirst: true, ...(cursor === undefined ? {} : { cursor }) });
    return withNext(reply, { items: { ...(poolJson(pool, collections.pendingAllocations(id)) as object), allocations: page.items.map(allocationJson) }, next: page.next });
  });
};
