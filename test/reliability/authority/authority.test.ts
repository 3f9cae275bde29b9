/**
 * Authority and ownership (docs/protocol.md §13.7), on a real chain with a bit of everything in state:
 *
 * - every operation type is classified here by who may sign it, and the classification must cover
 *   exactly OPERATION_TYPES (src/chain/codec/tx.ts) and the handler table (src/tokenomics/ops), so a
 *   new operation cannot go unclassified;
 * - every privileged operation signed by a non-authority key (a funded outsider) is refused with
 *   Unauthorized by the node's API (403), and also when a validator slips it into a validly signed
 *   block (the block is invalid); the rightful signer passes the authorization;
 * - a validator key signs nothing but blocks: every operation it signs is Unauthorized;
 * - ownership: a transaction has no `from`; the signer's key is the only source of funds. A payload
 *   with an extra "from" field does not decode, a tx naming the victim's key as signer does not
 *   verify, and, for thousands of random operations of every type signed by non-authority keys with
 *   every id field drawn from the accounts, pools, listings and purchases in state, no account but
 *   the signer's ever loses tokens, and every privileged operation that goes through had its rightful
 *   signer (the pool's operator, the listing's seller, the purchase's buyer or seller).
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { produceBlock } from '../../../src/chain/block-production.ts';
import { sealBlock, txRoot } from '../../../src/chain/codec/block.ts';
import { pack, unpack } from '../../../src/chain/codec/msgpack.ts';
import { OPERATION_TYPES, type SignedTx, decodeSignedTx, encodeUnsignedTx, signTx, toTxInput } from '../../../src/chain/codec/tx.ts';
import { signMessage, sha256, toHex } from '../../../src/chain/crypto.ts';
import { ChainError } from '../../../src/chain/errors.ts';
import { buildApi } from '../../../src/node/api/server.ts';
import { createLogger } from '../../../src/node/logger.ts';
import {
  type Account, BlockExecution, ErrorCode, type Listing, type Operation, type OperationType, type Pool, type Purchase, SYSTEM_ACCOUNT_IDS, TokenError,
  accountKey, holdingsOf, listingKey, poolKey, purchaseKey,
} from '../../../src/tokenomics/index.ts';
import { HANDLERS } from '../../../src/tokenomics/ops/index.ts';
import { SAMPLES } from '../../unit/chain/codec/codec-fixture.ts';
import { type NamedKey, namedKey } from '../../unit/chain/chain-fixture.ts';
import { envCount, writeReport } from '../support/report.ts';
import { AUTHORITY_KEY, CHAIN_ID, DEV, type RichChain, USER, VALIDATORS, openRichChain } from '../support/rich-chain.ts';
import { Rng } from '../support/rng.ts';

/** Who may sign each operation (docs/protocol.md §13.7). `own`: any wallet, for itself. */
type Signer = 'own' | 'authority' | 'authority-or-operator' | 'seller' | 'buyer' | 'buyer-or-seller' | 'own-or-authority-for-system';
const WHO: Record<OperationType, Signer> = {
  transfer: 'own',
  burn: 'own-or-authority-for-system',
  stake: 'own',
  unstake: 'own',
  'claim-rewards': 'own',
  'register-relay': 'own',
  'deregister-relay': 'own',
  'create-listing': 'own',
  'cancel-listing': 'seller',
  buy: 'own',
  confirm: 'buyer',
  dispute: 'buyer',
  refund: 'seller',
  mint: 'authority',
  'transfer-from-system': 'authority',
  'create-pool': 'authority',
  'replenish-pool': 'authority',
  'create-schedule': 'authority',
  'cancel-schedule': 'authority',
  slash: 'authority',
  'resolve-dispute': 'authority',
  'set-authority': 'authority',
  'set-validators': 'authority',
  'submit-proposal': 'own',
  deposit: 'own',
  vote: 'own',
  allocate: 'authority-or-operator',
  'release-allocation': 'authority-or-operator',
  'cancel-allocation': 'authority-or-operator',
};

const OUTSIDER = namedKey(77);
const CASES = envCount('DCHAT_FUZZ_CASES', 2_000);
let rich: RichChain;
let app: FastifyInstance;
const report: Record<string, unknown> = {};

beforeAll(async () => {
  rich = await openRichChain();
  await rich.chain.submitTx(rich.sign(DEV, { type: 'transfer', to: OUTSIDER.wallet, amount: 1_000_000n }).bytes);
  await rich.produce();
  app = buildApi({ chain: rich.chain, txs: rich.chain, logger: createLogger('silent', false), producer: null, dev: false, nodeInfo: () => ({}) });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await rich?.close();
  writeReport('authority', report);
});

