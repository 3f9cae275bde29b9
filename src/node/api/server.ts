/**
 * The HTTP JSON API (SPEC 6) on 127.0.0.1 unless configured otherwise. Amounts are decimal
 * strings; errors are `{ code, message }` with a 4xx status; nothing a client sends can stop the
 * node. Routes of this file: what a single node serves today (the full API is a later issue).
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Logger } from 'pino';
import type { Chain } from '../../chain/chain.ts';
import { toHex } from '../../chain/crypto.ts';
import {
  type Account,
  BURN_REASONS,
  EMPTY_ACCOUNT,
  MINT_REASONS,
  SYSTEM_ACCOUNT_IDS,
  accountKey,
  isUuid,
  supplyStats,
} from '../../tokenomics/index.ts';
import type { BlockProducer } from '../block-producer.ts';
import { ApiError, toApiError } from './errors.ts';
import { accountJson, blockJson, eventJson, plain, statsJson } from './json.ts';
import { STATUS_PAGE } from './status-page.ts';

export interface ApiDeps {
  readonly chain: Chain;
  readonly logger: Logger;
  readonly producer: BlockProducer | null;
  readonly dev: boolean;
  readonly nodeInfo: () => Record<string, unknown>;
}

const MAX_BODY_BYTES = 1024 * 1024;
const HISTORY_KINDS = { mints: 'mint', burns: 'burn', distributions: 'distribution' } as const;

function parseHeight(text: string): bigint {
  if (!/^\d{1,20}$/.test(text)) throw new ApiError('BadRequest', `"${text}" is not a block height.`);
  return BigInt(text);
}

function parseLimit(text: unknown): number {
  if (text === undefined) return 20;
  if (typeof text !== 'string' || !/^\d{1,4}$/.test(text) || Number(text) < 1 || Number(text) > 1000) {
    throw new ApiError('BadRequest', 'limit must be a whole number from 1 to 1000.');
  }
  return Number(text);
}

/** A signed tx from the body: raw msgpack (application/msgpack or octet-stream) or JSON { "tx": "<hex>" }. */
function txBytes(body: unknown): Uint8Array {
  if (body instanceof Uint8Array) return body;
  const hex = (body as { tx?: unknown } | null)?.tx;
  if (typeof hex !== 'string' || !/^([0-9a-f]{2})+$/i.test(hex)) {
    throw new ApiError('BadRequest', 'Send the signed tx as msgpack bytes (Content-Type: application/msgpack) or JSON {"tx": "<hex of the msgpack bytes>"}.');
  }
  return Buffer.from(hex, 'hex');
}

export function buildApi(deps: ApiDeps): FastifyInstance {
  const { chain } = deps;
  const app = Fastify({
    loggerInstance: deps.logger as unknown as FastifyBaseLogger,
    bodyLimit: MAX_BODY_BYTES,
    logController: new LogController({ disableRequestLogging: true }),
  });

  for (const type of ['application/msgpack', 'application/octet-stream']) {
    app.addContentTypeParser(type, { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  }

  app.setErrorHandler((err, _req, reply) => {
    const api = toApiError(err);
    if (api === null) {
      deps.logger.error({ err }, 'API handler failed');
      return reply.status(500).send({ code: 'InternalError', message: 'The node could not handle this request; see its log.' });
    }
    return reply.status(api.status).send({ code: api.code, message: api.message });
  });
  app.setNotFoundHandler((req, reply) => reply.status(404).send({ code: 'NotFound', message: `No route ${req.method} ${req.url}.` }));

  app.get('/', async (_req, reply) => reply.type('text/html; charset=utf-8').send(STATUS_PAGE));

  app.get('/v1/node', async () => plain({ ...deps.nodeInfo(), systemAccounts: SYSTEM_ACCOUNT_IDS }));

  app.get('/v1/stats', async () => statsJson(supplyStats(chain.state)));

  app.get<{ Params: { id: string } }>('/v1/accounts/:id', async (req) => {
    const id = req.params.id.toLowerCase();
    if (!isUuid(id)) throw new ApiError('BadRequest', `"${req.params.id}" is not an account id (a UUID).`);
    const account = (chain.state.get(accountKey(id)) as Account | undefined) ?? EMPTY_ACCOUNT;
    return accountJson(id, account);
  });

  app.get('/v1/blocks/head', async () => {
    const block = await chain.blockAt(chain.head.header.height);
    return blockJson(block!);
  });

  app.get<{ Params: { height: string } }>('/v1/blocks/:height', async (req) => {
    const height = parseHeight(req.params.height);
    const block = await chain.blockAt(height);
    if (block === null) throw new ApiError('NotFound', `No block at height ${height}; the head is at ${chain.head.header.height}.`);
    return blockJson(block);
  });

  app.post('/v1/txs', async (req, reply) => {
    const tx = await chain.submitTx(txBytes(req.body));
    return reply.status(202).send({ hash: toHex(tx.hash), status: 'pending' });
  });

  app.get<{ Params: { hash: string } }>('/v1/txs/:hash', async (req) => {
    const hash = req.params.hash.toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(hash)) throw new ApiError('BadRequest', `"${req.params.hash}" is not a tx hash (64 hex characters).`);
    const status = await chain.txStatus(hash);
    if (status.status === 'unknown') throw new ApiError('NotFound', `No transaction ${hash} is known to this node.`);
    return plain({ hash, ...status });
  });

  app.get<{ Params: { kind: string }; Querystring: { limit?: string; reason?: string } }>('/v1/history/:kind', async (req) => {
    const kind = HISTORY_KINDS[req.params.kind as keyof typeof HISTORY_KINDS];
    if (kind === undefined) throw new ApiError('NotFound', 'History is one of mints, burns, distributions.');
    const reason = req.query.reason;
    const reasons: readonly string[] = kind === 'mint' ? MINT_REASONS : kind === 'burn' ? BURN_REASONS : [];
    if (reason !== undefined && kind !== 'distribution' && !reasons.includes(reason)) {
      throw new ApiError('BadRequest', `Unknown reason "${reason}"; use one of ${reasons.join(', ')}.`);
    }
    const events = await chain.history(kind, { limit: parseLimit(req.query.limit), ...(reason === undefined ? {} : { reason }) });
    return events.map(eventJson);
  });

  app.post('/v1/dev/produce-block', async () => {
    if (!deps.dev || deps.producer === null) throw new ApiError('NotDevMode', 'produce-block exists only on a dev node (dchat start --dev).');
    const block = await deps.producer.produceNow();
    return blockJson(block);
  });

  return app;
}
