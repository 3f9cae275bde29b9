/** GET /v1/stats: the supply figures of docs/protocol.md §13.8 and the head height. */
import { supplyStats } from '../../../tokenomics/index.ts';
import { statsJson } from '../json.ts';
import { ref } from '../schemas.ts';
import type { RouteModule } from './route.ts';

export const statsRoutes: RouteModule = (app, { chain }) => {
  app.get('/v1/stats', {
    schema: { summary: 'Supply statistics: minted, burned, circulating, effective, max, rates, pools', tags: ['supply'] },
    config: { openapi: { responses: { 200: ref('Stats') } } },
  }, async () => statsJson(supplyStats(chain.state)));
};