const nonceOf = (key: NamedKey): bigint => ((rich.chain.state.get(accountKey(key.wallet)) as Account | undefined)?.nonce ?? 0n);
const signAs = (key: NamedKey, op: Operation): SignedTx => signTx({ chainId: CHAIN_ID, signer: key.hex, nonce: nonceOf(key), op }, key.secretKey);

/** The privileged operation of each type, aimed at what exists in the rich chain. */
function privileged(type: OperationType): Operation {
  const { ids } = rich;
  const ops: Partial<Record<OperationType, Operation>> = {
    burn: { type: 'burn', amount: 5n, reason: 'deflation', account: SYSTEM_ACCOUNT_IDS.treasury },
    'cancel-listing': { type: 'cancel-listing', listingId: ids.listing },
    confirm: { type: 'confirm', purchaseId: ids.purchase },
    dispute: { type: 'dispute', purchaseId: ids.purchase },
    refund: { type: 'refund', purchaseId: ids.purchase },
    mint: { type: 'mint', amount: 1_000n, reason: 'airdrop', recipient: OUTSIDER.wallet },
    'transfer-from-system': { type: 'transfer-from-system', fromAccount: SYSTEM_ACCOUNT_IDS.treasury, to: OUTSIDER.wallet, amount: 1_000n },
    'create-pool': { type: 'create-pool', name: 'Mine', initialAmount: 1_000n, operator: OUTSIDER.wallet, autoReplenish: null },
    'replenish-pool': { type: 'replenish-pool', poolId: ids.pool, amount: 1_000n },
    'create-schedule': { type: 'create-schedule', recipientType: 'treasury', amountPerInterval: 1n, intervalBlocks: 1n, startBlock: null, durationBlocks: null, poolId: null },
    'cancel-schedule': { type: 'cancel-schedule', scheduleId: ids.schedule },
    slash: { type: 'slash', account: USER.wallet, amount: 1n },
    'resolve-dispute': { type: 'resolve-dispute', purchaseId: ids.purchase, refundBps: 10_000n },
    'set-authority': { type: 'set-authority', keys: [OUTSIDER.hex] },
    'set-validators': { type: 'set-validators', validators: [{ publicKey: namedKey(90).hex, rewardWallet: OUTSIDER.wallet }], activationHeight: 1_000_000n },
    allocate: { type: 'allocate', poolId: ids.pool, amount: 10n, recipient: OUTSIDER.wallet, expiresInBlocks: 10n },
    'release-allocation': { type: 'release-allocation', poolId: ids.pool, allocationId: ids.allocation },
    'cancel-allocation': { type: 'cancel-allocation', poolId: ids.pool, allocationId: ids.allocation },
  };
  const op = ops[type];
  if (op === undefined) throw new Error(`${type} is not privileged`);
  return op;
}

/** The rightful signer of a privileged operation in the rich chain. */
function rightful(type: OperationType): NamedKey {
  const who = WHO[type];
  if (who === 'seller') return USER; // seller of the listing, and of the purchase
  if (who === 'buyer') return DEV;
  if (who === 'authority-or-operator') return USER; // the pool's operator (the authority may too)
  return AUTHORITY_KEY;
}

/** Applies `tx` on a scratch block over the chain's state (the mempool's own check); the error, or null. */
function tryApply(tx: SignedTx): { error: unknown; writes: Map<string, unknown> | null; baseline: Map<string, unknown> } {
  const head = rich.chain.head.header;
  const position = { height: head.height + 1n, timestampMs: head.timestampMs + 1_000n };
  const baseline = new BlockExecution(rich.chain.state, position).finish().writes as Map<string, unknown>;
  const execution = new BlockExecution(rich.chain.state, position);
  try {
    execution.applyTx(toTxInput(tx));
  } catch (error) {
    return { error, writes: null, baseline };
  }
  return { error: null, writes: execution.finish().writes as Map<string, unknown>, baseline };
}

const codeOf = (error: unknown): string | null => (error instanceof TokenError || error instanceof ChainError ? error.code : null);

/** The codes along an error's cause chain (a block's error wraps the failing tx's). */
function causeCodes(error: unknown): (string | null)[] {
  const codes: (string | null)[] = [];
  for (let e: unknown = error; e !== undefined && e !== null && codes.length < 8; e = (e as { cause?: unknown }).cause) codes.push(codeOf(e));
  return codes;
}

