/**
 * State values, the state root and history events (docs/protocol.md §7, §8, §11): every key of a real genesis state and
 * of the states after a few real blocks (pools, allocations, schedules, stakes, relays, listings,
 * purchases, deadlines) round-trips through its codec; the state root is SHA-256(parent ||
 * pack(sorted [[key, value | nil]...])), independent of insertion order and sensitive to any value;
 * mint, burn and distribution events from those blocks round-trip too.
 */
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeEvent, encodeEvent } from '../../../../src/chain/codec/events.ts';
import { pack, unpack } from '../../../../src/chain/codec/msgpack.ts';
import { decodeStateValue, encodeStateValue, stateKeyBytes } from '../../../../src/chain/codec/state.ts';
import { treeWrites } from '../../../../src/chain/chain-tree.ts';
import { EMPTY_ROOT, MemoryNodeStore, type TreeRoot, applyWrites, buildTree } from '../../../../src/chain/state-tree/index.ts';
import { referenceRoot } from '../state-tree/tree-fixture.ts';
import { ChainErrorCode } from '../../../../src/chain/errors.ts';
import {
  type Allocation,
  type BlockOutcome,
  type MemoryState,
  type Operation,
  type StateValue,
  type TokenEvent,
  type TxInput,
  type Uuid,
  type WriteSet,
  ALLOCATION_PREFIX,
  LISTING_PREFIX,
  META_POOLS,
  META_SCHEDULES,
  PURCHASE_PREFIX,
  PROPOSAL_PREFIX,
  type Proposal,
  SYSTEM_ACCOUNT_IDS,
  applyBlock,
  buildGenesisState,
  defaultGenesis,
} from '../../../../src/tokenomics/index.ts';
import { chainErrorCode, hex, keyFromSeed } from './codec-fixture.ts';

const VALIDATOR = keyFromSeed(new Uint8Array(32).fill(0x01));
const AUTH = keyFromSeed(new Uint8Array(32).fill(0x09));
const AUTH2 = keyFromSeed(new Uint8Array(32).fill(0x0a));
const DEV = keyFromSeed(new Uint8Array(32).fill(0x0b));
const USER = keyFromSeed(new Uint8Array(32).fill(0x0c));
const GENESIS_TIME = 1_767_225_600_000n;

const config = defaultGenesis({
  chainId: 'dchat-test',
  genesisTimeMs: GENESIS_TIME,
  validators: [{ publicKey: VALIDATOR.hex, rewardWallet: DEV.wallet }],
  authority: [AUTH.hex],
  // Short deadlines so unbonding and escrow mature inside the test.
  params: { unbondingBlocks: 3n, escrowTimeoutBlocks: 3n },
});

// ---- a short real chain -----------------------------------------------------------------------

interface Step {
  readonly height: bigint;
  readonly outcome: BlockOutcome;
  /** The committed state after the block (a snapshot). */
  readonly state: MemoryState;
}

const genesis = buildGenesisState(config);
const steps: Step[] = [];
let state = genesis.state.clone();
const nonces = new Map<string, bigint>();

function block(makeTxs: (s: MemoryState) => [{ hex: string }, Operation][]): Step {
  const height = BigInt(steps.length + 1);
  const txs: TxInput[] = makeTxs(state).map(([key, op], i) => {
    const nonce = nonces.get(key.hex) ?? 0n;
    nonces.set(key.hex, nonce + 1n);
    return { hash: createHash('sha256').update(`tx:${height}:${i}`).digest('hex'), signer: key.hex, nonce, op };
  });
  const outcome = applyBlock(state, { height, timestampMs: GENESIS_TIME + height * 6_000n }, txs);
  const next = state.clone();
  next.commit(outcome.writes);
  const step: Step = { height, outcome, state: next };
  steps.push(step);
  state = next;
  return step;
}

