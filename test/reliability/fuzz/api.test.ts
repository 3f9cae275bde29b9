/**
 * Fuzz suite, HTTP API: random paths, path parameters, querystrings, methods, content types and
 * bodies into every route of the API (fastify inject against buildApi over a real chain with a bit
 * of everything in state; the route list comes from the server's own /v1/openapi.json). Every
 * answer must be a success or a typed refusal: a 4xx (or 503 MempoolFull) whose JSON body is
 * `{ code, message }` with a code the node defines; never a 5xx InternalError, never a hang or a
 * thrown exception; and nothing a client sends changes the chain (head, state root, mempool).
 *
 * max(100, DCHAT_FUZZ_CASES / 10) requests per route.
 */
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChainErrorCode } from '../../../src/chain/errors.ts';
import { toHex } from '../../../src/chain/crypto.ts';
import { buildApi } from '../../../src/node/api/server.ts';
import { DashboardFeed } from '../../../src/node/dashboard/feed.ts';
import { createLogger } from '../../../src/node/logger.ts';
import { createMetrics } from '../../../src/node/metrics/metrics.ts';
import { ErrorCode, SYSTEM_ACCOUNTS } from '../../../src/tokenomics/index.ts';
import { envCount, writeReport } from '../support/report.ts';
import { DEV, type RichChain, USER, openRichChain } from '../support/rich-chain.ts';
import { Rng } from '../support/rng.ts';
import { type FuzzStats, fuzzInput, newStats, randomValue, record, refuse } from './fuzz-lib.ts';

const PER_ROUTE = Math.max(100, Math.floor(envCount('DCHAT_FUZZ_CASES', 2_000) / 10));
const seed = Rng.fromEnv('DCHAT_FUZZ_SEED', 1).seed;
const TYPED_CODES = new Set<string>([...Object.values(ChainErrorCode), ...Object.values(ErrorCode), 'NotFound', 'BadRequest', 'NotDevMode', 'NotFinal']);
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'] as const;

interface Route {
  readonly method: string;
  readonly path: string;
  readonly pathParams: string[];
  readonly query: { name: string; schema: Record<string, unknown> }[];
}

let rich: RichChain;
let app: FastifyInstance;
let dashboard: DashboardFeed;
let routes: Route[] = [];
const results: FuzzStats[] = [];
let total: FuzzStats | null = null;

beforeAll(async () => {
  rich = await openRichChain();
  const logger = createLogger('silent', false);
  dashboard = new DashboardFeed(rich.chain, logger);
  dashboard.start();
  app = buildApi({
    chain: rich.chain, txs: rich.chain, logger, producer: null, dev: false, nodeInfo: () => ({ chainId: rich.chain.params.chainId }),
    metrics: createMetrics({ processMetrics: false }), dashboard, network: null,
  });
  await app.ready();
  const doc = (await app.inject({ method: 'GET', url: '/v1/openapi.json' })).json<{ paths: Record<string, Record<string, { parameters?: { in: string; name: string; schema?: Record<string, unknown> }[] }>> }>();
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const parameters = op.parameters ?? [];
      routes.push({
        method: method.toUpperCase(),
        path,
        pathParams: [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!),
        query: parameters.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema ?? {} })),
      });
    }
  }
  routes = routes.sort((a, b) => `${a.method} ${a.path}`.localeCompare(`${b.method} ${b.path}`));
});

afterAll(async () => {
  await app?.close();
  await dashboard?.close();
  await rich?.close();
  if (results.length > 0) writeReport('fuzz-api', { requestsPerRoute: PER_ROUTE, routes: routes.length, seed, total, targets: results });
});

const STRANGE = [
  '', ' ', '0', '-1', '1e3', '0x10', '00000000000000000001', '18446744073709551615', '18446744073709551616', '99999999999999999999999999', '1.5', 'NaN',
  'null', 'undefined', 'true', '[]', '{}', '__proto__', 'constructor', 'toString', '..', '../..', '%', '%00', '%ZZ', '\u0000', '\ud800', 'é', '☕',
  'a'.repeat(5_000), '12345678-1234-1234-1234-1234567890ab', '00000000-0000-0000-0000-000000000000', 'treasury', 'TREASURY', 'reserve ', ...SYSTEM_ACCOUNTS,
  'inflation', 'genesis', 'voluntary', 'active', 'escrowed', '<script>', "' OR 1=1 --", '${x}', '*', '?', '#', '&', '=',
];

