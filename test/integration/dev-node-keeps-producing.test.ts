/**
 * A dev node keeps producing whatever a transaction does (issue 12, item 2): a tx that passed
 * admission but throws at production (a test-only handler: its first application is the real one,
 * every later one throws a RangeError) is dropped from the block, the mempool and its journal with
 * a `rejected` status that says why; the next blocks come on time, a later transfer is included,
 * `/v1/node` reports no halt, and a restart does not bring the tx back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { signTx } from '../../src/chain/codec/tx.ts';
import { readKeyFile } from '../../src/node/key-files.ts';
import { loadConfig } from '../../src/node/config.ts';
import { createLogger } from '../../src/node/logger.ts';
import { DchatNode } from '../../src/node/node.ts';
import { HANDLERS } from '../../src/tokenomics/ops/index.ts';
import { api, postTx, waitFor } from './node-client.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'dchat-dev-wedge-'));
const config = loadConfig({ dev: true, data_dir: dataDir, api_port: 0, block_time_ms: '250', log_level: 'silent' });
const logger = createLogger('silent', false);
const nodes: DchatNode[] = [];

afterAll(async () => {
  vi.restoreAllMocks();
  for (const node of nodes) await node.close().catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
});

const height = async (base: string): Promise<number> => Number((await api<{ height: string }>(base, '/v1/blocks/head')).body.height);

describe('dev node: a transaction that fails at production does not stop it', () => {
  it('drops the tx with a rejected status, keeps producing, includes the next transfer, forgets the tx on restart', async () => {
    const node = await DchatNode.init(config, { logger });
    nodes.push(node);
    const base = node.apiUrl;
    await waitFor('a first block', async () => (await height(base)) >= 1);
    const dev = readKeyFile(node.dev!.devKeyFile);
    const sign = (nonce: bigint, op: Parameters<typeof signTx>[0]['op']) => signTx({ chainId: node.chain.params.chainId, signer: dev.publicKeyHex, nonce, op }, dev.secretKey);

    const real = HANDLERS.burn.apply.bind(HANDLERS.burn);
    vi.spyOn(HANDLERS.burn, 'apply')
      .mockImplementationOnce(real)
      .mockImplementation(() => {
        throw new RangeError('Maximum call stack size exceeded');
      });
    const poison = sign(0n, { type: 'burn', amount: 1n, reason: 'voluntary', account: null });
    const accepted = await postTx(base, poison.bytes);
    expect(accepted.status).toBe(202);
    const hash = accepted.body.hash as string;
    const status = await waitFor('the rejected status', async () => {
      const reply = await api<{ status: string; code?: string; message?: string }>(base, `/v1/txs/${hash}`);
      return reply.body.status === 'rejected' ? reply.body : undefined;
    });
    expect(status.code).toBe('TxFailed');
    expect(status.message).toMatch(/RangeError: Maximum call stack size exceeded/);
    expect(node.chain.mempool.size).toBe(0);

    // the chain goes on: blocks keep coming and the same wallet's next transfer (nonce 0 again) gets in
    const from = await height(base);
    await waitFor('three more blocks', async () => (await height(base)) >= from + 3);
    const transfer = await postTx(base, sign(0n, { type: 'transfer', to: '6f1c3b52-7d4e-4c3a-9b1a-2f5e8d7c6b5a', amount: 1_000n }).bytes);
    expect(transfer.status).toBe(202);
    await waitFor('the transfer included', async () => (await api<{ status: string }>(base, `/v1/txs/${transfer.body.hash as string}`)).body.status === 'included');
    const info = (await api<{ halted: unknown; halted_detail: unknown }>(base, '/v1/node')).body;
    expect(info.halted).toBeNull();
    expect(info.halted_detail).toBeNull();
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/^dchat_failed_productions 0$/m);
    expect(metrics).toMatch(/^dchat_missed_own_slots_total 0$/m);

    // the journal does not bring the dropped tx back after a restart (with the real burn again, it would apply)
    vi.restoreAllMocks();
    await node.close();
    nodes.pop();
    const again = await DchatNode.init(config, { logger });
    nodes.push(again);
    expect(again.chain.mempool.has(hash)).toBe(false);
    expect((await api<{ status: string }>(again.apiUrl, `/v1/txs/${hash}`)).body.status).not.toBe('pending');
    await waitFor('a block after restart', async () => (await height(again.apiUrl)) > from + 3);
  });
});
