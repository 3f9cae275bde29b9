/**
 * The SDK's verified reads (src/client/verified.ts) against the node's own routes over a small
 * signed chain that changes its validator set: the client's fetch carries the light client's
 * requests, the sets it learns stay with the reads object (and can be restored), and a node that
 * lies is refused with the light client's code.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DchatClient, LightErrorCode } from '../../../src/client/index.ts';
import { codeOfAsync } from '../../support/error-code.ts';
import { ALICE, GENESIS, type LightChain, NEXT_KEYS, NOBODY, buildLightChain, serveLightChain } from '../../support/light-chain.ts';

let chain: LightChain;
let app: FastifyInstance;
let url = '';

beforeAll(async () => {
  chain = await buildLightChain(30, { scheduledAt: 5n, activation: 20n, keys: NEXT_KEYS });
  ({ app, url } = await serveLightChain(chain));
});
afterAll(async () => app.close());

describe('DchatClient.verified', () => {
  it('reads a proven balance and a proven absence through the client\'s fetch, learning the set change once', async () => {
    const requests: string[] = [];
    const client = new DchatClient({ baseUrl: url, fetch: (input, init) => (requests.push(String(input)), fetch(input, init)) });
    const reads = client.verified(GENESIS);
    const alice = await reads.account(ALICE);
    expect(alice.height).toBe(chain.view.finalizedHeight);
    expect(alice.account.balance).toBe(chain.balanceAt(ALICE, alice.height));
    expect((await reads.account(NOBODY)).value).toBeNull();
    expect(reads.sets.all().map((e) => e.from)).toEqual([0n, 20n]);
    expect(requests.filter((r) => r.includes('validator-sets?after=0'))).toHaveLength(1);
    // An app that stored the epochs starts from them.
    const restored = client.verified(GENESIS, reads.sets.all().slice(1));
    expect((await restored.account(ALICE, 8n)).account.balance).toBe(chain.balanceAt(ALICE, 8n));
    expect(requests.filter((r) => r.includes('validator-sets?after=0'))).toHaveLength(1);
  });

  it('refuses a node that changes the proven value', async () => {
    const lying = new DchatClient({
      baseUrl: url,
      fetch: async (input, init) => {
        const res = await fetch(input, init);
        if (!String(input).includes('/v1/proofs/')) return res;
        const body = (await res.json()) as Record<string, unknown>;
        body.value_hex = null;
        return new Response(JSON.stringify(body), { status: res.status, headers: { 'content-type': 'application/json' } });
      },
    });
    expect(await codeOfAsync(lying.verified(GENESIS).account(ALICE))).toBe(LightErrorCode.WrongProofKind);
  });
});