describe('who may sign what (docs/protocol.md §13.7)', () => {
  it('the classification covers exactly every operation type and every handler', () => {
    expect(Object.keys(WHO).sort()).toEqual([...OPERATION_TYPES].sort());
    expect(Object.keys(HANDLERS).sort()).toEqual([...OPERATION_TYPES].sort());
  });

  it('every privileged operation signed by a non-authority key is refused Unauthorized (API 403); its rightful signer passes', async () => {
    const refused: Record<string, string> = {};
    const before = { head: toHex(rich.chain.head.hash), mempool: rich.chain.mempool.size };
    for (const type of OPERATION_TYPES.filter((t) => WHO[t] !== 'own')) {
      const op = privileged(type);
      const tx = signAs(OUTSIDER, op);
      const res = await app.inject({ method: 'POST', url: '/v1/txs', headers: { 'content-type': 'application/msgpack' }, payload: Buffer.from(tx.bytes) });
      expect({ type, status: res.statusCode, code: res.json<{ code: string }>().code }).toEqual({ type, status: 403, code: ErrorCode.Unauthorized });
      refused[type] = res.json<{ message: string }>().message;
      // The rightful signer is not refused for who it is (it may fail later for what the op does).
      const own = tryApply(signAs(rightful(type), op));
      expect({ type, code: codeOf(own.error) }).not.toEqual({ type, code: ErrorCode.Unauthorized });
    }
    expect({ head: toHex(rich.chain.head.hash), mempool: rich.chain.mempool.size }).toEqual(before);
    report.refusedPrivileged = Object.keys(refused).length;
    report.privilegedTypes = Object.keys(refused);
  });

  it('a privileged operation of a non-authority key inside a validly signed block makes the block invalid', async () => {
    const { chain } = rich;
    const slot = chain.head.header.slot + 1n;
    const v = VALIDATORS[Number(slot % 3n)]!;
    const empty = (await produceBlock(chain.headParent(), chain.params, slot, { publicKey: v.hex, secretKey: v.secretKey }, [])).block;
    const invalid: string[] = [];
    for (const type of OPERATION_TYPES.filter((t) => WHO[t] !== 'own')) {
      const tx = signAs(OUTSIDER, privileged(type));
      const block = sealBlock({ ...empty.header, txRoot: txRoot([tx]) }, [tx], v.secretKey);
      const err = await chain.importBlock(block, slot).then(() => null, (e: unknown) => e);
      expect(err, type).toBeInstanceOf(ChainError);
      expect((err as ChainError).code, type).toBe('InvalidBlock');
      expect(causeCodes(err), type).toContain(ErrorCode.Unauthorized);
      invalid.push(type);
    }
    expect(await chain.hasBlock(empty.hash)).toBe(false);
    report.invalidBlocks = invalid.length;
  });

  it('a validator key signs nothing but blocks: every operation it signs is Unauthorized', () => {
    for (const type of OPERATION_TYPES) {
      for (const op of SAMPLES[type]) {
        const tx = signAs(VALIDATORS[0]!, op);
        expect({ type, code: codeOf(tryApply(tx).error) }).toEqual({ type, code: ErrorCode.Unauthorized });
      }
    }
  });
});

