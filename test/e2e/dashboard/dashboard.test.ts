/**
 * The dashboard in a real browser against a real dev node (300 ms blocks): the page loads without
 * console errors, its charts get data, its head height moves, and transactions made meanwhile (a
 * transfer, a schedule, a pool allocation) show up in its tables; a proposal shows in the
 * governance panel with its running tally and deadline, then among the past outcomes, beside the
 * system accounts' chart. Leaves screenshots in test-artifacts/ for a human to look at.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SignedTx, signTx } from '../../../src/chain/codec/tx.ts';
import { IdSource, type Operation } from '../../../src/tokenomics/index.ts';
import { loadConfig } from '../../../src/node/config.ts';
import { type NodeKey, readKeyFile } from '../../../src/node/key-files.ts';
import { createLogger } from '../../../src/node/logger.ts';
import { DchatNode } from '../../../src/node/node.ts';
import { api, includeTx, postTx, waitFor } from '../../integration/node-client.ts';
import { type Browser, launchChromium } from './browser.ts';

const ARTIFACTS = join(process.cwd(), 'test-artifacts');
const RECIPIENT = '6f1c3b52-7d4e-4c3a-9b1a-2f5e8d7c6b5a';

const dataDir = mkdtempSync(join(tmpdir(), 'dchat-dashboard-'));
let node: DchatNode;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];

function sign(node: DchatNode, key: NodeKey, nonce: bigint, op: Operation): SignedTx {
  return signTx({ chainId: node.chain.params.chainId, signer: key.publicKeyHex, nonce, op }, key.secretKey);
}

async function submit(tx: SignedTx): Promise<string> {
  const reply = await postTx(node.apiUrl, tx.bytes);
  expect(reply.status, JSON.stringify(reply.body)).toBe(202);
  return reply.body.hash as string;
}

const text = (selector: string): Promise<string> => page.locator(selector).first().innerText();

beforeAll(async () => {
  const config = loadConfig({ dev: true, data_dir: dataDir, api_port: 0, block_time_ms: '300', log_level: 'silent' });
  node = await DchatNode.init(config, { logger: createLogger('silent', false) });
  browser = await launchChromium();
  page = await browser.context.newPage();
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(`${msg.text()} (${msg.location().url})`);
  });
  page.on('pageerror', (err) => consoleErrors.push(`uncaught: ${err.message}`));
});

afterAll(async () => {
  await browser?.close();
  await node?.close().catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
});

describe('dashboard in headless Chromium', () => {
  it('shows live head, charts with data, and a transfer made meanwhile; no console errors', async () => {
    await page.goto(`${node.apiUrl}/`);
    await expect(page.title()).resolves.toBe('dchat node');

    // head height on the page, and it moves
    const headOnPage = async (): Promise<number> => Number((await text('[data-kpi="head"] .value')).replace(/,/g, '')) || 0;
    const firstHead = await waitFor('a head height > 0 on the page', async () => ((await headOnPage()) > 0 ? headOnPage() : false));
    await waitFor('the head height to move on the page', async () => (await headOnPage()) > firstHead);

    // charts: the series has points and uPlot drew them on a canvas
    const series = await api<{ points: unknown[] }>(node.apiUrl, '/v1/stats/series?points=50');
    expect(series.body.points.length).toBeGreaterThan(1);
    await waitFor('the supply chart to have data', async () => page.locator('#chart-supply .chart-empty').isHidden());
    expect(await page.locator('#chart-supply canvas').count()).toBe(1);
    expect(await page.locator('#chart-burn canvas').count()).toBe(1);

    // transactions made while the page is open
    const dev = readKeyFile(node.dev!.devKeyFile);
    const authority = readKeyFile(node.dev!.authorityKeyFile);
    const pools = await api<{ id: string }[]>(node.apiUrl, '/v1/pools');
    const poolId = pools.body[0]!.id;
    const transferHash = await submit(sign(node, dev, 0n, { type: 'transfer', to: RECIPIENT, amount: 1_000n }));
    await submit(sign(node, authority, 0n, {
      type: 'create-schedule', recipientType: 'treasury', amountPerInterval: 500n, intervalBlocks: 2n, startBlock: null, durationBlocks: null, poolId: null,
    }));
    await submit(sign(node, authority, 1n, { type: 'allocate', poolId, amount: 2_500_000_000n, recipient: RECIPIENT, expiresInBlocks: null }));
    // a few more transfers, spread over blocks, so the burn chart has bars
    for (let nonce = 1n; nonce <= 4n; nonce++) {
      await new Promise((r) => setTimeout(r, 350));
      await submit(sign(node, dev, nonce, { type: 'transfer', to: RECIPIENT, amount: 5_000n * nonce }));
    }

    const row = page.locator(`#txs tr[data-tx-hash="${transferHash}"]`);
    await row.waitFor({ timeout: 15_000 });
    const rowText = await row.innerText();
    expect(rowText).toContain('transfer');
    expect(rowText).toContain('1,000'); // amount, with thousands separators from BigInt
    expect(rowText).toMatch(/\b10\b/); // the fee burned
    // the latest blocks list has reached (at least) the block that included it
    const height = Number(await row.getAttribute('data-height'));
    expect(Number(await page.locator('#blocks tbody tr').first().getAttribute('data-height'))).toBeGreaterThanOrEqual(height);

    // schedules and pools panels (refreshed every few polls)
    await page.locator('#schedules tbody tr').first().waitFor({ timeout: 15_000 });
    expect(await text('#schedules tbody tr')).toContain('treasury');
    await waitFor('the pool to show reserved tokens', async () => (await text('#pools .pool')).includes('reserved 2,500,000,000'));

    // burned figures reach the KPI and the burn chart
    await waitFor('total burned > 0 on the page', async () => (await text('[data-kpi="burned"] .value')) !== '0');
    await waitFor('a burn rate on the page', async () => (await text('[data-kpi="burn-rate"] .value')).includes('/ block'));
    expect(await text('#live-text')).toMatch(/^live/);
    // redrawn from the event stream (docs/protocol.md §16.1), not by polling
    await waitFor('the page on the event stream', async () => !(await text('#live-text')).includes('polling'));
    expect(await text('#live-text')).toMatch(/^live · head [\d,]+$/);

    // let the charts take in the last blocks, then keep a picture
    await page.waitForTimeout(1_600);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });

    expect(consoleErrors).toEqual([]);
  });

  it('governance panel: an open proposal with its running tally and deadline, then its outcome; system accounts over time', async () => {
    const dev = readKeyFile(node.dev!.devKeyFile);
    const proposeAndVote = async (name: string, value: bigint, title: string): Promise<string> => {
      const { hash } = await includeTx(node.apiUrl, dev, { type: 'submit-proposal', kind: 'param-change', payload: { name, value }, title, deposit: 1_000n });
      const id = IdSource.forTx(hash).id('proposal');
      await includeTx(node.apiUrl, dev, { type: 'vote', proposalId: id, option: 'yes' });
      return id;
    };
    await includeTx(node.apiUrl, dev, { type: 'stake', amount: 50_000n });
    // A first proposal lengthens the voting period to 100 blocks (30 s), so the page sees the second one open.
    const longer = await proposeAndVote('gov_voting_blocks', 100n, 'Longer votes');
    await waitFor('the first outcome', async () => ((await api(node.apiUrl, `/v1/proposals/${longer}`)).body.status === 'passed' ? true : undefined));
    const proposalId = await proposeAndVote('min_fee', 2n, 'Fee 2');

    const open = page.locator(`#gov-open tr[data-proposal-id="${proposalId}"]`);
    await waitFor('the proposal open with its yes vote', async () => (await open.count()) > 0 && (await open.innerText()).includes('passed'));
    const row = await open.innerText();
    expect(row).toContain('Fee 2');
    expect(row).toContain('param-change');
    expect(row).toContain('50,000 / '); // turnout against the quorum's turnout
    expect(row).toMatch(/block [\d,]+ \((in [\d,]+ blocks|now)/);
    expect(await open.locator('.bar.tally .yes').getAttribute('style')).toContain('width: 100%');

    const past = page.locator(`#gov-past tr[data-proposal-id="${longer}"]`);
    await past.waitFor({ timeout: 15_000 });
    expect(await past.getAttribute('data-status')).toBe('passed');
    expect(await past.innerText()).toMatch(/Longer votes\s+param-change\s+passed\s+50,000\s+0\s+0/);
    expect(await page.locator('#gov-open-empty').isVisible()).toBe(false);

    await waitFor('the system accounts chart', async () => page.locator('#chart-system .chart-empty').isHidden());
    expect(await page.locator('#chart-system canvas').count()).toBe(1);
    expect(await text('#system-note')).toMatch(/treasury [\d,]+/);
    await page.locator('#gov-past').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-governance.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);
  });

  it('degrades gracefully without the optional routes, and lists peers when there are some', async () => {
    const second = await browser.context.newPage();
    const errors: string[] = [];
    second.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
    second.on('pageerror', (err) => errors.push(err.message));
    // as on a node whose API has no pools, schedules or projection routes yet, but has peers
    await second.route('**/v1/stats/series?*', async (route) => {
      const response = await route.fetch();
      const body = await response.json();
      await route.fulfill({ response, json: { ...body, routes: { pools: false, schedules: false, projection: false, peers: true } } });
    });
    await second.route('**/v1/peers', (route) => route.fulfill({
      json: [{ peer_id: '12D3KooWFakePeerNumberOne', addresses: ['/ip4/127.0.0.1/tcp/7601'], direction: 'outbound', score: 0, bootstrap: true }],
    }));
    await second.goto(`${node.apiUrl}/`);
    const note = (id: string) => second.locator(`#${id}`).innerText();
    await waitFor('the pools fallback note', async () => (await note('pools-note')).includes('No pools route yet'));
    expect(await note('schedules-note')).toContain('No schedules route yet');
    expect(await second.locator('#pools .pool').count()).toBe(1); // read from the dashboard feed instead
    expect(await second.locator('#schedules tbody tr').count()).toBe(1);
    await waitFor('the projection note', async () => (await note('projection-note')).includes('No projection route yet'));
    await waitFor('the governance note', async () => (await note('gov-note')).includes('No proposals route yet'));
    expect(await second.locator('#peers li').first().innerText()).toContain('/ip4/127.0.0.1/tcp/7601');
    expect(await second.locator('#node-meta').innerText()).toContain('1 peer');
    await second.screenshot({ path: join(ARTIFACTS, 'dashboard-degraded.png'), fullPage: true });
    expect(errors).toEqual([]);
    await second.close();
  });

  it('serves Prometheus metrics that agree with the API', async () => {
    const res = await fetch(`${node.apiUrl}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const body = await res.text();
    const stats = (await api<{ total_burned: string }>(node.apiUrl, '/v1/stats')).body;
    const burned = Number(/^dchat_total_burned (\d+)$/m.exec(body)?.[1]);
    expect(burned).toBe(Number(stats.total_burned));
    expect(Number(/^dchat_blocks_produced_total (\d+)$/m.exec(body)?.[1])).toBeGreaterThan(3);
    expect(Number(/^dchat_txs_included_total (\d+)$/m.exec(body)?.[1])).toBeGreaterThanOrEqual(7);
  });
});
