/**
 * Shared pieces of the codec tests: fixed keys, one or more sample operations per operation type
 * (realistic values, nullable fields both null and set, u64 edge values), a tiny independent msgpack
 * writer for cross-checks, and helpers to classify thrown errors.
 */
import { type KeyPair, keyPairFromSeed, toHex } from '../../../../src/chain/crypto.ts';
import { ChainError } from '../../../../src/chain/errors.ts';
import { type Block, assembleBlock, headerHash } from '../../../../src/chain/codec/block.ts';
import { type SignedTx, encodeSignedTx, txHash } from '../../../../src/chain/codec/tx.ts';
import { type Operation, type OperationType, SYSTEM_ACCOUNT_IDS, walletIdFromPublicKey } from '../../../../src/tokenomics/index.ts';

export interface TestKey extends KeyPair {
  readonly hex: string;
  readonly wallet: string;
}

export function keyFromSeed(seed: Uint8Array): TestKey {
  const pair = keyPairFromSeed(seed);
  const hex = toHex(pair.publicKey);
  return { ...pair, hex, wallet: walletIdFromPublicKey(hex) };
}

/** Seed bytes 0x01..0x20: the key of the pinned vectors. */
export const VECTOR_SEED = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
export const SIGNER = keyFromSeed(VECTOR_SEED);
export const OTHER = keyFromSeed(new Uint8Array(32).fill(0x42));
export const CHAIN_ID = 'dchat-test';

export const U64_EDGES = [0n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 64n - 1n] as const;

const POOL = '3f2b8c1e-6d4a-5b7c-9e0f-1a2b3c4d5e6f';
const ALLOCATION = '7c9e6679-7425-50de-944b-e07fc1f90ae7';
const SCHEDULE = 'b1c2d3e4-f5a6-5b7c-8d9e-0f1a2b3c4d5e';
const LISTING = 'c4a1f2e3-9b8d-5c7e-a6f5-0e1d2c3b4a59';
const PURCHASE = 'd5b2e3f4-0c9e-5d8f-b7a6-1f2e3d4c5b6a';
const USER_WALLET = 'f47ac10b-58cc-4372-a567-0e02b2c3d479';

type Samples = { [T in OperationType]: Extract<Operation, { type: T }>[] };

/**
 * Realistic sample operations, fields written in the declaration order of src/tokenomics/operations.ts
 * (the order docs/protocol.md §1–2 says the payload array follows; `payloadInDeclarationOrder` checks it).
 */