const ids = (s: MemoryState, prefix: string): Uuid[] => s.keysWithPrefix(prefix).map((k) => k.slice(prefix.length));
const pools = (s: MemoryState) => s.get(META_POOLS) as readonly Uuid[];
const MARKET = pools(genesis.state)[0]!;
const withStatus = (s: MemoryState, status: string): Uuid => ids(s, PROPOSAL_PREFIX).find((id) => (s.get(PROPOSAL_PREFIX + id) as Proposal).status === status)!;
/** The voting proposal whose period ends last. */
const voting = (s: MemoryState): Uuid =>
  ids(s, PROPOSAL_PREFIX)
    .map((id) => s.get(PROPOSAL_PREFIX + id) as Proposal)
    .filter((p) => p.status === 'voting')
    .sort((a, b) => (a.votingEnd! < b.votingEnd! ? 1 : -1))[0]!.id;
const inDeposit = (s: MemoryState): Uuid => withStatus(s, 'deposit');

block(() => [
  [AUTH, { type: 'create-pool', name: 'Relay bonus', initialAmount: 500_000n, operator: DEV.wallet, autoReplenish: { below: 400_000n, upTo: 600_000n } }],
  [AUTH, { type: 'allocate', poolId: MARKET, amount: 10_000n, recipient: USER.wallet, expiresInBlocks: 2n }],
  [AUTH, { type: 'allocate', poolId: MARKET, amount: 20_000n, recipient: USER.wallet, expiresInBlocks: null }],
  [AUTH, { type: 'create-schedule', recipientType: 'treasury', amountPerInterval: 100n, intervalBlocks: 1n, startBlock: null, durationBlocks: 10n, poolId: null }],
  [AUTH, { type: 'create-schedule', recipientType: 'marketplace-liquidity', amountPerInterval: 50n, intervalBlocks: 2n, startBlock: 2n, durationBlocks: null, poolId: null }],
  [AUTH, { type: 'create-schedule', recipientType: 'validators', amountPerInterval: 200n, intervalBlocks: 1n, startBlock: null, durationBlocks: null, poolId: null }],
  [AUTH, { type: 'mint', amount: 1_000_000n, reason: 'airdrop', recipient: USER.wallet }],
  [DEV, { type: 'transfer', to: USER.wallet, amount: 5_000_000n }],
  [DEV, { type: 'stake', amount: 200_000n }],
  [DEV, { type: 'create-listing', title: 'Sticker pack', price: 100n, quantity: 10n }],
  // Governance (docs/protocol.md §17): a proposal that enters voting at once, a stakers schedule, a pending validator set.
  [DEV, { type: 'submit-proposal', kind: 'param-change', payload: { name: 'burn_rate_bps', value: 200n }, title: 'Burn 2 %', deposit: 10_000_000n }],
  [AUTH, { type: 'create-schedule', recipientType: 'stakers', amountPerInterval: 7n, intervalBlocks: 1n, startBlock: null, durationBlocks: null, poolId: null }],
  [AUTH, { type: 'set-validators', validators: [{ publicKey: VALIDATOR.hex, rewardWallet: DEV.wallet }, { publicKey: AUTH2.hex.replace(/^../, 'ee'), rewardWallet: USER.wallet }], activationHeight: 100n }],
]);

