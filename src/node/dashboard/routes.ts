/**
 * The dashboard's routes: the page at `/`, its files under `/dashboard/`, and the two JSON feeds
 * it polls that the rest of the API does not offer: `/v1/stats/series` (supply figures per block
 * over time, burn rate, pools and schedules at the head) and `/v1/stats/recent` (latest blocks and
 * transactions). Amounts are decimal strings, as everywhere in the API.
 */
import type { FastifyInstance } from 'fastify';
import type { ChainView } from '../../chain/chain-view.ts';
import { ApiError } from '../http/errors.ts';
import { plain } from '../http/plain.ts';
import { poolsOf, schedulesOf } from './economy.ts';
import type { DashboardFeed } from './feed.ts';
import { recentResponse, seriesResponse } from './schemas.ts';
import { loadStaticFiles } from './static-files.ts';
import { registerSystemAccountsRoute } from './system-accounts.ts';

export interface DashboardDeps {
  readonly chain: ChainView;
  /** Null: the page is served, the feeds answer 404 (a node built without a feed). */
  readonly feed: DashboardFeed | null;
}

/** Routes other parts of the node add over time; the page asks for one only when the node has it. */
const OPTIONAL_ROUTES = { pools: '/v1/pools', schedules: '/v1/schedules', projection: '/v1/projection', peers: '/v1/peers', proposals: '/v1/proposals' } as const;

const DEFAULT_POINTS = 300;
const DEFAULT_WINDOW = 100;

function intParam(text: unknown, name: string, fallback: number, max: number): number {
  if (text === undefined) return fallback;
  if (typeof text !== 'string' || !/^\d{1,6}$/.test(text) || Number(text) < 1 || Number(text) > max) {
    throw new ApiError('BadRequest', `${name} must be a whole number from 1 to ${max}.`);
  }
  return Number(text);
}

export function registerDashboard(app: FastifyInstance, deps: DashboardDeps): void {
  const files = loadStaticFiles();
  const page = files.get('index.html')!;
  const { chain } = deps;
  const feedOf = (): DashboardFeed => {
    if (deps.feed === null) throw new ApiError('NotFound', 'This node keeps no dashboard feed.');
    return deps.feed;
  };

  const page404 = { 404: { $ref: '#/components/schemas/Error' } };
  app.get('/', { schema: { summary: 'The dashboard page', tags: ['dashboard'] }, config: { openapi: { content: 'text/html', responses: { 200: 'The dashboard (HTML).' } } } }, async (_req, reply) => reply.type(page.type).header('cache-control', 'no-cache').send(page.body));

  app.get<{ Params: { '*': string } }>('/dashboard/*', {
    schema: { summary: 'A file of the dashboard page', tags: ['dashboard'] },
    config: { openapi: { content: 'application/octet-stream', responses: { 200: 'The file (its own content type: JavaScript, CSS, ...).', ...page404 } } },
  }, async (req, reply) => {
    const file = files.get(req.params['*']);
    if (file === undefined) throw new ApiError('NotFound', `No dashboard file "${req.params['*']}".`);
    return reply.type(file.type).header('cache-control', 'no-cache').send(file.body);
  });

  app.get<{ Querystring: { points?: string; window?: string } }>('/v1/stats/series', {
    schema: { summary: 'Supply series for the dashboard (query: points, window)', tags: ['dashboard'] },
    config: { openapi: { responses: { 200: seriesResponse, ...page404 } } },
  }, async (req) => {
    const feed = feedOf();
    const points = intParam(req.query.points, 'points', DEFAULT_POINTS, feed.series.capacity);
    const window = intParam(req.query.window, 'window', DEFAULT_WINDOW, feed.series.capacity);
    return plain({
      headHeight: chain.head.header.height,
      capacity: feed.series.capacity,
      length: feed.series.length,
      backfill: feed.backfillStatus,
      burnRate: feed.series.rate(window),
      points: feed.series.sample(points),
      pools: poolsOf(chain.state).map((p) => ({ id: p.id, name: p.name, available: p.available, reserved: p.reserved, autoReplenish: p.autoReplenish })),
      schedules: schedulesOf(chain.state),
      routes: Object.fromEntries(Object.entries(OPTIONAL_ROUTES).map(([name, url]) => [name, app.hasRoute({ method: 'GET', url })])),
    });
  });

  registerSystemAccountsRoute(app, () => chain.head.header.height, () => feedOf().systemAccounts);

  app.get<{ Querystring: { blocks?: string; txs?: string } }>('/v1/stats/recent', {
    schema: { summary: 'Latest blocks and transactions for the dashboard (query: blocks, txs)', tags: ['dashboard'] },
    config: { openapi: { responses: { 200: recentResponse, ...page404 } } },
  }, async (req) => {
    const feed = feedOf();
    return plain({
      headHeight: chain.head.header.height,
      blocks: feed.recent.latestBlocks(intParam(req.query.blocks, 'blocks', 20, 1000)),
      txs: feed.recent.latestTxs(intParam(req.query.txs, 'txs', 20, 1000)),
    });
  });
}
