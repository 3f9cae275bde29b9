/**
 * The light client across a validator set change (docs/protocol.md §17.7, §19.1): four genesis
 * validators hand over to three new keys at height 20, the set scheduled at height 5. A client that
 * trusts only the genesis learns the new set from the node's anchor (height 20 − 9 = 11, final
 * under the old set, its state holding the pending set) and verifies balances on both sides of the
 * switch; a node that forges the change in any way, or withholds it, is refused with the check named.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOfAsync } from '../../support/error-code.ts';
import { sealBlock } from '../../../src/chain/codec/block.ts';
import { encodeStateValue } from '../../../src/chain/codec/state.ts';
import { keyPairFromSeed, toHex } from '../../../src/chain/crypto.ts';
import { type FetchLike, LightErrorCode, LightValidatorSets, type SignedLightHeader, validatorSetDelay as lightDelay, verifiedAccount, verifyFinality } from '../../../src/light/index.ts';
import { headerJson } from '../../../src/node/api/json.ts';
import { META_PENDING_VALIDATORS, validatorSetDelay } from '../../../src/tokenomics/index.ts';
import { ALICE, GENESIS, type LightChain, NEXT_KEYS, NOBODY, buildLightChain, serveLightChain } from '../../support/light-chain.ts';

const SWITCH = { scheduledAt: 5n, activation: 20n, keys: NEXT_KEYS };
let chain: LightChain;
let app: FastifyInstance;
let url = '';

beforeAll(async () => {
  chain = await buildLightChain(30, SWITCH);
  ({ app, url } = await serveLightChain(chain));
});
afterAll(async () => app.close());

type Json = Record<string, unknown>;

/** Fetches through the node, recording the validator-set requests and letting `lie` rewrite their answers. */
function through(lie?: (body: Json) => void): { fetch: FetchLike; setRequests: string[] } {
  const setRequests: string[] = [];
  const fetchFn: FetchLike = async (target) => {
    const response = await fetch(target);
    const body = (await response.json()) as Json;
    if (target.includes('/v1/light/validator-sets')) {
      setRequests.push(new URL(target).search);
      lie?.(body);
    }
    return { ok: response.ok, status: response.status, json: async () => body };
  };
  return { fetch: fetchFn, setRequests };
}

const headersJson = (from: number, to: number): unknown[] => chain.blocks.slice(from, to + 1).map((b) => headerJson(b.header, b.signature, b.hash));

const firstChange = (body: Json): Json => (body.changes as Json[])[0]!;

describe('the light client\'s copy of the set-change delay (src/light may not import tokenomics)', () => {
  it('equals the state machine\'s for every set size', () => {
    for (const n of [1, 2, 3, 4, 7, 21, 100, 10_000]) expect(lightDelay(n)).toBe(validatorSetDelay(n));
  });
});

