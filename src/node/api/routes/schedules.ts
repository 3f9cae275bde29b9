/** GET /v1/schedules: distribution schedules with their paid and shortfall totals. */
import { META_SCHEDULES, type Schedule, type Uuid, scheduleKey } from '../../../tokenomics/index.ts';
import { scheduleJson } from '../json.ts';
import { listOf } from '../schemas.ts';
import type { RouteModule } from './route.ts';

export const scheduleRoutes: RouteModule = (app, { chain }) => {
  app.get('/v1/schedules', {
    schema: { summary: 'Distribution schedules in creation order, with paid and shortfall totals and the next run', tags: ['schedules'] },
    config: { openapi: { responses: { 200: listOf('Schedule') } } },
  }, async () => {
    const state = chain.state;
    const head = chain.head.header.height;
    const ids = (state.get(META_SCHEDULES) as readonly Uuid[] | undefined) ?? [];
    return ids.map((id) => scheduleJson(state.get(scheduleKey(id)) as Schedule, head));
  });
};