export const SAMPLES: Samples = {
  transfer: [{ type: 'transfer', to: USER_WALLET, amount: 1_000n }],
  burn: [
    { type: 'burn', amount: 250n, reason: 'voluntary', account: null },
    { type: 'burn', amount: 1_000_000n, reason: 'deflation', account: SYSTEM_ACCOUNT_IDS.treasury },
  ],
  'claim-rewards': [{ type: 'claim-rewards' }],
  mint: [
    { type: 'mint', amount: 5_000_000n, reason: 'airdrop', recipient: null },
    { type: 'mint', amount: 42n, reason: 'relay-reward', recipient: USER_WALLET },
  ],
  'transfer-from-system': [{ type: 'transfer-from-system', fromAccount: SYSTEM_ACCOUNT_IDS['dev-fund'], to: USER_WALLET, amount: 75_000n }],
  'create-pool': [
    { type: 'create-pool', name: 'Marketplace', initialAmount: 10_000_000_000n, operator: null, autoReplenish: null },
    { type: 'create-pool', name: 'Relais été ☕ — 2026', initialAmount: 0n, operator: USER_WALLET, autoReplenish: { below: 1_000n, upTo: 50_000n } },
    { type: 'create-pool', name: 'x'.repeat(256), initialAmount: 1n, operator: USER_WALLET, autoReplenish: null },
    { type: 'create-pool', name: '', initialAmount: 1n, operator: null, autoReplenish: { below: 0n, upTo: 0n } },
  ],
  'replenish-pool': [{ type: 'replenish-pool', poolId: POOL, amount: 300_000n }],
  allocate: [
    { type: 'allocate', poolId: POOL, amount: 12_345n, recipient: USER_WALLET, expiresInBlocks: null },
    { type: 'allocate', poolId: POOL, amount: 12_345n, recipient: USER_WALLET, expiresInBlocks: 100_800n },
  ],
  'release-allocation': [{ type: 'release-allocation', poolId: POOL, allocationId: ALLOCATION }],
  'cancel-allocation': [{ type: 'cancel-allocation', poolId: POOL, allocationId: ALLOCATION }],
  'create-schedule': [
    { type: 'create-schedule', recipientType: 'treasury', amountPerInterval: 1_000n, intervalBlocks: 600n, startBlock: null, durationBlocks: null, poolId: null },
    { type: 'create-schedule', recipientType: 'marketplace-liquidity', amountPerInterval: 5_000n, intervalBlocks: 14_400n, startBlock: 1_000n, durationBlocks: 5_256_000n, poolId: POOL },
  ],
  'cancel-schedule': [{ type: 'cancel-schedule', scheduleId: SCHEDULE }],
  'set-authority': [
    { type: 'set-authority', keys: [] },
    { type: 'set-authority', keys: [SIGNER.hex, OTHER.hex] },
    { type: 'set-authority', keys: Array.from({ length: 64 }, (_, i) => (i + 1).toString(16).padStart(64, '0')) },
  ],
  stake: [{ type: 'stake', amount: 100_000n }],
  unstake: [{ type: 'unstake', amount: 25_000n }],
  'register-relay': [{ type: 'register-relay' }],
  'deregister-relay': [{ type: 'deregister-relay' }],
  slash: [{ type: 'slash', account: USER_WALLET, amount: 10_000n }],
  'create-listing': [
    { type: 'create-listing', title: 'Sticker pack: cats 🐈', price: 150n, quantity: 20n },
    { type: 'create-listing', title: '', price: 1n, quantity: 1n },
  ],
  'cancel-listing': [{ type: 'cancel-listing', listingId: LISTING }],
  buy: [{ type: 'buy', listingId: LISTING, quantity: 3n }],
  confirm: [{ type: 'confirm', purchaseId: PURCHASE }],
  refund: [{ type: 'refund', purchaseId: PURCHASE }],
  dispute: [{ type: 'dispute', purchaseId: PURCHASE }],
  'resolve-dispute': [{ type: 'resolve-dispute', purchaseId: PURCHASE, refundBps: 5_000n }],
  'submit-proposal': [
    { type: 'submit-proposal', kind: 'param-change', payload: { name: 'burn_rate_bps', value: 200n }, title: 'Burn 2 %', deposit: 10_000_000n },
    { type: 'submit-proposal', kind: 'treasury-spend', payload: { fromAccount: SYSTEM_ACCOUNT_IDS.treasury, to: USER_WALLET, amount: 5_000n }, title: 'Grant', deposit: 1n },
    { type: 'submit-proposal', kind: 'deflation-burn', payload: { fromAccount: SYSTEM_ACCOUNT_IDS.reserve, amount: 9n }, title: 'Burn', deposit: 1n },
    { type: 'submit-proposal', kind: 'create-schedule', payload: { recipientType: 'stakers', amountPerInterval: 100n, intervalBlocks: 10n, startBlock: null, durationBlocks: 1_000n, poolId: null }, title: 'Stakers', deposit: 1n },
    { type: 'submit-proposal', kind: 'cancel-schedule', payload: { scheduleId: SCHEDULE }, title: 'Stop', deposit: 1n },
    { type: 'submit-proposal', kind: 'set-validators', payload: { validators: [{ publicKey: OTHER.hex, rewardWallet: USER_WALLET }], activationHeight: 500n }, title: 'New set', deposit: 1n },
    { type: 'submit-proposal', kind: 'set-authority', payload: { keys: [] }, title: 'Retire the authority', deposit: 1n },
  ],
  deposit: [{ type: 'deposit', proposalId: SCHEDULE, amount: 1_000n }],
  vote: [
    { type: 'vote', proposalId: SCHEDULE, option: 'yes' },
    { type: 'vote', proposalId: SCHEDULE, option: 'veto' },
  ],
  'set-validators': [{ type: 'set-validators', validators: [{ publicKey: SIGNER.hex, rewardWallet: USER_WALLET }, { publicKey: OTHER.hex, rewardWallet: USER_WALLET }], activationHeight: 1_000n }],
};

/** The same operation with every u64 field (nested ones included) set to `value`. */
export function withEveryU64(op: Operation, value: bigint): Operation {
  const map = (v: unknown): unknown => {
    if (typeof v === 'bigint') return value;
    if (Array.isArray(v) || v === null || typeof v !== 'object') return v;
    return Object.fromEntries(Object.entries(v).map(([k, inner]) => [k, map(inner)]));
  };
  return map(op) as Operation;
}

export function hasU64(op: Operation): boolean {
  const any = (v: unknown): boolean =>
    typeof v === 'bigint' || (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.values(v).some(any));
  return any(op);
}

