/** POST /v1/txs (submit a signed tx) and GET /v1/txs/{hash} (its status and, once included, its events). */
import { unpack } from '../../../chain/codec/msgpack.ts';
import { toHex } from '../../../chain/crypto.ts';
import { ChainError } from '../../../chain/errors.ts';
import { ApiError, toApiError } from '../../http/errors.ts';
import { plain } from '../../http/plain.ts';
import { eventsJson } from '../json.ts';
import { params, ref } from '../schemas.ts';
import { blockEvents } from './block-events.ts';
import { refuseBelowBase } from './blocks.ts';
import type { RouteModule } from './route.ts';

const isHex = (v: unknown): v is string => typeof v === 'string' && /^([0-9a-f]{2})+$/i.test(v);

/** A signed tx from the body: raw msgpack (application/msgpack or octet-stream) or JSON { "tx": "<hex>" }. */
function txBytes(body: unknown): Uint8Array {
  if (body instanceof Uint8Array) return body;
  const hex = (body as { tx?: unknown } | null)?.tx;
  if (!isHex(hex)) {
    throw new ApiError('BadRequest', 'Send the signed tx as msgpack bytes (Content-Type: application/msgpack) or JSON {"tx": "<hex of the msgpack bytes>"}.');
  }
  return Buffer.from(hex, 'hex');
}

/** Txs one batch may carry (its bytes are bounded by the API's body limit too). */
export const MAX_BATCH_TXS = 1_000;

/** The signed txs of a batch: a msgpack array of byte strings, or JSON { "txs": ["<hex>", ...] }. */
function batchBytes(body: unknown): Uint8Array[] {
  let list: unknown;
  if (body instanceof Uint8Array) {
    try {
      list = unpack(body, 'tx batch');
    } catch (err) {
      if (err instanceof ChainError) throw new ApiError('BadRequest', err.message);
      throw err;
    }
  } else {
    const hexes = (body as { txs?: unknown } | null)?.txs;
    list = Array.isArray(hexes) && hexes.every(isHex) ? hexes.map((h) => Buffer.from(h, 'hex')) : null;
  }
  if (!Array.isArray(list) || !list.every((t) => t instanceof Uint8Array)) {
    throw new ApiError('BadRequest', 'Send the batch as a msgpack array of signed-tx byte strings (Content-Type: application/msgpack) or JSON {"txs": ["<hex>", ...]}.');
  }
  if (list.length === 0 || list.length > MAX_BATCH_TXS) throw new ApiError('BadRequest', `A batch carries 1 to ${MAX_BATCH_TXS} txs; this one has ${list.length}.`);
  return list as Uint8Array[];
}

export const txRoutes: RouteModule = (app, { chain, txs }) => {
  app.post('/v1/txs', {
    schema: { summary: 'Submit a signed transaction (canonical msgpack bytes, or JSON {"tx": "<hex>"})', tags: ['txs'] },
    config: {
      openapi: {
        body: {
          'application/msgpack': { type: 'string', format: 'binary' },
          'application/json': { type: 'object', required: ['tx'], properties: { tx: { type: 'string', description: 'Hex of the msgpack bytes.' } } },
        },
        responses: { 202: ref('TxAccepted'), 400: ref('Error'), 403: ref('Error'), 409: ref('Error'), 413: ref('Error'), 503: ref('Error') },
      },
    },
  }, async (req, reply) => {
    const tx = await txs.submitTx(txBytes(req.body));
    return reply.status(202).send({ hash: toHex(tx.hash), status: 'pending' });
  });

  app.post('/v1/txs/batch', {
    schema: { summary: `Submit up to ${MAX_BATCH_TXS} signed transactions at once, admitted in order in one pass: a status per tx`, tags: ['txs'] },
    config: {
      openapi: {
        body: {
          'application/msgpack': { type: 'string', format: 'binary', description: 'A msgpack array of signed-tx byte strings.' },
          'application/json': { type: 'object', required: ['txs'], properties: { txs: { type: 'array', items: { type: 'string' }, description: 'Hex of each signed tx.' } } },
        },
        responses: { 200: ref('TxBatchResult'), 400: ref('Error'), 413: ref('Error'), 503: ref('Error') },
      },
    },
  }, async (req) => {
    const results = (await txs.submitTxs(batchBytes(req.body))).map((r, index) => {
      if (r.ok) return { index, hash: toHex(r.tx.hash), status: 'pending' };
      const api = toApiError(r.error) ?? new ApiError('BadRequest', String(r.error));
      return { index, hash: r.tx === undefined ? null : toHex(r.tx.hash), status: 'rejected', code: api.code, message: api.message };
    });
    return { accepted: results.filter((r) => r.status === 'pending').length, results };
  });

  app.get<{ Params: { hash: string } }>('/v1/txs/:hash', {
    schema: { summary: 'Status of a transaction: pending, included (height, index, events) or rejected (code, message)', tags: ['txs'], params: params.hash },
    config: { openapi: { responses: { 200: ref('TxStatus'), 400: ref('Error'), 404: ref('Error'), 410: ref('Error') } } },
  }, async (req) => {
    const hash = req.params.hash.toLowerCase();
    const status = await chain.txStatus(hash);
    if (status.status === 'unknown') {
      // A pruning or restored node lost the index of older blocks: Pruned, not NotFound (docs/protocol.md §20.6).
      refuseBelowBase(chain, `Transaction ${hash} is not pending nor in a retained block; if it was included, it`);
      throw new ApiError('NotFound', `No transaction ${hash} is known to this node.`);
    }
    if (status.status !== 'included') return plain({ hash, ...status });
    return { ...(plain({ hash, ...status }) as object), events: eventsJson(await blockEvents(chain, status.height, hash)) };
  });
};
