/**
 * The light client against the node's own API routes (GET /v1/proofs/*, /v1/light/finality) over a
 * small signed chain: an honest node's answers verify; a node that changes any part of them is
 * refused with the failed check named.
 */
import type { FastifyInstance } from 'fastify';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOfAsync } from '../../support/error-code.ts';
import { type FetchLike, LightErrorCode, verifiedAccount, verifiedState } from '../../../src/light/index.ts';
import { ALICE, BOB, GENESIS, type LightChain, NOBODY, buildLightChain, serveLightChain } from '../../support/light-chain.ts';

let chain: LightChain;
let app: FastifyInstance;
let url = '';

beforeAll(async () => {
  chain = await buildLightChain();
  ({ app, url } = await serveLightChain(chain));
});
afterAll(async () => app.close());

type Json = Record<string, unknown>;

/** A fetch through a lying node: `lie` rewrites each JSON answer of a path containing `where`. */
const lyingFetch = (where: string, lie: (body: Json) => void): FetchLike => async (target) => {
  const response = await fetch(target);
  const body = (await response.json()) as Json;
  if (target.includes(where)) lie(body);
  return { ok: response.ok, status: response.status, json: async () => body };
};


describe('light client', () => {
  it('verifies a balance at the last final height, and at an older final one', async () => {
    const final = chain.view.finalizedHeight;
    expect(final).toBeGreaterThan(0n);
    const latest = await verifiedAccount({ genesis: GENESIS, node: url }, ALICE);
    expect(latest.height).toBe(final);
    expect(latest.account.balance).toBe(chain.balanceAt(ALICE, final));
    const older = await verifiedAccount({ genesis: GENESIS, node: url }, ALICE, 2n);
    expect(older.account.balance).toBe(1_002n);
    expect((await verifiedAccount({ genesis: GENESIS, node: url }, BOB)).account.balance).toBe(5n);
  });

  it('proves an absent account absent (zeros), and any key by its bytes', async () => {
    const absent = await verifiedAccount({ genesis: GENESIS, node: url }, NOBODY);
    expect(absent.value).toBeNull();
    expect(absent.account.balance).toBe(0n);
    const state = await verifiedState({ genesis: GENESIS, node: url }, `account:${BOB}`);
    expect(state.value).not.toBeNull();
  });

  it('refuses a node that changes the balance in the value', async () => {
    const fetchFn = lyingFetch('/v1/proofs/', (body) => {
      // The record's first field is the balance: 0xcd + 2 bytes; add one to its low byte.
      const hex = String(body.value_hex);
      body.value_hex = hex.slice(0, 6) + ((Number.parseInt(hex.slice(6, 8), 16) + 1) & 0xff).toString(16).padStart(2, '0') + hex.slice(8);
    });
    expect(await codeOfAsync(verifiedAccount({ genesis: GENESIS, node: url, fetch: fetchFn }, ALICE))).toBe(LightErrorCode.RootMismatch);
  });

  it('refuses a proof against another header than the final one, and a claim of absence for a present key', async () => {
    const older = chain.blocks[3]!;
    const swapHeader = lyingFetch('/v1/light/finality', (body) => {
      (body.headers as Json[])[0] = { ...(body.headers as Json[])[0], state_root: Buffer.from(older.header.stateRoot).toString('hex') };
    });
    expect(await codeOfAsync(verifiedAccount({ genesis: GENESIS, node: url, fetch: swapHeader }, ALICE))).toBe(LightErrorCode.HeaderHashMismatch);
    const hide = lyingFetch('/v1/proofs/', (body) => {
      body.value_hex = null;
    });
    expect(await codeOfAsync(verifiedAccount({ genesis: GENESIS, node: url, fetch: hide }, ALICE))).toBe(LightErrorCode.WrongProofKind);
  });

  it('any flipped hex digit anywhere in either answer is refused with a typed error (property)', async () => {
    // Every hex field of both answers: value, proof, and each header's hashes, roots, key and signature.
    const honest = {
      proof: (await (await fetch(`${url}/v1/proofs/accounts/${ALICE}`)).json()) as Json,
      finality: (await (await fetch(`${url}/v1/light/finality?height=${chain.view.finalizedHeight}`)).json()) as Json,
    };
    const headerFields = ['hash', 'parent_hash', 'proposer', 'tx_root', 'state_root', 'signature'];
    const headerCount = (honest.finality.headers as Json[]).length;
    const targets = [
      ...['value_hex', 'proof'].map((f) => ({ answer: 'proof' as const, at: [f] })),
      ...headerFields.map((f) => ({ answer: 'proof' as const, at: ['header', f] })),
      ...Array.from({ length: headerCount }, (_, i) => headerFields.map((f) => ({ answer: 'finality' as const, at: ['headers', i, f] }))).flat(),
    ];
    // This chain keeps its genesis set: the honest answer about later sets is an empty list.
    const noChanges = (await (await fetch(`${url}/v1/light/validator-sets`)).json()) as Json;
    expect(noChanges).toEqual({ changes: [], next_after: null });
    const answerFor = (answers: typeof honest, target: string): Json => (target.includes('/v1/light/finality') ? answers.finality : target.includes('/v1/light/validator-sets') ? noChanges : answers.proof);
    const served = (answers: typeof honest): FetchLike => async (target) => ({ ok: true, status: 200, json: async () => answerFor(answers, target) });
    // Unchanged, the same answers verify: every refusal below is the flip's.
    expect((await verifiedAccount({ genesis: GENESIS, node: url, fetch: served(honest) }, ALICE)).account.balance).toBe(chain.balanceAt(ALICE, chain.view.finalizedHeight));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...targets), fc.nat(), fc.integer({ min: 1, max: 15 }), async (target, where, xor) => {
        const answers = structuredClone(honest);
        let holder = answers[target.answer] as Record<string | number, unknown>;
        for (const step of target.at.slice(0, -1)) holder = holder[step] as Record<string | number, unknown>;
        const field = target.at.at(-1)!;
        const hex = String(holder[field]);
        const i = where % hex.length;
        holder[field] = hex.slice(0, i) + (Number.parseInt(hex[i]!, 16) ^ xor).toString(16) + hex.slice(i + 1);
        const code = await codeOfAsync(verifiedAccount({ genesis: GENESIS, node: url, fetch: served(answers) }, ALICE));
        expect(Object.values(LightErrorCode), `${target.answer}.${target.at.join('.')}[${i}]`).toContain(code);
      }),
      { numRuns: 150 },
    );
  });

  it('names an unreachable node and a node error', async () => {
    expect(await codeOfAsync(verifiedAccount({ genesis: GENESIS, node: 'http://127.0.0.1:9' }, ALICE))).toBe(LightErrorCode.NodeUnreachable);
    const refused = verifiedAccount({ genesis: GENESIS, node: url }, ALICE, 1_000n);
    await expect(refused).rejects.toThrow(/404 UnknownHeight/);
    expect(await codeOfAsync(refused)).toBe(LightErrorCode.NodeRefused);
  });
});
