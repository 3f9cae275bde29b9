/** GET /v1/history/{mints,burns,distributions}: history, newest first, by reason and page. */
import type { TokenEvent } from '../../../tokenomics/index.ts';
import { eventJson } from '../json.ts';
import { type JsonSchema, listOf, query, ref } from '../schemas.ts';
import type { RouteModule } from './route.ts';

interface HistoryQuery {
  limit: number;
  reason?: string;
  before_height?: string;
}

const KINDS: readonly { path: string; kind: TokenEvent['kind']; query: JsonSchema; item: string; summary: string }[] = [
  { path: 'mints', kind: 'mint', query: query.mints, item: 'MintEvent', summary: 'Mints, newest first (optionally one reason)' },
  { path: 'burns', kind: 'burn', query: query.burns, item: 'BurnEvent', summary: 'Burns, newest first (optionally one reason)' },
  { path: 'distributions', kind: 'distribution', query: query.distributions, item: 'DistributionEvent', summary: 'Schedule and auto-replenish payouts, newest first' },
];

export const historyRoutes: RouteModule = (app, { chain }) => {
  for (const { path, kind, query: querystring, item, summary } of KINDS) {
    app.get<{ Querystring: HistoryQuery }>(`/v1/history/${path}`, {
      schema: { summary, tags: ['history'], querystring },
      config: { openapi: { responses: { 200: listOf(item), 400: ref('Error') } } },
    }, async (req) => {
      const { limit, reason, before_height: before } = req.query;
      // The store, not chain.history: only it pages by height.
      const events = await chain.store.history(kind, {
        limit,
        ...(reason === undefined ? {} : { reason }),
        ...(before === undefined ? {} : { beforeHeight: BigInt(before) }),
      });
      return events.map(eventJson);
    });
  }
};