describe('a light client across a validator set change', () => {
  it('the node serves the change anchored at activation − (2n + 1), made final by the old set below the activation', async () => {
    const body = (await (await fetch(`${url}/v1/light/validator-sets`)).json()) as Json;
    expect(body.next_after).toBeNull();
    const change = firstChange(body);
    expect(change.activation_height).toBe('20');
    expect(change.anchor_height).toBe('11');
    const heights = (change.headers as Json[]).map((h) => Number(h.height));
    expect(heights[0]).toBe(11);
    expect(heights.at(-1)).toBeLessThan(20);
    expect((change.validators as Json[]).map((v) => v.public_key)).toEqual(NEXT_KEYS.map((k) => toHex(k.publicKey)));
    expect(await (await fetch(`${url}/v1/light/validator-sets?after=20`)).json()).toEqual({ changes: [], next_after: null });
  });

  it('with the genesis set alone, headers after the switch are refused: the client must learn the new set', async () => {
    const headers: SignedLightHeader[] = chain.blocks.slice(22, 26).map((b) => ({ header: b.header, signature: b.signature, hash: b.hash }));
    expect(await codeOfAsync(verifyFinality(GENESIS, headers))).toBe(LightErrorCode.WrongProposer);
  });

  it('verifies balances after the switch, at its last old-set block, and before it', async () => {
    const final = chain.view.finalizedHeight;
    expect(final).toBeGreaterThan(SWITCH.activation);
    for (const height of [final, SWITCH.activation - 1n, 8n]) {
      const verified = await verifiedAccount({ genesis: GENESIS, node: url }, ALICE, height);
      expect(verified.account.balance).toBe(chain.balanceAt(ALICE, height));
    }
  });

  it('keeps what it verified: a client holding the sets checks the change once', async () => {
    const sets = new LightValidatorSets(GENESIS.validators);
    const counted = through();
    await verifiedAccount({ genesis: GENESIS, node: url, fetch: counted.fetch, validatorSets: sets }, ALICE);
    expect(sets.all().map((e) => e.from)).toEqual([0n, 20n]);
    expect(sets.at(25n).keys).toEqual(NEXT_KEYS.map((k) => toHex(k.publicKey)));
    expect(counted.setRequests).toEqual(['?after=0&limit=16']);
    // Later calls only ask whether anything came after the newest set they hold.
    await verifiedAccount({ genesis: GENESIS, node: url, fetch: counted.fetch, validatorSets: sets }, ALICE);
    expect(counted.setRequests.slice(1)).toEqual(['?after=20&limit=16']);
    // Restored from what an app stored: the same epochs, nothing asked again before them.
    const restored = new LightValidatorSets(GENESIS.validators, sets.all().slice(1));
    expect((await verifiedAccount({ genesis: GENESIS, node: url, fetch: counted.fetch, validatorSets: restored }, ALICE)).height).toBe(chain.view.finalizedHeight);
    expect(counted.setRequests.slice(2)).toEqual(['?after=20&limit=16']);
  });

  it('refuses a change whose pending value names other keys (the anchor\'s state does not hold it)', async () => {
    const attackers = [8, 9, 10].map((i) => ({ publicKey: toHex(keyPairFromSeed(new Uint8Array(32).fill(i)).publicKey), rewardWallet: NOBODY }));
    const forged = through((body) => {
      firstChange(body).pending_value_hex = Buffer.from(encodeStateValue(META_PENDING_VALIDATORS, { validators: attackers, activationHeight: 20n })).toString('hex');
    });
    expect(await codeOfAsync(verifiedAccount({ genesis: GENESIS, node: url, fetch: forged.fetch }, ALICE))).toBe(LightErrorCode.RootMismatch);
  });

  it('refuses an anchor at another height, one made final by headers of the new set, and a claimed activation that is not the pending one', async () => {
    const shifted = through((body) => {
      (firstChange(body).headers as Json[]).shift();
    });
    expect(await codeOfAsync(verifiedAccount({ genesis: GENESIS, node: url, fetch: shifted.fetch }, ALICE))).toBe(LightErrorCode.BadValidatorSetChange);
    const lateActivation = through((body) => {
      firstChange(body).activation_height = '21';
    });
    expect(await codeOfAsync(verifiedAccount({ genesis: GENESIS, node: url, fetch: lateActivation.fetch }, ALICE))).toBe(LightErrorCode.BadValidatorSetChange);
    // The anchor's headers run on past the activation: only the old set's, below it, may make it final.
    const newSetAnchor = through((body) => {
      firstChange(body).headers = headersJson(11, 22);
    });
    expect(await codeOfAsync(verifiedAccount({ genesis: GENESIS, node: url, fetch: newSetAnchor.fetch }, ALICE))).toBe(LightErrorCode.BadValidatorSetChange);
    // Too few of the old set on top of the anchor: not final.
    const short = through((body) => {
      firstChange(body).headers = headersJson(11, 13);
    });
    expect(await codeOfAsync(verifiedAccount({ genesis: GENESIS, node: url, fetch: short.fetch }, ALICE))).toBe(LightErrorCode.NotFinal);
  });

  it('a node that withholds the change cannot get the new set\'s headers accepted', async () => {
    const withheld = through((body) => {
      body.changes = [];
    });
    expect(await codeOfAsync(verifiedAccount({ genesis: GENESIS, node: url, fetch: withheld.fetch }, ALICE))).toBe(LightErrorCode.WrongProposer);
  });

  it('refuses a change signed by keys outside the old set (a forged anchor chain)', async () => {
    // Headers 11.. re-signed by a key of the new set: the old set's slot owners did not sign them.
    const intruder = NEXT_KEYS[0]!;
    const forged = through((body) => {
      const change = firstChange(body);
      change.headers = (change.headers as Json[]).map((h, i) => {
        if (i !== 1) return h;
        const block = chain.blocks[12]!;
        const resealed = sealBlock({ ...block.header, proposer: toHex(intruder.publicKey) }, [], intruder.secretKey);
        return { ...h, proposer: toHex(intruder.publicKey), hash: toHex(resealed.hash), signature: toHex(resealed.signature) };
      });
    });
    expect(await codeOfAsync(verifiedAccount({ genesis: GENESIS, node: url, fetch: forged.fetch }, ALICE))).toBe(LightErrorCode.WrongProposer);
  });
});
