/** GET /v1/schedules: distribution schedules (a page of them, in creation order) with their paid and shortfall totals. */
import { META_RETIRED_SCHEDULES, META_SCHEDULES, type Schedule, type Uuid, scheduleKey } from '../../../tokenomics/index.ts';
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
    // The running schedules and the recently retired ones, both bounded by max_schedules (docs/protocol.md §9),
    // so reading and sorting them all costs at most 2 x max_schedules reads.
    const ids = [META_RETIRED_SCHEDULES, META_SCHEDULES].flatMap((key) => (state.get(key) as readonly Uuid[] | undefined) ?? []);
    const schedules = ids.map((id) => state.get(scheduleKey(id)) as Schedule);
    // Creation order: by height, and within one height by the order the lists keep (a stable sort).
    schedules.sort((a, b) => (a.createdHeight < b.createdHeight ? -1 : a.createdHeight > b.createdHeight ? 1 : 0));
    const page = listPage(schedules, req.query.limit, req.query.cursor);
    return withNext(reply, { items: page.items.map((schedule) => scheduleJson(schedule, head)), next: page.next });
  });
};
