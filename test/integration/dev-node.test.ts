/**
 * A real dev node in this process: LevelDB in a temp dir, HTTP on a free loopback port, blocks on
 * a short block time. A transfer submitted over HTTP is included with 10 burned and 990 delivered;
 * a restart keeps the head and the state root.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { signTx } from '../../src/chain/codec/tx.ts';
import { readKeyFile } from '../../src/node/key-files.ts';
import { loadConfig } from '../../src/node/config.ts';
import { createLogger } from '../../src/node/logger.ts';
import { DchatNode } from '../../src/node/node.ts';
import { api, postTx, waitFor } from './node-client.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'dchat-dev-'));
const config = loadConfig({ dev: true, data_dir: dataDir, api_port: 0, block_time_ms: '250', log_level: 'silent' });
const logger = createLogger('silent', false);
const nodes: DchatNode[] = [];

afterAll(async () => {
  for (const node of nodes) await node.close().catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
});

describe('dev node', () => {
  let stateRootBefore = '';
  let heightBefore = 0n;

  it('produces blocks and includes a transfer submitted over HTTP: 990 delivered, 10 burned', async () => {
    const node = await DchatNode.init(config, { logger });
    nodes.push(node);
    const base = node.apiUrl;
    for (const file of ['keys/dev.json', 'keys/authority.json', 'keys/validator.json']) {
      expect(statSync(join(dataDir, file)).mode & 0o777).toBe(0o600);
    }
    await waitFor('two blocks', async () => Number((await api(base, '/v1/blocks/head')).body.height) >= 2);

    const dev = readKeyFile(node.dev!.devKeyFile);
    const recipient = '6f1c3b52-7d4e-4c3a-9b1a-2f5e8d7c6b5a';
    const tx = signTx({ chainId: node.chain.params.chainId, signer: dev.publicKeyHex, nonce: 0n, op: { type: 'transfer', to: recipient, amount: 1_000n } }, dev.secretKey);
    const burnedBefore = BigInt((await api<{ total_burned: string }>(base, '/v1/stats')).body.total_burned);
    const devBefore = BigInt((await api<{ balance: string }>(base, `/v1/accounts/${dev.walletId}`)).body.balance);

    const submitted = await postTx(base, tx.bytes);
    expect(submitted.status).toBe(202);
    const hash = submitted.body.hash as string;
    const status = await waitFor('inclusion', async () => {
      const reply = await api<{ status: string; height?: string }>(base, `/v1/txs/${hash}`);
      return reply.body.status === 'included' ? reply.body : undefined;
    });
    expect(Number(status.height)).toBeGreaterThan(0);
    expect((await api<{ balance: string }>(base, `/v1/accounts/${recipient}`)).body.balance).toBe('990');
    expect(BigInt((await api<{ balance: string }>(base, `/v1/accounts/${dev.walletId}`)).body.balance)).toBe(devBefore - 1_000n);
    expect(BigInt((await api<{ total_burned: string }>(base, '/v1/stats')).body.total_burned) - burnedBefore).toBe(10n);
    const burns = await api<{ amount: string; reason: string; burner: string }[]>(base, '/v1/history/burns?limit=5&reason=transaction-fee');
    expect(burns.body[0]).toMatchObject({ amount: '10', reason: 'transaction-fee', burner: dev.walletId });

    // bad input gets a typed 4xx and the node keeps going
    const replay = await postTx(base, tx.bytes);
    expect([409]).toContain(replay.status);
    const garbage = await postTx(base, new Uint8Array([0xc1, 0x00, 0xff]));
    expect(garbage.status).toBe(400);
    expect(garbage.body.code).toBe('MalformedBytes');
    const badJson = await api(base, '/v1/txs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"tx": ' });
    expect(badJson.status).toBe(400);
    expect(badJson.body).toHaveProperty('code');
    expect((await api(base, '/v1/accounts/not-an-id')).status).toBe(400);
    expect((await api(base, '/v1/blocks/999999999')).status).toBe(404);

    await node.close();
    nodes.pop();
    heightBefore = node.chain.head.header.height;
    stateRootBefore = Buffer.from(node.chain.head.header.stateRoot).toString('hex');
    const info = await DchatNode.init(config, { logger });
    nodes.push(info);
    // right after start (before its first new slot fires) the node stands exactly where it stopped
    expect(info.chain.head.header.height).toBe(heightBefore);
    expect(Buffer.from(info.chain.head.header.stateRoot).toString('hex')).toBe(stateRootBefore);
    expect(Buffer.from(info.chain.head.hash).toString('hex')).toBe(Buffer.from(node.chain.head.hash).toString('hex'));
    expect((await api<{ balance: string }>(info.apiUrl, `/v1/accounts/${recipient}`)).body.balance).toBe('990');
    // and it keeps producing on top of what it had
    await waitFor('a block after restart', async () => info.chain.head.header.height > heightBefore + 1n);
  });
});
