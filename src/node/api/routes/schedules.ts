/** GET /v1/schedules: distribution schedules (a page of them, in creation order) with their paid and shortfall totals. */
import { META_SCHEDULES, type Schedule, type Uuid, scheduleKey } from '../../../tokenomics/index.ts';
import { scheduleJson } from '../json.ts';
import { listPage, withNext } from '../paging.ts';
import { listOf, query, ref } from '../schemas.ts';
import type { RouteModule } from './route.ts';

export const scheduleRoutes: RouteModule = (app, { chain }) => {
  app.get<{ Querystring: { limit: number; cursor?: string } }>('/v1/schedules', {
    schema: { summary: 'Distribution schedules in creation order, with paid and shortfall totals and the next run', tags: ['schedules'], querystring: query.schedules },
    config: { openapi: { responses: { 200: listOf('Schedule'), 400: ref('Error') } } },
  }, async (req, reply) => {
    const state = chain.state;
    const head = chain.head.header.height;
    const page = listPage((state.get(META_SCHEDULES) as readonly Uuid[] | undefined) ?? [], req.query.limit, req.query.cursor);
    return withNext(reply, { items: page.items.map((id) => scheduleJson(state.get(scheduleKey(id)) as Schedule, head)), next: page.next });
  });
};