function known(): string[] {
  const { ids } = rich;
  return [
    ids.pool, ids.schedule, ids.listing, ids.purchase, ids.allocation, DEV.wallet, USER.wallet, '0', '1', '3', String(rich.chain.head.header.height + 1n),
    toHex(rich.txs[0]!.hash), toHex(rich.chain.head.hash), 'head',
  ];
}

function mutateText(rng: Rng, text: string): string {
  const chars = [...text];
  const at = rng.int(Math.max(1, chars.length));
  switch (rng.int(4)) {
    case 0: chars[at] = String.fromCharCode(rng.int(0x3000)); break;
    case 1: chars.splice(at, 1); break;
    case 2: chars.splice(at, 0, rng.pick(['-', '0', 'f', 'Z', '%', '/', '.', ' '])); break;
    default: return text.toUpperCase();
  }
  return chars.join('');
}

function value(rng: Rng): string {
  const roll = rng.next();
  if (roll < 0.35) return rng.pick(known());
  if (roll < 0.55) return mutateText(rng, rng.pick(known()));
  if (roll < 0.85) return rng.pick(STRANGE);
  return Buffer.from(rng.bytes(rng.int(40))).toString(rng.chance(0.5) ? 'latin1' : 'base64');
}

/** Percent-encoded (a lone surrogate as its UTF-8 replacement bytes), or sometimes raw. */
function encode(rng: Rng, text: string): string {
  if (!rng.chance(0.85)) return text.replaceAll('/', rng.chance(0.5) ? '/' : '%2F');
  return [...Buffer.from(text, 'utf8')].map((b) => (/[A-Za-z0-9_.~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).padStart(2, '0').toUpperCase()}`)).join('');
}

function queryString(rng: Rng, route: Route): string {
  if (rng.chance(0.05)) return rng.pick(['?', '?&&', '?=', '?%', '?a[b]=c', '?limit', `?${'x='.repeat(500)}`, '?__proto__[x]=1', '?constructor=1']);
  const parts: string[] = [];
  for (const q of route.query) {
    if (!rng.chance(0.6)) continue;
    const enums = Array.isArray(q.schema.enum) ? (q.schema.enum as string[]) : [];
    const v = enums.length > 0 && rng.chance(0.5) ? rng.pick(enums) : rng.chance(0.3) ? String(rng.int(2_000)) : value(rng);
    parts.push(`${q.name}=${encode(rng, v)}`);
    if (rng.chance(0.1)) parts.push(`${q.name}=${encode(rng, value(rng))}`);
  }
  if (rng.chance(0.2)) parts.push(`${encode(rng, value(rng))}=${encode(rng, value(rng))}`);
  return parts.length === 0 ? '' : `?${parts.join('&')}`;
}

function request(rng: Rng, route: Route, txCorpus: Uint8Array[]): InjectOptions {
  const method = rng.chance(0.9) ? route.method : rng.pick(METHODS);
  let url = route.path;
  for (const name of route.pathParams) url = url.replace(`{${name}}`, encode(rng, value(rng)));
  if (rng.chance(0.03)) url += rng.pick(['/', '//', '/x', '?#', '/..', '%2e%2e']);
  url += queryString(rng, route);
  const options: InjectOptions = { method: method as InjectOptions['method'], url };
  if (method === 'GET' || method === 'HEAD' || rng.chance(0.3)) return options;
  const roll = rng.next();
  if (roll < 0.3) {
    options.headers = { 'content-type': rng.pick(['application/msgpack', 'application/octet-stream']) };
    options.payload = Buffer.from(fuzzInput(rng, txCorpus).bytes);
  } else if (roll < 0.5) {
    options.headers = { 'content-type': 'application/json' };
    options.payload = JSON.stringify({ tx: Buffer.from(fuzzInput(rng, txCorpus).bytes).toString(rng.chance(0.9) ? 'hex' : 'base64') });
  } else if (roll < 0.75) {
    options.headers = { 'content-type': 'application/json' };
    options.payload = JSON.stringify(randomValue(rng), (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v)) ?? 'null';
  } else if (roll < 0.9) {
    options.headers = { 'content-type': rng.pick(['application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', '', 'application/msgpack; x=y']) };
    options.payload = rng.pick(['{', '{"tx":', '[1,2', '"\\ud800"', 'null', '{"tx":null}', '{"__proto__":{"tx":"00"}}', '{"constructor":{"prototype":{"x":1}}}', Buffer.from(rng.bytes(rng.int(200))).toString('latin1')]);
  } else if (roll < 0.92) {
    options.headers = { 'content-type': 'application/msgpack' };
    options.payload = Buffer.alloc(1024 * 1024 + 1 + rng.int(1024), 0x92);
  } else {
    options.payload = '';
  }
  return options;
}

function check(route: Route, options: InjectOptions, res: { statusCode: number; body: string; headers: Record<string, unknown> }): void {
  const status = res.statusCode;
  const isJson = String(res.headers['content-type'] ?? '').includes('application/json');
  if (status >= 500 && status !== 503) throw new Error(`${options.method} ${options.url} answered ${status}: ${res.body.slice(0, 300)}`);
  if (status === 202) throw new Error(`${options.method} ${options.url} accepted garbage: ${res.body.slice(0, 300)}`);
  if (status < 400 || options.method === 'HEAD') return;
  if (!isJson) throw new Error(`${options.method} ${options.url} answered ${status} without a JSON error body`);
  const body = JSON.parse(res.body) as { code?: unknown; message?: unknown };
  if (typeof body.code !== 'string' || typeof body.message !== 'string' || body.message.length === 0) {
    throw new Error(`${options.method} ${options.url} answered ${status} with ${res.body.slice(0, 300)}`);
  }
  if (!TYPED_CODES.has(body.code)) throw new Error(`${options.method} ${options.url} answered ${status} with an unknown code ${body.code}`);
  if (status === 503 && body.code !== ChainErrorCode.MempoolFull) throw new Error(`${route.path}: 503 ${body.code}`);
}

describe(`HTTP API under fuzz (${PER_ROUTE} requests per route)`, () => {
  it('every route answers garbage with a typed 4xx, never a 5xx, and the chain is unchanged', async () => {
    expect(routes.length).toBeGreaterThanOrEqual(25);
    const rng = new Rng(seed + 301);
    const txCorpus = rich.txs.map((t) => t.bytes);
    const valid = new Set(txCorpus.map((b) => toHex(b)));
    const before = { head: toHex(rich.chain.head.hash), root: toHex(rich.chain.head.header.stateRoot), mempool: rich.chain.mempool.size };
    const all = newStats('api (all routes)');
    const started = performance.now();
    for (const route of routes) {
      const stats = newStats(`${route.method} ${route.path}`);
      const t0 = performance.now();
      for (let i = 0; i < PER_ROUTE; i++) {
        const options = request(rng, route, txCorpus);
        if (Buffer.isBuffer(options.payload) && valid.has(toHex(options.payload))) continue;
        const label = `${options.method} ${options.url}`;
        try {
          const res = await app.inject(options);
          check(route, options, res);
          if (res.statusCode < 400) {
            record(stats, label, { ok: true }, () => null);
            record(all, label, { ok: true }, () => null);
          } else {
            const code = options.method === 'HEAD' ? `${res.statusCode}` : `${res.statusCode} ${res.json<{ code: string }>().code}`;
            refuse(stats, code);
            refuse(all, code);
          }
        } catch (error) {
          record(stats, label, { ok: false, error }, () => null);
          record(all, label, { ok: false, error }, () => null);
        }
      }
      stats.ms = Math.round(performance.now() - t0);
      results.push(stats);
    }
    all.ms = Math.round(performance.now() - started);
    total = all;
    // Distinct failures, shortened: one line per kind of wrong answer.
    const kinds = [...new Set(results.flatMap((r) => r.failures).map((f) => f.error.split('\n')[0]!.replace(/^Error: \S+ \S+ /, '').slice(0, 160)))];
    expect(kinds).toEqual([]);
    expect({ head: toHex(rich.chain.head.hash), root: toHex(rich.chain.head.header.stateRoot), mempool: rich.chain.mempool.size }).toEqual(before);
    // The API still answers a good request after all that.
    expect((await app.inject({ method: 'GET', url: `/v1/accounts/${DEV.wallet}` })).statusCode).toBe(200);
  });
});
