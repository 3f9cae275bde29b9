/**
 * GET /v1/history/{mints,burns,distributions}: history, newest first, by reason, account and page.
 * Every page costs O(limit) store reads at any chain age: filters are read from the store's history
 * index, never by a scan (issue 12 item 3). A full page carries `x-next-cursor`; passing it back as
 * `cursor` continues exactly after the page's last event, even inside one block.
 */
import type { HistoryPosition } from '../../../chain/store/chain-store.ts';
import { SYSTEM_ACCOUNT_IDS, type SystemAccountName, type TokenEvent, minBig } from '../../../tokenomics/index.ts';
import { ApiError } from '../../http/errors.ts';
import { NEXT_CURSOR_HEADER } from '../paging.ts';
import { eventJson } from '../json.ts';
import { type JsonSchema, listOf, query, ref } from '../schemas.ts';
import { blocksHeldFrom, refuseBelowBase } from './blocks.ts';
import type { RouteModule } from './route.ts';

/** On the last page of a pruned or restored node: the height its history starts at (older events are not held). */
export const HISTORY_FROM_HEADER = 'x-history-from-height';

interface HistoryQuery {
  limit: number;
  reason?: string;
  before_height?: string;
  account?: string;
  cursor?: string;
}

const KINDS: readonly { path: string; kind: TokenEvent['kind']; query: JsonSchema; item: string; summary: string }[] = [
  { path: 'mints', kind: 'mint', query: query.mints, item: 'MintEvent', summary: 'Mints, newest first (optionally one reason, one account)' },
  { path: 'burns', kind: 'burn', query: query.burns, item: 'BurnEvent', summary: 'Burns, newest first (optionally one reason, one account)' },
  { path: 'distributions', kind: 'distribution', query: query.distributions, item: 'DistributionEvent', summary: 'Schedule and auto-replenish payouts, newest first' },
];

function parseCursor(text: string): HistoryPosition {
  const [height, index] = text.split('.') as [string, string];
  if (BigInt(height) > 0xffff_ffff_ffff_ffffn || Number(index) > 0xffff_ffff) throw new ApiError('BadRequest', 'The query parameter cursor is outside the history.');
  return { height: BigInt(height), index: Number(index) };
}

export const historyRoutes: RouteModule = (app, { chain }) => {
  for (const { path, kind, query: querystring, item, summary } of KINDS) {
    app.get<{ Querystring: HistoryQuery }>(`/v1/history/${path}`, {
      schema: { summary, tags: ['history'], querystring },
      config: { openapi: { responses: { 200: listOf(item), 400: ref('Error'), 410: ref('Error') } } },
    }, async (req, reply) => {
      const { limit, reason, before_height: before, account, cursor } = req.query;
      const after = cursor === undefined ? undefined : parseCursor(cursor);
      // A page that lies wholly below the blocks this node holds (docs/protocol.md §20.6): its tighter bound is at or below the base.
      const bounds = [...(before === undefined ? [] : [BigInt(before)]), ...(after === undefined ? [] : [after.height + 1n])];
      const upTo = bounds.length === 0 ? null : bounds.reduce(minBig);
      if (upTo !== null && upTo <= chain.baseHeight) refuseBelowBase(chain, `History below height ${upTo}`);
      const given = account?.toLowerCase();
      // historyPage, not chain.history: only it pages.
      const page = await chain.historyPage(kind, {
        limit,
        ...(reason === undefined ? {} : { reason }),
        ...(given === undefined ? {} : { account: SYSTEM_ACCOUNT_IDS[given as SystemAccountName] ?? given }),
        ...(before === undefined ? {} : { beforeHeight: BigInt(before) }),
        ...(after === undefined ? {} : { before: after }),
      });
      // The last page of a node that holds no blocks below its base: older events may exist elsewhere.
      const heldFrom = blocksHeldFrom(chain);
      if (page.next !== null) void reply.header(NEXT_CURSOR_HEADER, `${page.next.height}.${page.next.index}`);
      else if (heldFrom !== null) void reply.header(HISTORY_FROM_HEADER, heldFrom.toString());
      return page.events.map(eventJson);
    });
  }
};
