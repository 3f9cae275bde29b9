/**
 * The system accounts' balances over time (treasury, dev-fund, airdrop, relay-fund, reserve), for
 * the dashboard's governance panel: one snapshot per head block, read from the head state (five
 * reads), kept in a ring of the feed's capacity, sampled down to N points on request. Balances of
 * blocks before the node started are not in any store, so the series begins at its start.
 */
import type { FastifyInstance } from 'fastify';
import { SYSTEM_ACCOUNTS, SYSTEM_ACCOUNT_IDS, type StateView, type SystemAccountName, accountIn } from '../../tokenomics/index.ts';
import { type JsonSchema, U64_PATTERN } from '../api/schemas.ts';
import { ApiError } from '../http/errors.ts';
import { plain } from '../http/plain.ts';
import { HeightSeries } from './height-series.ts';

export interface SystemAccountsPoint {
  readonly height: bigint;
  readonly timestampMs: bigint;
  readonly balances: Readonly<Record<SystemAccountName, bigint>>;
}

export class SystemAccountSeries extends HeightSeries<SystemAccountsPoint> {
  /** Records the balances in `state` after the block at `height` (a height at or below the newest replaces those). */
  snapshot(height: bigint, timestampMs: bigint, state: StateView): void {
    const balances = Object.fromEntries(SYSTEM_ACCOUNTS.map((name) => [name, accountIn(state, SYSTEM_ACCOUNT_IDS[name]).balance]));
    this.record({ height, timestampMs, balances: balances as Record<SystemAccountName, bigint> });
  }

  /** At most `points` snapshots spread evenly over the series, the newest always last. */
  sample(points: number): SystemAccountsPoint[] {
    const n = this.ring.length;
    const count = Math.min(points, n);
    const out: SystemAccountsPoint[] = [];
    for (let k = 1; k <= count; k++) out.push(this.ring.at(Math.floor((k * n) / count) - 1)!);
    return out;
  }
}

const u64 = (description: string): JsonSchema => ({ type: 'string', pattern: U64_PATTERN, description });

const response: JsonSchema = {
  type: 'object',
  required: ['head_height', 'capacity', 'length', 'points'],
  description: 'System account balances after each head block since the node started, sampled evenly.',
  properties: {
    head_height: u64('A block height.'),
    capacity: { type: 'integer', minimum: 0, description: 'Snapshots the node keeps.' },
    length: { type: 'integer', minimum: 0, description: 'Snapshots it holds now.' },
    points: {
      type: 'array',
      items: {
        type: 'object',
        required: ['height', 'timestamp_ms', 'balances'],
        properties: {
          height: u64('A block height.'), timestamp_ms: u64('Milliseconds since the Unix epoch.'),
          balances: { type: 'object', required: [...SYSTEM_ACCOUNTS], properties: Object.fromEntries(SYSTEM_ACCOUNTS.map((name) => [name, u64(`The ${name} balance.`)])) },
        },
      },
    },
  },
};

const DEFAULT_POINTS = 300;

/** GET /v1/stats/system-accounts?points=N (1 to the series' capacity). */
export function registerSystemAccountsRoute(app: FastifyInstance, headHeight: () => bigint, series: () => SystemAccountSeries): void {
  app.get<{ Querystring: { points?: number } }>('/v1/stats/system-accounts', {
    schema: {
      summary: 'Treasury, dev-fund, airdrop, relay-fund and reserve balances over time, for the dashboard (query: points)', tags: ['dashboard'],
      querystring: { type: 'object', additionalProperties: false, properties: { points: { type: 'integer', minimum: 1, maximum: 10_000, default: DEFAULT_POINTS, description: 'At most this many snapshots.' } } },
    },
    config: { openapi: { responses: { 200: response, 404: { $ref: '#/components/schemas/Error' } } } },
  }, async (req) => {
    const kept = series();
    if (req.query.points !== undefined && req.query.points > kept.capacity) throw new ApiError('BadRequest', `points must be from 1 to ${kept.capacity}.`);
    return plain({ headHeight: headHeight(), capacity: kept.capacity, length: kept.length, points: kept.sample(req.query.points ?? DEFAULT_POINTS) });
  });
}