describe('ownership: a key moves only its own tokens', () => {
  it('there is no from field: an extra source field does not decode, and naming the victim as signer does not verify', async () => {
    const victim = DEV;
    const thief = OUTSIDER;
    // The transfer payload is exactly [to, amount].
    const plain = signAs(thief, { type: 'transfer', to: thief.wallet, amount: 1n });
    const [unsigned] = unpack(plain.bytes, 'tx') as [unknown[], Uint8Array];
    expect((unsigned[4] as unknown[]).length).toBe(2);
    // With a "from" appended (the victim's wallet id as 16 raw bytes), signed properly by the thief.
    const withFrom = [...unsigned.slice(0, 4), [...(unsigned[4] as unknown[]), Buffer.from(victim.wallet.replaceAll('-', ''), 'hex')]];
    const forged = pack([withFrom, signMessage(thief.secretKey, sha256(pack(withFrom)))]);
    expect(() => decodeSignedTx(forged)).toThrowError(expect.objectContaining({ code: 'MalformedBytes' }));
    const viaApi = await app.inject({ method: 'POST', url: '/v1/txs', headers: { 'content-type': 'application/msgpack' }, payload: Buffer.from(forged) });
    expect(viaApi.json()).toMatchObject({ code: 'MalformedBytes' });
    // The victim's key as signer, the thief's signature: refused before any state is read.
    const unsignedVictim = { chainId: CHAIN_ID, signer: victim.hex, nonce: nonceOf(victim), op: { type: 'transfer', to: thief.wallet, amount: 1_000n } as Operation };
    const impersonation = pack([unpack(encodeUnsignedTx(unsignedVictim), 'tx'), signMessage(thief.secretKey, sha256(encodeUnsignedTx(unsignedVictim)))]);
    const refused = await app.inject({ method: 'POST', url: '/v1/txs', headers: { 'content-type': 'application/msgpack' }, payload: Buffer.from(impersonation) });
    expect(refused.json()).toMatchObject({ code: 'InvalidSignature' });
    // A transfer "of the victim's balance" by the thief only ever debits the thief: InsufficientBalance.
    const victimBalance = (rich.chain.state.get(accountKey(victim.wallet)) as Account).balance;
    const grab = tryApply(signAs(thief, { type: 'transfer', to: thief.wallet, amount: victimBalance }));
    expect(codeOf(grab.error)).toBe(ErrorCode.InsufficientBalance);
    report.noFromField = true;
  });

  it(`random operations of every type by non-authority keys (${CASES} cases): no other account loses tokens, privileged ones only by their rightful signer`, () => {
    const rng = new Rng(Rng.fromEnv('DCHAT_FUZZ_SEED', 1).seed + 501);
    const { ids } = rich;
    const wallets = [DEV.wallet, USER.wallet, OUTSIDER.wallet, AUTHORITY_KEY.wallet, ...Object.values(SYSTEM_ACCOUNT_IDS), randomUUID()];
    const pools = [ids.pool, ...((rich.chain.state.get('meta:pools') as string[]) ?? []), randomUUID()];
    const idPool = [...wallets, ...pools, ids.allocation, ids.listing, ids.purchase, ids.schedule, randomUUID()];
    const signers = [DEV, USER, OUTSIDER];
    const outcomes: Record<string, number> = {};
    const amount = (): bigint => rng.pick([0n, 1n, 10n, 1_000n, 100_000n, 5_000_000n, rng.u64()]);
    /** Every id field gets an id from state (any kind), every amount an edge or a plain value. */
    const randomize = (op: Operation): Operation => Object.fromEntries(Object.entries(op).map(([k, v]) => {
      if (k === 'type') return [k, v];
      if (typeof v === 'string' && /^[0-9a-f-]{36}$/.test(v)) return [k, rng.chance(0.7) ? rng.pick(idPool) : rng.pick(wallets)];
      if (typeof v === 'bigint') return [k, amount()];
      if (v === null && /account|recipient|operator|poolId/.test(k)) return [k, rng.chance(0.5) ? null : rng.pick(idPool)];
      return [k, v];
    })) as Operation;
    for (let i = 0; i < CASES; i++) {
      const type = rng.pick(OPERATION_TYPES);
      const op = randomize(rng.pick(SAMPLES[type] as readonly Operation[]));
      const signer = rng.pick(signers);
      const { error, writes, baseline } = tryApply(signAs(signer, op));
      const code = codeOf(error);
      if (error !== null && code === null) throw error;
      outcomes[code ?? 'ok'] = (outcomes[code ?? 'ok'] ?? 0) + 1;
      const who = WHO[type];
      if (who === 'authority') expect({ type, code }).toEqual({ type, code: ErrorCode.Unauthorized });
      if (writes === null) continue;
      // It went through: privileged ones only by their rightful party.
      const state = rich.chain.state;
      const o = op as unknown as Record<string, string | null>;
      if (who === 'authority-or-operator') expect((state.get(poolKey(o.poolId!)) as Pool).operator, `${type} by ${signer.wallet}`).toBe(signer.wallet);
      if (type === 'cancel-listing') expect((state.get(listingKey(o.listingId!)) as Listing).seller).toBe(signer.wallet);
      if (type === 'refund') expect((state.get(purchaseKey(o.purchaseId!)) as Purchase).seller).toBe(signer.wallet);
      if (who === 'buyer') expect((state.get(purchaseKey(o.purchaseId!)) as Purchase).buyer).toBe(signer.wallet);
      if (type === 'burn') expect(o.account === null || o.account === signer.wallet).toBe(true);
      // No account but the signer's lost anything, compared with the same block without the tx.
      for (const [key, value] of writes) {
        if (!key.startsWith('account:') || key === accountKey(signer.wallet)) continue;
        const without = baseline.has(key) ? baseline.get(key) : state.get(key);
        const lost = holdingsOf(key, without as Account | undefined) - holdingsOf(key, value as Account | null);
        expect(lost, `${type} by ${signer.wallet} took ${lost} from ${key}: ${JSON.stringify(op, (_k, x: unknown) => (typeof x === 'bigint' ? String(x) : x))}`).toBeLessThanOrEqual(0n);
      }
    }
    expect(outcomes.ok ?? 0, 'some random operations went through').toBeGreaterThan(0);
    expect(outcomes[ErrorCode.Unauthorized] ?? 0).toBeGreaterThan(0);
    report.ownershipCases = CASES;
    report.ownershipOutcomes = outcomes;
  });
});
