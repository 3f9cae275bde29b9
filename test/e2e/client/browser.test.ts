/**
 * The SDK's browser bundle in headless Chromium (test/e2e/dashboard/browser.ts): a page loads it,
 * signs a transfer on the browser's WebCrypto, submits it to a dev node and receives its inclusion
 * event from the event stream. The page is served at the node's own origin (a route of the
 * browser), since the API sends no CORS headers.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '../../../src/chain/crypto.ts';
import { loadOrCreateKey } from '../../../src/node/key-files.ts';
import { walletIdFromPublicKey } from '../../../src/tokenomics/index.ts';
import { buildClientBundle } from '../../../scripts/client/bundle.ts';
import { type Browser, launchChromium } from '../dashboard/browser.ts';
import { type DevNode, startDevNode } from '../cli/harness.ts';

let dev: DevNode;
let browser: Browser;

beforeAll(async () => {
  dev = await startDevNode(250);
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await dev?.close();
});

/** The page imports the bundle as a chat app would and hands it to the test as `globalThis.sdk`. */
const PAGE = "<!doctype html><title>sdk</title><script type=module>import * as sdk from '/sdk/client.js'; window.sdk = sdk;</script>";

/** What the page's globals hold, for the compiler (the test's lib has no DOM). */
interface PageGlobals {
  readonly sdk: typeof import('../../../src/client/index.ts');
  readonly location: { readonly origin: string };
}

interface PageResult {
  readonly walletId: string;
  readonly publicKeyHex: string;
  readonly hash: string;
  readonly event: { type: string; id: string | null; data: { hash: string; height: string; status: string } };
}

describe('client SDK in Chromium', () => {
  it('signs and submits a transfer from a page and receives its inclusion event', async () => {
    const bundle = await buildClientBundle();
    const page = await browser.context.newPage();
    await page.route(`${dev.url}/sdk/*`, (route) => {
      const isScript = route.request().url().endsWith('.js');
      return route.fulfill({ status: 200, contentType: isScript ? 'text/javascript' : 'text/html', body: isScript ? bundle.code : PAGE });
    });
    await page.goto(`${dev.url}/sdk/index.html`);
    const seed = toHex(loadOrCreateKey(join(dev.dataDir, 'keys', 'dev.json'), 'dev wallet').secretKey);
    const to = walletIdFromPublicKey('11'.repeat(32));
    await page.waitForFunction(() => 'sdk' in globalThis);
    const result = await page.evaluate(async ({ seed, to }) => {
      const { sdk, location } = globalThis as unknown as PageGlobals;
      const client = new sdk.DchatClient({ baseUrl: location.origin });
      const key = await sdk.keyFromSeed(seed);
      const stream = client.subscribe(['txs']);
      // Subscribed first (the hello), so the inclusion cannot pass before the stream is open.
      const hello = await stream.next();
      if (hello.value.type !== 'hello') throw new Error(`expected hello, got ${hello.value.type}`);
      const signed = await client.sign(key, { type: 'transfer', to, amount: 500n });
      await client.submit(signed);
      for await (const event of stream) {
        if (event.type === 'tx' && event.data.hash === signed.hash) {
          await stream.return(undefined);
          return { walletId: key.walletId, publicKeyHex: key.publicKeyHex, hash: signed.hash, event };
        }
      }
      throw new Error('the stream ended before the inclusion event');
    }, { seed, to }) as PageResult;
    expect(result.walletId).toBe(walletIdFromPublicKey(result.publicKeyHex));
    expect(result.event.type).toBe('tx');
    expect(result.event.data.status).toBe('included');
    expect(result.event.id).toMatch(/^\d+:\d+$/);
    const status = await (await fetch(`${dev.url}/v1/txs/${result.hash}`)).json() as { status: string; height: string };
    expect(status).toMatchObject({ status: 'included', height: result.event.data.height });
    await page.close();
  }, 60_000);
});
