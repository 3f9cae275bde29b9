/**
 * The dashboard's "Verified balance" card in headless Chromium: the light client runs in the page
 * (WebCrypto Ed25519, the portable SHA-256 and proof verifier), loads the trusted genesis from a
 * file, and asks the origin that served the page. Served by the honest node it shows the balance
 * verified at the final height; served through a lying proxy (which changes the balance in its
 * proof answers) it refuses, naming the failed check.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, GENESIS, type LightChain, NOBODY, buildLightChain, serveLightChain } from '../../support/light-chain.ts';
import { type LyingProxy, startLyingProxy } from '../../support/lying-proxy.ts';
import { removeTempDirs, tempDir } from '../cli/harness.ts';
import { type Browser, launchChromium } from './browser.ts';

let chain: LightChain;
let app: FastifyInstance;
let node = '';
let liar: LyingProxy;
let browser: Browser;
let genesisFile = '';

beforeAll(async () => {
  chain = await buildLightChain();
  ({ app, url: node } = await serveLightChain(chain));
  liar = await startLyingProxy(node);
  genesisFile = join(tempDir('dchat-verify-'), 'genesis.json');
  writeFileSync(genesisFile, JSON.stringify({
    chain_id: GENESIS.chainId, genesis_time: GENESIS.genesisTimeMs.toString(), block_time_ms: Number(GENESIS.blockTimeMs),
    validators: GENESIS.validators.map((public_key) => ({ public_key, reward_wallet: NOBODY })),
  }));
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await liar?.close();
  await app?.close();
  removeTempDirs();
});

async function verifyIn(origin: string): Promise<{ text: string; ok: boolean; page: Page }> {
  const page = await browser.context.newPage();
  await page.goto(`${origin}/`);
  await page.setInputFiles('#verify-genesis', genesisFile);
  await page.locator('#verify-trusted', { hasText: /^trusting / }).waitFor();
  await page.fill('#verify-account', ALICE);
  await page.click('#verify-form button[type=submit]');
  const result = page.locator('#verify-result');
  await page.locator('#verify-result', { hasText: /verified at height|^Refused/ }).waitFor({ timeout: 15_000 });
  return { text: (await result.textContent()) ?? '', ok: (await result.getAttribute('class'))?.includes(' ok') === true, page };
}

describe('dashboard: verified balance', () => {
  it('shows the balance verified at the last final height on the honest node', async () => {
    const { text, ok, page } = await verifyIn(node);
    const final = chain.view.finalizedHeight;
    expect(text).toBe(`${chain.balanceAt(ALICE, final).toLocaleString('en-US')} tokens, verified at height ${final}`);
    expect(ok).toBe(true);
    await page.close();
  }, 30_000);

  it('refuses the lying node in the browser, naming the failed check', async () => {
    const before = liar.lies();
    const { text, ok, page } = await verifyIn(liar.url);
    expect(text).toMatch(/^Refused: RootMismatch: /);
    expect(ok).toBe(false);
    expect(liar.lies()).toBeGreaterThan(before);
    await page.close();
  }, 30_000);
});
