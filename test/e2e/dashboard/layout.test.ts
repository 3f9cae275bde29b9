/**
 * The dashboard's layout at a desktop width (1,400 px) and a phone width (420 px), with a peer
 * whose multiaddrs are long: no horizontal overflow of the page, KPI values shown whole, and
 * every table inside its card. Screenshots of both widths go to test-artifacts/.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/node/config.ts';
import { createLogger } from '../../../src/node/logger.ts';
import { DchatNode } from '../../../src/node/node.ts';
import { waitFor } from '../../integration/node-client.ts';
import { type Browser, launchChromium } from './browser.ts';

const ARTIFACTS = join(process.cwd(), 'test-artifacts');
const LONG_PEER = {
  peer_id: '12D3KooWLongPeerIdThatDoesNotFitOnOneLineAnywhere0123456789abcdef',
  addresses: ['/ip4/203.0.113.200/tcp/7600/p2p/12D3KooWLongPeerIdThatDoesNotFitOnOneLineAnywhere0123456789abcdef'],
  direction: 'outbound', score: 0, bootstrap: true,
};

const dataDir = mkdtempSync(join(tmpdir(), 'dchat-layout-'));
let node: DchatNode;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const config = loadConfig({ dev: true, data_dir: dataDir, api_port: 0, block_time_ms: '300', log_level: 'silent' });
  node = await DchatNode.init(config, { logger: createLogger('silent', false) });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await node?.close().catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
});

interface Layout {
  scrollWidth: number;
  innerWidth: number;
  cutKpis: string[];
  spilledTables: string[];
  burnLegend: string[];
}

describe('dashboard layout', () => {
  it.each([[1400], [420]])('at %i px: no horizontal overflow, KPI values whole, tables inside their cards', async (width: number) => {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width, height: 900 });
    await page.route('**/v1/stats/series?*', async (route) => {
      const response = await route.fetch();
      const body = await response.json();
      await route.fulfill({ response, json: { ...body, routes: { ...body.routes, peers: true } } });
    });
    await page.route('**/v1/peers', (route) => route.fulfill({ json: [LONG_PEER, { ...LONG_PEER, peer_id: `${LONG_PEER.peer_id}2` }] }));
    await page.goto(`${node.apiUrl}/`);
    await waitFor('the peers to show', async () => (await page.locator('#peers li').count()) === 2);
    await waitFor('a head height on the page', async () => /\d/.test(await page.locator('[data-kpi="head"] .value').innerText()));
    await waitFor('the burn chart to have data', async () => page.locator('#chart-burn .chart-empty').isHidden());
    // One meaning of a year: the projection spans blocks_per_year blocks, its wall-clock length beside it.
    const perYear = node.chain.params.blocksPerYear.toLocaleString('en-US');
    await waitFor('the projection note', async () => (await page.locator('#projection-note').innerText()).startsWith(`Next 1 inflation year = ${perYear} blocks (about `));
    // A string: the test is compiled without the DOM's types, the page runs it with them.
    const layout = await page.evaluate<Layout>(`({
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
      cutKpis: [...document.querySelectorAll('.kpi .value, .kpi .hint')].filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.innerText),
      spilledTables: [...document.querySelectorAll('.card table')].filter((t) => {
        const card = t.closest('.card').getBoundingClientRect();
        return t.getBoundingClientRect().right > card.right + 1;
      }).map((t) => t.id || t.closest('.card').querySelector('h2')?.textContent || '?'),
      burnLegend: [...document.querySelectorAll('#chart-burn .u-legend .u-series')].map((e) => e.innerText.replace(/\\s+/g, ' ').trim()),
    })`);
    await page.screenshot({ path: join(ARTIFACTS, `dashboard-${width}px.png`), fullPage: true });
    // The page keeps polling: a series request still in its handler when the page closes would reject unhandled.
    await page.unrouteAll({ behavior: 'ignoreErrors' });
    await page.close();
    expect(layout.scrollWidth).toBeLessThanOrEqual(layout.innerWidth);
    expect(layout.cutKpis).toEqual([]);
    expect(layout.spilledTables).toEqual([]);
    // The burn chart is burned per block alone, and its legend reads a figure (0 when nothing burned), never "–".
    expect(layout.burnLegend).toHaveLength(2);
    expect(layout.burnLegend[1]).toMatch(/^Burned \/ block:? ?[\d,.]+$/);
  });
});