block((s) => {
  const pending = ids(s, ALLOCATION_PREFIX).map((id) => s.get(ALLOCATION_PREFIX + id) as Allocation);
  const forever = pending.find((a) => a.amount === 20_000n)!;
  const listing = ids(s, LISTING_PREFIX)[0]!;
  return [
    [AUTH, { type: 'release-allocation', poolId: MARKET, allocationId: forever.id }],
    [DEV, { type: 'allocate', poolId: pools(s)[1]!, amount: 450_000n, recipient: USER.wallet, expiresInBlocks: 10n }],
    [USER, { type: 'buy', listingId: listing, quantity: 2n }],
    [USER, { type: 'buy', listingId: listing, quantity: 1n }],
    [DEV, { type: 'vote', proposalId: ids(s, PROPOSAL_PREFIX)[0]!, option: 'yes' }],
    [USER, { type: 'submit-proposal', kind: 'treasury-spend', payload: { fromAccount: SYSTEM_ACCOUNT_IDS.treasury, to: USER.wallet, amount: 5n }, title: 'Grant', deposit: 2_500_000n }],
    [DEV, { type: 'unstake', amount: 50_000n }],
    [USER, { type: 'burn', amount: 10n, reason: 'voluntary', account: null }],
    [AUTH, { type: 'burn', amount: 100n, reason: 'deflation', account: SYSTEM_ACCOUNT_IDS.treasury }],
    [AUTH, { type: 'transfer-from-system', fromAccount: SYSTEM_ACCOUNT_IDS.airdrop, to: USER.wallet, amount: 1_000n }],
    [DEV, { type: 'register-relay' }],
  ];
});

block((s) => {
  const purchases = ids(s, PURCHASE_PREFIX);
  const listing = ids(s, LISTING_PREFIX)[0]!;
  const schedules = s.get(META_SCHEDULES) as readonly Uuid[];
  return [
    [USER, { type: 'confirm', purchaseId: purchases[0]! }],
    [USER, { type: 'dispute', purchaseId: purchases[1]! }],
    [USER, { type: 'buy', listingId: listing, quantity: 3n }],
    [DEV, { type: 'cancel-listing', listingId: listing }],
    [AUTH, { type: 'cancel-schedule', scheduleId: schedules[0]! }],
    [AUTH, { type: 'replenish-pool', poolId: MARKET, amount: 1_000n }],
    [AUTH, { type: 'set-authority', keys: [AUTH.hex, AUTH2.hex] }],
    [DEV, { type: 'vote', proposalId: voting(s), option: 'no' }],
    [DEV, { type: 'deposit', proposalId: inDeposit(s), amount: 7_500_000n }],
  ];
});

block((s) => {
  const disputed = ids(s, PURCHASE_PREFIX).find((id) => (s.get(PURCHASE_PREFIX + id) as { status: string }).status === 'disputed')!;
  return [
    [DEV, { type: 'claim-rewards' }],
    [DEV, { type: 'vote', proposalId: voting(s), option: 'veto' }],
    [AUTH2, { type: 'resolve-dispute', purchaseId: disputed, refundBps: 2_500n }],
    [AUTH, { type: 'slash', account: DEV.wallet, amount: 1_000n }],
    [DEV, { type: 'deregister-relay' }],
  ];
});

block(() => []);
block(() => [[DEV, { type: 'transfer', to: USER.wallet, amount: 2n ** 32n }]]);

const allEvents: TokenEvent[] = [...genesis.events, ...steps.flatMap((s) => s.outcome.events)];
const states: [string, MemoryState][] = [['genesis', genesis.state], ...steps.map((s): [string, MemoryState] => [`height ${s.height}`, s.state])];

// ---- helpers ----------------------------------------------------------------------------------

/** A value with one field changed: the first u64 bumped, else a list shortened, else a string changed. */
function perturb(value: unknown): unknown {
  if (typeof value === 'bigint') return value === 2n ** 64n - 1n ? value - 1n : value + 1n;
  if (typeof value === 'boolean') return !value;
  if (typeof value === 'string') return /^[0-9a-f-]+$/.test(value) ? value.slice(0, -1) + (value.endsWith('0') ? '1' : '0') : `${value}x`;
  if (value === null) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const changed = perturb(value[i]);
      if (changed !== undefined) return value.map((v, j) => (j === i ? changed : v));
    }
    return undefined;
  }
  if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const changed = perturb(v);
      if (changed !== undefined) return { ...value, [k]: changed };
    }
  }
  return undefined;
}

