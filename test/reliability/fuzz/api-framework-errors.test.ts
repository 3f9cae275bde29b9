/**
 * Regression (found by the API fuzz suite): a URL fastify's router cannot read (bad percent-encoding,
 * a path parameter over its length limit) was answered with fastify's own error body
 * (`{ error, code: "FST_ERR_BAD_URL" | "FST_ERR_MAX_PARAM_LENGTH", statusCode }`), bypassing the
 * node's one error mapping. It is now the API's `{ code: "BadRequest", message }` like every other
 * bad request (src/node/api/server.ts, frameworkErrors).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApi } from '../../../src/node/api/server.ts';
import { createLogger } from '../../../src/node/logger.ts';
import { type RichChain, openRichChain } from '../support/rich-chain.ts';

let rich: RichChain;
let app: FastifyInstance;

beforeAll(async () => {
  rich = await openRichChain();
  app = buildApi({ chain: rich.chain, txs: rich.chain, logger: createLogger('silent', false), producer: null, dev: false, nodeInfo: () => ({}) });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await rich?.close();
});

describe('URLs the router cannot read', () => {
  it.each([
    ['/v1/blocks/%ZZ', 400],
    ['/v1/txs/%', 400],
    ['/v1/accounts/%E0%A4%A', 400],
    [`/v1/accounts/${'a'.repeat(150)}`, 414],
  ])('%s is refused with the API error body', async (url, status) => {
    const res = await app.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(status);
    expect(res.json()).toEqual({ code: 'BadRequest', message: expect.any(String) });
  });
});
