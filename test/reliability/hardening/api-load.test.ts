/**
 * The API cannot starve block production (issue 12 item 3): a real dev node with the public-node
 * API limits of config/default.json, N keep-alive clients (each from its own loopback address, on a
 * worker thread) hammering the heaviest routes (support/api-load.ts); the node's blocks are watched
 * the whole time. Every answer is a 200 or a typed `{code, message}` refusal (429 RateLimited,
 * 503 Overloaded), no slot is missed, and the figures are printed next to an idle window of the
 * same length on the same node.
 *
 * Short form (npm test): 20 clients for 3 s. Long form (`npm run test:hardening`): 200 clients for
 * 60 s (DCHAT_API_LOAD_CLIENTS, DCHAT_API_LOAD_SECONDS), where block processing p99 must also be
 * under 500 ms (a timing limit, so only in the long form the issue sets it for).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/node/config.ts';
import { createLogger } from '../../../src/node/logger.ts';
import { DchatNode } from '../../../src/node/node.ts';
import { removeTempDirs, tempDir } from '../../e2e/cli/harness.ts';
import { HEAVY_PATHS, measureCadence } from '../support/api-load.ts';
import { waitUntil } from '../support/http.ts';
import { envCount, writeReport } from '../support/report.ts';

const CLIENTS = envCount('DCHAT_API_LOAD_CLIENTS', 20);
const SECONDS = envCount('DCHAT_API_LOAD_SECONDS', 3);
const BLOCK_MS = envCount('DCHAT_API_LOAD_BLOCK_MS', 500);
const LONG = CLIENTS >= 200 && SECONDS >= 60;

let node: DchatNode | null = null;
afterAll(async () => {
  await node?.close();
  removeTempDirs();
});

describe('API load against block production', () => {
  it(`${CLIENTS} clients on the heaviest routes for ${SECONDS} s: 0 missed slots, every refusal typed`, async () => {
    node = await DchatNode.init(loadConfig({ dev: true, data_dir: tempDir('dchat-api-load-'), api_port: 0, block_time_ms: String(BLOCK_MS), log_level: 'silent' }), { logger: createLogger('silent', false) });
    await waitUntil('a few blocks', async () => node!.chain.head.header.height >= 2n, 20_000);
    const idle = await measureCadence(node, Math.min(SECONDS, 10) * 1000, null);
    const loaded = await measureCadence(node, SECONDS * 1000, { clients: CLIENTS, paths: HEAVY_PATHS });
    const load = loaded.load!;
    writeReport('hardening-api-load', {
      clients: CLIENTS, seconds: SECONDS, blockMs: BLOCK_MS, requests: load.requests, byStatus: load.byStatus, untyped: load.untyped.length,
      transportErrors: load.transportErrors, maxLatencyMs: load.maxLatencyMs,
      loaded: { ...loaded, load: undefined }, idle: { ...idle, load: undefined },
    });
    expect(load.untyped).toEqual([]);
    expect(load.transportErrors).toBe(0);
    for (const key of Object.keys(load.byStatus)) expect(['200', '429 RateLimited', '503 Overloaded']).toContain(key);
    expect(load.byStatus['200']).toBeGreaterThan(0);
    expect(loaded.blocks).toBeGreaterThanOrEqual(Math.floor((SECONDS * 1000) / BLOCK_MS) - 1);
    expect(loaded.missedSlots).toBe(0);
    if (LONG) expect(loaded.processP99Ms).toBeLessThan(500);
  });
});