/** The whole state's (key bytes, encoded value) pairs: the set the state root is the root of (docs/protocol.md §7, §18.3). */
function stateSet(st: MemoryState): Map<string, Uint8Array> {
  return new Map(st.sortedEntries().map(([key, value]) => [Buffer.from(stateKeyBytes(key)).toString('latin1'), encodeStateValue(key, value)]));
}

/** A deterministic shuffle. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let x = seed;
  for (let i = out.length - 1; i > 0; i--) {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    const j = x % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

// ---- the tests --------------------------------------------------------------------------------

describe('the test chain', () => {
  it('covers every kind of state key and a deletion', () => {
    const last = steps[steps.length - 1]!.state;
    const prefixes = new Set(last.sortedEntries().map(([k]) => k.slice(0, k.indexOf(':') + 1)));
    const metaKeys = last.sortedEntries().map(([k]) => k).filter((k) => k.startsWith('meta:'));
    expect([...prefixes].sort()).toEqual([
      'account:', 'allocation:', 'deadline-count:', 'deadline:', 'listing:', 'meta:', 'pool:', 'proposal:', 'purchase:', 'schedule:', 'stake-entry:', 'vote:', 'voter:',
    ]);
    expect(metaKeys).toEqual([
      'meta:authority', 'meta:head', 'meta:params', 'meta:pending-validators', 'meta:pools', 'meta:proposals', 'meta:relays', 'meta:retired-schedules',
      'meta:schedules', 'meta:staking', 'meta:supply', 'meta:validators',
    ]);
    const deletions = steps.flatMap((s) => [...s.outcome.writes].filter(([, v]) => v === null).map(([k]) => k));
    expect(deletions.length).toBeGreaterThan(0);
    // Step 3 deletes a height's entries and its count once it ran them (docs/protocol.md §8.3); a
    // claim deletes the voter index it settled (§17.5).
    expect(deletions.every((k) => k.startsWith('deadline:') || k.startsWith('deadline-count:') || k.startsWith('voter:'))).toBe(true);
    expect(deletions.some((k) => k.startsWith('voter:'))).toBe(true);
  });
});

describe.each(states)('every state key round-trips (%s)', (_name, s) => {
  it('decode(encode(value)) equals the value, and re-encodes to the same bytes', () => {
    const entries = s.sortedEntries();
    expect(entries.length).toBeGreaterThan(10);
    for (const [key, value] of entries) {
      const bytes = encodeStateValue(key, value);
      const decoded = decodeStateValue(key, bytes);
      expect(decoded, key).toEqual(value);
      expect(hex(encodeStateValue(key, decoded)), key).toBe(hex(bytes));
    }
  });
});

describe('state values', () => {
  it('are arrays in field order, ids as 16 bytes, keys as 32 bytes', () => {
    const account = unpack(encodeStateValue(`account:${DEV.wallet}`, steps[1]!.state.get(`account:${DEV.wallet}`)!), 'test') as unknown[];
    expect(account).toHaveLength(5); // balance, staked, unbonding, pending_rewards, nonce
    expect(account[2]).toEqual([[50_000, 5]]); // one unbonding entry [amount, deadline]
    const validators = unpack(encodeStateValue('meta:validators', genesis.state.get('meta:validators')!), 'test') as unknown[][];
    expect(hex(validators[0]![0] as Uint8Array)).toBe(VALIDATOR.hex);
    expect(hex(validators[0]![1] as Uint8Array)).toBe(DEV.wallet.replace(/-/g, ''));
  });

  it('refuse bytes written for another key, an unknown key and malformed bytes (MalformedBytes)', () => {
    const account = encodeStateValue(`account:${DEV.wallet}`, genesis.state.get(`account:${DEV.wallet}`)!);
    expect(chainErrorCode(() => decodeStateValue('meta:head', account))).toBe(ChainErrorCode.MalformedBytes);
    expect(chainErrorCode(() => decodeStateValue(`pool:${MARKET}`, account))).toBe(ChainErrorCode.MalformedBytes);
    expect(chainErrorCode(() => decodeStateValue('unknown:key', account))).toBe(ChainErrorCode.MalformedBytes);
    expect(chainErrorCode(() => encodeStateValue('unknown:key', genesis.state.get('meta:head')!))).toBe(ChainErrorCode.MalformedBytes);
    expect(chainErrorCode(() => decodeStateValue('meta:head', Uint8Array.of(0x92, 0x01)))).toBe(ChainErrorCode.MalformedBytes);
    // A float >= 2^64 is no u64 (it used to decode to a bigint above U64_MAX).
    const f = Buffer.alloc(9);
    f[0] = 0xcb;
    f.writeDoubleBE(2 ** 64, 1);
    expect(chainErrorCode(() => decodeStateValue('meta:head', Buffer.concat([Uint8Array.of(0x92), f, Uint8Array.of(0x01)])))).toBe(ChainErrorCode.MalformedBytes);
  });
});

describe('state keys named like Object.prototype members', () => {
  // Regression: `EXACT[key]` used to find names inherited from Object.prototype, so "constructor"
  // got a function as its codec and threw a TypeError instead of MalformedBytes.
  it.each(['constructor', 'toString', '__proto__'])('the state key %j has no codec (MalformedBytes)', (key) => {
    expect(chainErrorCode(() => decodeStateValue(key, Uint8Array.of(0x90)))).toBe(ChainErrorCode.MalformedBytes);
  });
});

describe('the state root (the tree over the whole state, docs/protocol.md §7, §18)', () => {
  // Block by block, as the chain builds it: each block's writes applied on the tree of the block before.
  const nodes = new MemoryNodeStore();
  const trees: { parent: TreeRoot; root: TreeRoot }[] = [];
  let genesisRoot: TreeRoot = EMPTY_ROOT;
  const update = async (parent: TreeRoot, height: bigint, writes: WriteSet): Promise<TreeRoot> => (await applyWrites(nodes, parent, height, treeWrites(writes))).root;

  beforeAll(async () => {
    genesisRoot = await buildTree(0n, treeWrites(genesis.writes), (puts) => nodes.apply({ version: 0n, root: EMPTY_ROOT, puts, stale: [] }));
    let parent = genesisRoot;
    for (const step of steps) {
      const written = await applyWrites(nodes, parent, step.height, treeWrites(step.outcome.writes));
      nodes.apply(written);
      trees.push({ parent, root: written.root });
      parent = written.root;
    }
  });

  it('genesis: the root of every genesis key and its encoded value, by the definition', () => {
    expect([...genesis.writes.keys()].sort()).toEqual(genesis.state.sortedEntries().map(([k]) => k));
    expect(hex(genesisRoot.hash)).toBe(hex(referenceRoot(stateSet(genesis.state))));
  });

  it('after each block: the root of the whole state then, by the definition (not of the block\'s writes alone)', () => {
    steps.forEach((step, i) => expect(hex(trees[i]!.root.hash), `block ${step.height}`).toBe(hex(referenceRoot(stateSet(step.state)))));
  });

  it('does not depend on the write set insertion order', async () => {
    for (const [i, step] of steps.entries()) {
      const entries = [...step.outcome.writes];
      for (const order of [[...entries].reverse(), shuffled(entries, 1), shuffled(entries, 2)]) {
        expect(hex((await update(trees[i]!.parent, step.height, new Map(order))).hash)).toBe(hex(trees[i]!.root.hash));
      }
    }
  });

  it('changes when any single written value changes or is deleted', async () => {
    let checked = 0;
    for (const [i, step] of steps.entries()) {
      const base = hex(trees[i]!.root.hash);
      const { parent } = trees[i]!;
      for (const [key, value] of step.outcome.writes) {
        if (value === null) continue;
        // An empty id list (meta:relays after the last deregistration) gains an id instead.
        const changed = perturb(value) ?? (Array.isArray(value) && value.length === 0 ? [DEV.wallet] : undefined);
        expect(changed, `no way to perturb ${key}`).toBeDefined();
        expect(hex((await update(parent, step.height, new Map(step.outcome.writes).set(key, changed as StateValue))).hash), key).not.toBe(base);
        expect(hex((await update(parent, step.height, new Map(step.outcome.writes).set(key, null))).hash), key).not.toBe(base);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(50);
  });

  it('of an empty write set is the parent\'s root, and the empty state\'s is 32 zero bytes', async () => {
    expect(hex((await update(trees[0]!.root, 99n, new Map())).hash)).toBe(hex(trees[0]!.root.hash));
    expect(hex(EMPTY_ROOT.hash)).toBe('00'.repeat(32));
  });
});

describe('events', () => {
  it('the chain produced mint, burn and distribution events of many kinds', () => {
    const kinds = new Set(allEvents.map((e) => (e.kind === 'distribution' ? `distribution:${e.recipientType}` : `${e.kind}:${e.reason}`)));
    for (const k of ['mint:genesis', 'mint:inflation', 'mint:airdrop', 'mint:marketplace-liquidity', 'burn:transaction-fee', 'burn:voluntary', 'burn:deflation', 'burn:slash']) {
      expect(kinds, k).toContain(k);
    }
    for (const k of ['distribution:treasury', 'distribution:validators', 'distribution:marketplace', 'distribution:auto-replenish']) expect(kinds, k).toContain(k);
    expect(allEvents.some((e) => e.txHash === null)).toBe(true);
    expect(allEvents.some((e) => e.txHash !== null)).toBe(true);
    expect(allEvents.some((e) => e.kind === 'mint' && e.recipient === null && e.poolId !== null)).toBe(true);
  });

  it.each(['mint', 'burn', 'distribution'] as const)('%s events round-trip through encodeEvent / decodeEvent', (kind) => {
    const events = allEvents.filter((e) => e.kind === kind);
    expect(events.length).toBeGreaterThan(2);
    for (const event of events) {
      const bytes = encodeEvent(event);
      expect(decodeEvent(bytes)).toEqual(event);
      expect(hex(encodeEvent(decodeEvent(bytes)))).toBe(hex(bytes));
      const raw = unpack(bytes, 'test') as unknown[];
      expect(raw[0]).toBe(kind);
      expect(hex(raw[1] as Uint8Array)).toBe(event.id.replace(/-/g, ''));
    }
  });

  it('decodeEvent refuses unknown kinds and malformed events (MalformedBytes)', () => {
    const mint = allEvents.find((e) => e.kind === 'mint')!;
    const raw = unpack(encodeEvent(mint), 'test') as unknown[];
    expect(chainErrorCode(() => decodeEvent(pack(['stake', ...raw.slice(1)])))).toBe(ChainErrorCode.MalformedBytes);
    expect(chainErrorCode(() => decodeEvent(pack(['burn', ...raw.slice(1)])))).toBe(ChainErrorCode.MalformedBytes);
    expect(chainErrorCode(() => decodeEvent(pack(raw.slice(0, -1))))).toBe(ChainErrorCode.MalformedBytes);
    expect(chainErrorCode(() => decodeEvent(pack(raw.map((v, i) => (i === 3 ? 'printing-press' : v)))))).toBe(ChainErrorCode.MalformedBytes);
    expect(chainErrorCode(() => decodeEvent(Uint8Array.of(0xc0)))).toBe(ChainErrorCode.MalformedBytes);
  });

  // Regression: `BY_KIND[kind]` used to find names inherited from Object.prototype, so an event of
  // kind "constructor" reached `codec.dec(...)` and threw a TypeError instead of MalformedBytes.
  it.each(['constructor', 'toString', '__proto__'])('an event of kind %j is refused with MalformedBytes', (kind) => {
    expect(chainErrorCode(() => decodeEvent(pack([kind, 1n, 2n])))).toBe(ChainErrorCode.MalformedBytes);
  });
});
