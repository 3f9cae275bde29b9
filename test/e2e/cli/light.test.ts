/**
 * `dchat light balance` against an honest node and a lying one (a proxy that changes the balance
 * in its answers, value and raw record alike): the honest balance is printed `verified at height
 * H`; the lie is refused with exit code 3 naming the failed check. The node is the real API
 * (buildApi and its proof routes) over a small signed chain with an in-memory state tree.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../../src/cli/errors.ts';
import { ALICE, GENESIS, type LightChain, NOBODY, buildLightChain, serveLightChain } from '../../support/light-chain.ts';
import { type LyingProxy, startLyingProxy } from '../../support/lying-proxy.ts';
import { cli, closedPort, removeTempDirs, tempDir } from './harness.ts';

let chain: LightChain;
let app: FastifyInstance;
let node = '';
let liar: LyingProxy;
let genesisFile = '';

/** The genesis file of the light chain: what `dchat light` trusts (chain id, slot timing, validators). */
function writeGenesis(dir: string): string {
  const file = join(dir, 'genesis.json');
  writeFileSync(file, JSON.stringify({
    chain_id: GENESIS.chainId,
    genesis_time: GENESIS.genesisTimeMs.toString(),
    block_time_ms: Number(GENESIS.blockTimeMs),
    supply: { initial_supply: '1000000', inflation_rate_bps: 0, burn_rate_bps: 0 },
    validators: GENESIS.validators.map((public_key) => ({ public_key, reward_wallet: NOBODY })),
    authority: [GENESIS.validators[0]],
    distribution: [],
  }));
  return file;
}

beforeAll(async () => {
  chain = await buildLightChain();
  ({ app, url: node } = await serveLightChain(chain));
  liar = await startLyingProxy(node);
  genesisFile = writeGenesis(tempDir('dchat-light-'));
});
afterAll(async () => {
  await liar.close();
  await app.close();
  removeTempDirs();
});

describe('dchat light balance', () => {
  it('prints the balance verified at the last final height', async () => {
    const r = await cli(['light', 'balance', '--user-id', ALICE, '--genesis', genesisFile, '--node', node]);
    expect(r.code, r.stderr).toBe(EXIT_CODES.ok);
    const final = chain.view.finalizedHeight;
    expect(r.stdout).toContain(`verified at height ${final}`);
    expect(r.stdout).toContain(`${chain.balanceAt(ALICE, final).toLocaleString('en-US')} tokens`);
    const json = (await cli(['light', 'balance', '--user-id', ALICE, '--genesis', genesisFile, '--node', node, '--json', '--height', '3'])).json();
    expect(json).toMatchObject({ id: ALICE, balance: '1003', height: '3', verified: true });
  });

  it('refuses the lying node with exit 3 and the failed check', async () => {
    const lied = await cli(['light', 'balance', '--user-id', ALICE, '--genesis', genesisFile, '--node', liar.url, '--json']);
    expect(lied.code).toBe(EXIT_CODES.refused);
    expect(lied.stderr).toMatch(/^error RootMismatch: Verification failed: /);
    // With --json the refusal is JSON on stdout too (issue 18), and no balance is printed.
    expect(JSON.parse(lied.stdout)).toEqual({ error: { code: 'RootMismatch', message: expect.stringMatching(/^Verification failed: /), exit_code: EXIT_CODES.refused } });
    expect(liar.lies()).toBeGreaterThan(0);
  });

  it('refuses a genesis of other validators (the finality check), and says when no node answers', async () => {
    const dir = tempDir('dchat-light-other-');
    const other = join(dir, 'genesis.json');
    const text = JSON.parse(readFileSync(genesisFile, 'utf8')) as Record<string, unknown>;
    writeFileSync(other, JSON.stringify({ ...text, validators: [...(text.validators as unknown[])].reverse() }));
    const r = await cli(['light', 'balance', '--user-id', ALICE, '--genesis', other, '--node', node]);
    expect(r.code).toBe(EXIT_CODES.refused);
    expect(r.stderr).toMatch(/^error WrongProposer: /);
    const down = await cli(['light', 'balance', '--user-id', ALICE, '--genesis', genesisFile, '--node', `http://127.0.0.1:${await closedPort()}`]);
    expect(down.code).toBe(EXIT_CODES.unreachable);
    const missing = await cli(['light', 'balance', '--user-id', ALICE, '--genesis', join(dir, 'none.json'), '--node', node]);
    expect(missing.code).toBe(EXIT_CODES.usage);
    expect(missing.requests).toEqual([]);
  });
});
