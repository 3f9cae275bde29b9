/**
 * The proof routes on a real dev node (its LevelDB state tree, h-treeint's proveState): an account
 * proof answers the value (decoded and raw), the proof and the signed header; an absent account a
 * proof of absence (200, value null); the finality answer passes the light client's finality check
 * against the node's own genesis file (proposer schedule, ed25519 signatures, timestamps, parent
 * links, the header encoding). Until the header's state_root is the tree root (h-treeint's next
 * step) the state proof itself is checked on the fixture chain only (test/e2e/cli/light.test.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACCOUNT_IDS } from '../../../src/tokenomics/index.ts';
import { signedHeaderFromJson, trustedGenesisFromJson, verifyFinality } from '../../../src/light/index.ts';
import { type DevNode, startDevNode } from '../../e2e/cli/harness.ts';
import { api, waitFor } from '../node-client.ts';

let dev: DevNode;

beforeAll(async () => {
  dev = await startDevNode(200);
  await waitFor('a final block above genesis', async () => (dev.node.chain.finalizedHeight >= 2n ? true : undefined));
}, 30_000);
afterAll(async () => dev?.close());

describe('proof routes on a dev node', () => {
  it('answers an account proof at the last final height, with the signed header', async () => {
    const r = await api(dev.url, '/v1/proofs/accounts/treasury');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const body = r.body as Record<string, any>;
    expect(body.id).toBe(SYSTEM_ACCOUNT_IDS.treasury);
    expect(body.key).toBe(`account:${SYSTEM_ACCOUNT_IDS.treasury}`);
    expect(BigInt(body.height)).toBeLessThanOrEqual(dev.node.chain.finalizedHeight);
    expect(body.value.balance).toMatch(/^[0-9]+$/);
    expect(body.value_hex).toMatch(/^[0-9a-f]+$/);
    expect(body.proof).toMatch(/^[0-9a-f]+$/);
    const header = signedHeaderFromJson(body.header);
    expect(header.header.height).toBe(BigInt(body.height));
    const block = await dev.node.chain.blockAt(header.header.height);
    expect(Buffer.from(header.hash).toString('hex')).toBe(Buffer.from(block!.hash).toString('hex'));
  });

  it('answers a proof of absence for an account that has no key, not a 404', async () => {
    const r = await api(dev.url, '/v1/proofs/accounts/00000000-0000-5000-8000-00000000abcd');
    expect(r.status).toBe(200);
    expect((r.body as Record<string, unknown>).value).toBeNull();
    expect((r.body as Record<string, unknown>).value_hex).toBeNull();
    const key = Buffer.from('account:00000000-0000-5000-8000-00000000abcd').toString('hex');
    // At the same height: the default, the last final one, may move between the two requests.
    const state = await api(dev.url, `/v1/proofs/state?key=${key}&height=${String((r.body as Record<string, unknown>).height)}`);
    expect(state.status).toBe(200);
    expect((state.body as Record<string, unknown>).proof).toBe((r.body as Record<string, unknown>).proof);
  });

  it('refuses bad heights and keys with typed errors', async () => {
    expect((await api(dev.url, '/v1/proofs/accounts/treasury?height=999999')).body).toMatchObject({ code: 'UnknownHeight' });
    expect((await api(dev.url, '/v1/proofs/state?key=zz')).status).toBe(400);
    const notFinal = await api(dev.url, `/v1/light/finality?height=${dev.node.chain.head.header.height + 1_000n}`);
    expect(notFinal.status).toBe(409);
    expect(notFinal.body).toMatchObject({ code: 'NotFinal' });
  });

  it('answers a finality proof the light client accepts against the node\'s genesis file', async () => {
    const genesis = trustedGenesisFromJson(JSON.parse(readFileSync(join(dev.dataDir, 'genesis.json'), 'utf8')));
    const r = await api(dev.url, '/v1/light/finality?height=1');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const headers = ((r.body as Record<string, unknown>).headers as unknown[]).map(signedHeaderFromJson);
    expect(headers[0]!.header.height).toBe(1n);
    expect((await verifyFinality(genesis, headers)).header.height).toBe(1n);
    const latest = await api(dev.url, '/v1/light/finality');
    const latestHeaders = ((latest.body as Record<string, unknown>).headers as unknown[]).map(signedHeaderFromJson);
    expect((await verifyFinality(genesis, latestHeaders)).header.height).toBe(BigInt(String((latest.body as Record<string, unknown>).height)));
  });
});
