/**
 * The metrics object on a real chain (LevelDB in a temp dir, no HTTP server): after a block with a
 * transfer, the scrape text carries the head, the block's txs, the supply totals, the fee burn by
 * reason and the commit delay; refused submissions are counted by code through the API hook.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Chain } from '../../../../src/chain/chain.ts';
import { ChainStore } from '../../../../src/chain/store/chain-store.ts';
import { buildApi } from '../../../../src/node/api/server.ts';
import { createLogger } from '../../../../src/node/logger.ts';
import { watchChain } from '../../../../src/node/metrics/chain-metrics.ts';
import { type NodeMetrics, createMetrics } from '../../../../src/node/metrics/metrics.ts';
import { supplyStats } from '../../../../src/tokenomics/index.ts';
import { DEV, USER, VALIDATORS, signed, testGenesisConfig } from '../../chain/chain-fixture.ts';

const logger = createLogger('silent', false);
const dir = mkdtempSync(join(tmpdir(), 'dchat-metrics-'));
const proposer = { publicKey: VALIDATORS[0]!.hex, secretKey: VALIDATORS[0]!.secretKey };
let chain: Chain;

/** The value of one sample line, e.g. value(text, 'dchat_head_height') or with its labels. */
function value(text: string, sample: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
  if (line === undefined) throw new Error(`no sample ${sample} in the scrape`);
  return Number(line.slice(sample.length + 1));
}

beforeAll(async () => {
  chain = await Chain.open({ store: await ChainStore.open(dir), genesis: testGenesisConfig(1), logger });
});

afterAll(async () => {
  await chain.store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('node metrics', () => {
  let metrics: NodeMetrics;
  let stop: () => void;
  let delayMs = 40n;

  it('reports a block: head, txs per block, produced, supply totals, fee burn, commit delay', async () => {
    metrics = createMetrics();
    stop = watchChain(metrics, { chain, nowMs: () => chain.head.header.timestampMs + delayMs });
    const before = await metrics.scrape();
    expect(value(before, 'dchat_head_height')).toBe(0);
    expect(value(before, 'dchat_blocks_produced_total')).toBe(0);

    await chain.submitTx(signed(DEV, 0n, { type: 'transfer', to: USER.wallet, amount: 1_000n }).bytes);
    expect(value(await metrics.scrape(), 'dchat_mempool_size')).toBe(1); // read at scrape time
    await chain.produce(1n, proposer);

    const text = await metrics.scrape();
    const stats = supplyStats(chain.state);
    expect(value(text, 'dchat_head_height')).toBe(1);
    expect(value(text, 'dchat_blocks_produced_total')).toBe(1);
    expect(value(text, 'dchat_blocks_imported_total')).toBe(0);
    expect(value(text, 'dchat_txs_accepted_total')).toBe(1);
    expect(value(text, 'dchat_txs_included_total')).toBe(1);
    expect(value(text, 'dchat_mempool_size')).toBe(0);
    expect(value(text, 'dchat_block_txs_bucket{le="0"}')).toBe(0);
    expect(value(text, 'dchat_block_txs_bucket{le="1"}')).toBe(1);
    expect(value(text, 'dchat_block_txs_sum')).toBe(1);
    expect(value(text, 'dchat_total_minted')).toBe(Number(stats.totalMinted));
    expect(value(text, 'dchat_total_burned')).toBe(Number(stats.totalBurned));
    expect(value(text, 'dchat_total_supply')).toBe(Number(stats.circulatingSupply));
    expect(value(text, 'dchat_burned_tokens_total{reason="transaction-fee"}')).toBe(10);
    expect(value(text, 'dchat_minted_tokens_total{reason="inflation"}')).toBeGreaterThan(0);
    expect(value(text, 'dchat_block_commit_delay_seconds_count{origin="produced"}')).toBe(1);
    expect(value(text, 'dchat_block_commit_delay_seconds_sum{origin="produced"}')).toBeCloseTo(0.04, 6);
    expect(value(text, 'dchat_block_commit_delay_seconds_bucket{le="0.05",origin="produced"}')).toBe(1);
    expect(value(text, 'dchat_block_commit_delay_seconds_bucket{le="0.025",origin="produced"}')).toBe(0);
    // Its processing time was measured (a real duration: positive, and counted once in every bucket above it).
    expect(value(text, 'dchat_block_process_seconds_count{origin="produced"}')).toBe(1);
    expect(value(text, 'dchat_block_process_seconds_sum{origin="produced"}')).toBeGreaterThan(0);
    expect(value(text, 'dchat_block_process_seconds_bucket{le="+Inf",origin="produced"}')).toBe(1);
  });

  it('lets the network set the peer count', async () => {
    expect(value(await metrics.scrape(), 'dchat_peers')).toBe(0);
    metrics.setPeers(3);
    expect(value(await metrics.scrape(), 'dchat_peers')).toBe(3);
  });

  it('counts refused submissions by error code at POST /v1/txs, and serves the text at GET /metrics', async () => {
    const app = buildApi({ chain, txs: chain, logger, producer: null, dev: false, nodeInfo: () => ({}), metrics });
    const post = (payload: Buffer) => app.inject({ method: 'POST', url: '/v1/txs', headers: { 'content-type': 'application/msgpack' }, payload });
    expect((await post(Buffer.from([0xc1, 0x00]))).statusCode).toBe(400);
    expect((await post(Buffer.from([0xc1, 0x00]))).statusCode).toBe(400);
    const replay = await post(Buffer.from(signed(DEV, 0n, { type: 'transfer', to: USER.wallet, amount: 1_000n }).bytes)); // nonce already used
    expect(replay.statusCode).toBeGreaterThanOrEqual(400);
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(value(res.body, 'dchat_txs_rejected_total{code="MalformedBytes"}')).toBe(2);
    expect(value(res.body, `dchat_txs_rejected_total{code="${replay.json().code}"}`)).toBe(1);
    await app.close();
  });

  it('stops following the chain once detached', async () => {
    stop();
    delayMs = 0n;
    await chain.produce(2n, proposer);
    const text = await metrics.scrape();
    expect(value(text, 'dchat_blocks_produced_total')).toBe(1);
    expect(value(text, 'dchat_head_height')).toBe(1);
  });

  it('keeps each metrics object in its own registry (two nodes in one process)', async () => {
    const a = createMetrics();
    const b = createMetrics();
    a.setPeers(5);
    expect(value(await b.scrape(), 'dchat_peers')).toBe(0);
    expect(value(await a.scrape(), 'dchat_peers')).toBe(5);
  });
});
