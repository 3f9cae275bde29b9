/**
 * The API's limits on a real dev node (src/node/api/limits.ts): a client past its burst gets typed
 * 429s with retry-after while another client and the exempt loopback address are served; a client
 * past its concurrency bound likewise; a body over 1 MiB is 413 TxTooLarge.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/node/config.ts';
import { createLogger } from '../../../src/node/logger.ts';
import { DchatNode } from '../../../src/node/node.ts';
import { removeTempDirs, tempDir } from '../../e2e/cli/harness.ts';
import { ApiClient, clientAddress, idleSocket } from '../../reliability/support/clients.ts';
import { api, waitFor } from '../node-client.ts';

let node: DchatNode;
const clients: ApiClient[] = [];

beforeAll(async () => {
  node = await DchatNode.init(loadConfig({
    dev: true, data_dir: tempDir('dchat-limits-'), api_port: 0, block_time_ms: '250', log_level: 'silent',
    api: { client_rate_per_second: 1, client_burst: 5, client_max_in_flight: 2 },
  }), { logger: createLogger('silent', false) });
});

afterAll(async () => {
  for (const c of clients) c.close();
  await node?.close();
  removeTempDirs();
});

const client = (i: number): ApiClient => {
  const c = new ApiClient(node.apiUrl, i);
  clients.push(c);
  return c;
};

describe('API limits', () => {
  it('a client past its burst gets 429 RateLimited {code, message} with retry-after; others are served', async () => {
    const greedy = client(0);
    const statuses: number[] = [];
    let refusal: Awaited<ReturnType<ApiClient['get']>> | null = null;
    for (let i = 0; i < 8; i++) {
      const reply = await greedy.get('/v1/stats');
      statuses.push(reply.status);
      if (reply.status === 429) refusal = reply;
    }
    // 5 from the burst, perhaps one more refilled while they ran, the rest refused.
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(5);
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(6);
    expect(statuses.slice(6)).toEqual([429, 429]);
    expect(Object.keys(refusal!.body as object).sort()).toEqual(['code', 'message']);
    expect(refusal!.body).toMatchObject({ code: 'RateLimited', message: expect.stringMatching(/requests per second/) });
    expect(refusal!.headers['retry-after']).toBe('1');
    expect((await client(1).get('/v1/stats')).status).toBe(200);
    // 127.0.0.1 is exempt from the per-client bounds by default (the operator's CLI and dashboard).
    const local = await Promise.all(Array.from({ length: 30 }, () => api(node.apiUrl, '/v1/stats')));
    expect(local.every((r) => r.status === 200)).toBe(true);
  });

  it('a client with as many requests in progress as it may gets 429 for one more', async () => {
    // Two requests whose bodies never finish arriving hold the client's two slots.
    const { hostname, port } = new URL(node.apiUrl);
    const slow = await Promise.all([0, 1].map(() => idleSocket(hostname, Number(port), clientAddress(2))));
    for (const s of slow) s.socket.write('POST /v1/txs HTTP/1.1\r\nHost: x\r\nContent-Type: application/msgpack\r\nContent-Length: 100\r\n\r\n');
    const third = client(2);
    const refused = await waitFor('the third request to be refused', async () => {
      const reply = await third.get('/v1/stats');
      return reply.status === 429 ? reply : undefined;
    });
    expect(refused.body).toMatchObject({ code: 'RateLimited', message: expect.stringMatching(/2 requests in progress/) });
    for (const s of slow) s.socket.destroy();
    // Once they are gone, the client is served again.
    await waitFor('the client to be served again', async () => (await third.get('/v1/stats')).status === 200);
  });

  it('a body over 1 MiB is 413 TxTooLarge, not BadRequest', async () => {
    const reply = await api(node.apiUrl, '/v1/txs', { method: 'POST', headers: { 'content-type': 'application/msgpack' }, body: Buffer.alloc(1024 * 1024 + 1) });
    expect(reply.status).toBe(413);
    expect(reply.body).toMatchObject({ code: 'TxTooLarge' });
  });
});