/** Every sample of a type, plus its u64-edge variants (each with the nullable fields of the last sample). */
export function variantsOf(type: OperationType): { name: string; op: Operation }[] {
  const base = SAMPLES[type] as Operation[];
  const out = base.map((op, i) => ({ name: `sample ${i}`, op }));
  const last = base[base.length - 1];
  if (last !== undefined && hasU64(last)) {
    for (const edge of U64_EDGES) out.push({ name: `every u64 = ${edge}`, op: withEveryU64(last, edge) });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// A tiny msgpack writer, independent of msgpackr and of the codec DSL, following docs/protocol.md §1–2 literally:
// smallest form of each type, unsigned integers as msgpack uint formats, binaries as bin.

export type Mp = null | boolean | bigint | string | Uint8Array | Mp[];

const hexOf = (n: bigint | number, bytes: number): string => BigInt(n).toString(16).padStart(bytes * 2, '0');

export function mp(value: Mp): string {
  if (value === null) return 'c0';
  if (value === true) return 'c3';
  if (value === false) return 'c2';
  if (typeof value === 'bigint') {
    if (value < 0n) throw new Error('unsigned only');
    if (value < 128n) return hexOf(value, 1);
    if (value < 256n) return `cc${hexOf(value, 1)}`;
    if (value < 65_536n) return `cd${hexOf(value, 2)}`;
    if (value < 2n ** 32n) return `ce${hexOf(value, 4)}`;
    return `cf${hexOf(value, 8)}`;
  }
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    const n = bytes.length;
    const head = n < 32 ? hexOf(0xa0 | n, 1) : n < 256 ? `d9${hexOf(n, 1)}` : n < 65_536 ? `da${hexOf(n, 2)}` : `db${hexOf(n, 4)}`;
    return head + bytes.toString('hex');
  }
  if (value instanceof Uint8Array) {
    const n = value.length;
    const head = n < 256 ? `c4${hexOf(n, 1)}` : n < 65_536 ? `c5${hexOf(n, 2)}` : `c6${hexOf(n, 4)}`;
    return head + Buffer.from(value).toString('hex');
  }
  const n = value.length;
  const head = n < 16 ? hexOf(0x90 | n, 1) : n < 65_536 ? `dc${hexOf(n, 2)}` : `dd${hexOf(n, 4)}`;
  return head + value.map(mp).join('');
}

export const uuidBytes = (id: string): Uint8Array => Uint8Array.from(Buffer.from(id.replace(/-/g, ''), 'hex'));
export const hexBytes = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex, 'hex'));

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const KEY_RE = /^[0-9a-f]{64}$/;

/**
 * An operation's payload as docs/protocol.md §1–2 describes it, built without the codec: its fields in declaration
 * order (as written in SAMPLES), ids as 16 bytes, keys as 32 bytes, records as arrays.
 */
export function payloadInDeclarationOrder(op: Operation): Mp {
  const field = (v: unknown): Mp => {
    if (v === null || typeof v === 'bigint' || typeof v === 'boolean') return v;
    if (typeof v === 'string') return UUID_RE.test(v) ? uuidBytes(v) : KEY_RE.test(v) ? hexBytes(v) : v;
    if (Array.isArray(v)) return v.map(field);
    return Object.values(v as object).map(field);
  };
  return Object.entries(op)
    .filter(([k]) => k !== 'type')
    .map(([, v]) => field(v));
}

// ---------------------------------------------------------------------------------------------

/** The ChainError code `fn` throws; fails the test on success or on any other error type. */
export function chainErrorCode(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ChainError) return err.code;
    throw new Error(`expected a ChainError, got ${err instanceof Error ? `${err.constructor.name}: ${err.message}` : String(err)}`);
  }
  throw new Error('expected a ChainError, but nothing was thrown');
}

/** What `fn` threw: 'ok', a ChainError code, or the name of another error type. */
export function outcomeOf(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (err) {
    if (err instanceof ChainError) return err.code;
    return err instanceof Error ? err.constructor.name : typeof err;
  }
}

export const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

export function flipByte(bytes: Uint8Array, index: number, mask: number): Uint8Array {
  const copy = Uint8Array.from(bytes);
  copy[index] = (copy[index] ?? 0) ^ mask;
  return copy;
}

// ---------------------------------------------------------------------------------------------
// Decoded values encoded again from scratch (never from the bytes a decoder kept), with their
// hashes: the decoders hash and keep the input ranges they read, so "whatever decodes is canonical"
// is checked by comparing the input with these.

export function reencodeTx(signed: SignedTx): { bytes: string; hash: string } {
  return { bytes: toHex(encodeSignedTx(signed.tx, signed.signature)), hash: toHex(txHash(signed.tx)) };
}

export function reencodeBlock(block: Block): { bytes: string; hash: string; txHashes: string[] } {
  const txs = block.txs.map((t) => ({ ...t, bytes: encodeSignedTx(t.tx, t.signature) }));
  return {
    bytes: toHex(assembleBlock(block.header, txs, block.signature).bytes),
    hash: toHex(headerHash(block.header)),
    txHashes: block.txs.map((t) => toHex(txHash(t.tx))),
  };
}

/** Throws unless `decoded` is exactly what encoding its values again gives (bytes and hashes). */
export function expectCanonicalTx(signed: SignedTx, input: Uint8Array): void {
  const again = reencodeTx(signed);
  if (again.bytes !== toHex(input)) throw new Error(`decoded a non-canonical tx: ${toHex(input)}`);
  if (again.hash !== toHex(signed.hash)) throw new Error('the decoded tx hash is not the hash of its unsigned encoding');
}

export function expectCanonicalBlock(block: Block, input: Uint8Array): void {
  const again = reencodeBlock(block);
  if (again.bytes !== toHex(input)) throw new Error(`decoded a non-canonical block: ${toHex(input).slice(0, 200)}`);
  if (again.hash !== toHex(block.hash)) throw new Error('the decoded block hash is not the hash of its header encoding');
  if (again.txHashes.join() !== block.txs.map((t) => toHex(t.hash)).join()) throw new Error('a decoded tx hash is not the hash of its unsigned encoding');
}
