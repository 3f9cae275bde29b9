/** POST /v1/txs (submit a signed tx) and GET /v1/txs/{hash} (its status and, once included, its events). */
import { toHex } from '../../../chain/crypto.ts';
import { ApiError } from '../../http/errors.ts';
import { plain } from '../../http/plain.ts';
import { eventsJson } from '../json.ts';
import { params, ref } from '../schemas.ts';
import { blockEvents } from './block-events.ts';
import type { RouteModule } from './route.ts';

/** A signed tx from the body: raw msgpack (application/msgpack or octet-stream) or JSON { "tx": "<hex>" }. */
function txBytes(body: unknown): Uint8Array {
  if (body instanceof Uint8Array) return body;
  const hex = (body as { tx?: unknown } | null)?.tx;
  if (typeof hex !== 'string' || !/^([0-9a-f]{2})+$/i.test(hex)) {
    throw new ApiError('BadRequest', 'Send the signed tx as msgpack bytes (Content-Type: application/msgpack) or JSON {"tx": "<hex of the msgpack bytes>"}.');
  }
  return Buffer.from(hex, 'hex');
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

  app.get<{ Params: { hash: string } }>('/v1/txs/:hash', {
    schema: { summary: 'Status of a transaction: pending, included (height, index, events) or rejected (code, message)', tags: ['txs'], params: params.hash },
    config: { openapi: { responses: { 200: ref('TxStatus'), 400: ref('Error'), 404: ref('Error') } } },
  }, async (req) => {
    const hash = req.params.hash.toLowerCase();
    const status = await chain.txStatus(hash);
    if (status.status === 'unknown') throw new ApiError('NotFound', `No transaction ${hash} is known to this node.`);
    if (status.status !== 'included') return plain({ hash, ...status });
    return { ...(plain({ hash, ...status }) as object), events: eventsJson(await blockEvents(chain, status.height, hash)) };
  });
};
