/**
 * Issue 12 item 1 (docs/protocol.md §9): every list in state that a user, relay, pool operator or
 * the authority can grow is bounded by a genesis parameter, or is made of keys of its own. Each list
 * is pushed to its bound and one past it (typed refusal, state unchanged); writing one more item
 * costs the same number of keys and bytes whatever the list already holds.
 */
import { describe, expect, it } from 'vitest';
import { encodeStateValue } from '../../../src/chain/codec/state.ts';
import {
  type Account,
  type AuthorityState,
  DEFAULT_PARAMS,
  ErrorCode,
  MemoryState,
  type Operation,
  type StateValue,
  U64_MAX,
  type Uuid,
  type WriteSet,
  accountKey,
  checkBlockInvariants,
  defaultGenesis,
  genesisToJson,
  parseGenesisJson,
  validateGenesis,
} from '../../../src/tokenomics/index.ts';
import { codeOf } from '../../support/error-code.ts';
import { AUTHORITY, TestChain, keyOf, smallGenesis, txErrorCode, walletOf } from './chain-harness.ts';

const SCHEDULE: Operation = { type: 'create-schedule', recipientType: 'treasury', amountPerInterval: 1n, intervalBlocks: 1n, startBlock: null, durationBlocks: null, poolId: null };

const ids = (chain: TestChain, key: string): readonly Uuid[] => (chain.state.get(key) as readonly Uuid[] | undefined) ?? [];

/** Runs a tx that must be refused; returns its code after checking that the state did not move. */
function refusedWithoutChange(chain: TestChain, name: string, op: Operation): string {
  const before = chain.state.sortedEntries();
  const height = chain.height;
  const code = txErrorCode(() => chain.run(name, op));
  expect(chain.state.sortedEntries()).toEqual(before);
  expect(chain.height).toBe(height);
  return code;
}

/** Number of keys and encoded bytes a block wrote (what its LevelDB batch and state root cost). */
function writeCost(writes: WriteSet): { keys: number; bytes: number } {
  let bytes = 0;
  for (const [key, value] of writes) bytes += key.length + (value === null ? 0 : encodeStateValue(key, value).length);
  return { keys: writes.size, bytes };
}

describe('unbonding entries (docs/protocol.md §13.4, max_unbonding_entries)', () => {
  it('defaults to 7 and is a genesis parameter that round-trips through the genesis file', () => {
    expect(DEFAULT_PARAMS.maxUnbondingEntries).toBe(7n);
    const genesis = defaultGenesis({ chainId: 'x', genesisTimeMs: 0n, validators: [{ publicKey: keyOf('v'), rewardWallet: walletOf('v') }], authority: [keyOf(AUTHORITY)] });
    expect(genesis.params.maxUnbondingEntries).toBe(7n);
    const json = genesisToJson(genesis);
    expect((json.params as Record<string, unknown>).max_unbonding_entries).toBe('7');
    expect(parseGenesisJson({ ...json, params: { ...(json.params as object), max_unbonding_entries: '3' } }).params.maxUnbondingEntries).toBe(3n);
  });

  it('holds max entries; one more unstake is refused with TooManyUnbondingEntries and changes nothing', () => {
    const chain = new TestChain(smallGenesis({ balances: { alice: 1_000_000n }, unbondingBlocks: 1_000n }));
    chain.run('alice', { type: 'stake', amount: 100_000n });
    for (let i = 0; i < 7; i++) chain.run('alice', { type: 'unstake', amount: 1n });
    expect(chain.account('alice').unbonding).toHaveLength(7);
    expect(refusedWithoutChange(chain, 'alice', { type: 'unstake', amount: 1n })).toBe(ErrorCode.TooManyUnbondingEntries);
    // Once the oldest entry matures there is room again.
    chain.advance(1_002n - chain.height); // h1002: the entry of the first unstake (block 2) matures
    expect(chain.account('alice').unbonding).toHaveLength(6);
    chain.run('alice', { type: 'unstake', amount: 1n }); // h1003: block 3's entry matures first, then this one is added
    expect(chain.account('alice').unbonding.map((e) => e.deadline)).toEqual([1_004n, 1_005n, 1_006n, 1_007n, 1_008n, 2_003n]);
  });

  it('unstakes of one block join one entry (one deadline, one due object), so they take no extra room', () => {
    const chain = new TestChain(smallGenesis({ balances: { alice: 1_000_000n }, unbondingBlocks: 10n, bounds: { maxUnbondingEntries: 1n } }));
    chain.run('alice', { type: 'stake', amount: 100n }); // h1
    const outcome = chain.block([chain.tx('alice', { type: 'unstake', amount: 1n }), chain.tx('alice', { type: 'unstake', amount: 2n }), chain.tx('alice', { type: 'unstake', amount: 3n })]); // h2
    expect(chain.account('alice').unbonding).toEqual([{ amount: 6n, deadline: 12n }]);
    expect(chain.state.get('deadline-count:00000000000000000012')).toBe(1n);
    expect([...outcome.writes.keys()].filter((k) => k.startsWith('deadline:'))).toEqual(['deadline:00000000000000000012:0000000000']);
    chain.advance(10n);
    expect(chain.account('alice')).toMatchObject({ staked: 94n, unbonding: [] });
  });

  it('an account at the bound costs the same to write as any other: the bytes of a write are bounded, not grown', () => {
    const chain = new TestChain(smallGenesis({ balances: { alice: 1_000_000n, bob: 1_000_000n }, unbondingBlocks: 100_000n }));
    chain.run('alice', { type: 'stake', amount: 100_000n });
    chain.run('bob', { type: 'stake', amount: 100_000n });
    const costs: { keys: number; bytes: number }[] = [];
    for (let i = 0; i < 7; i++) costs.push(writeCost(chain.run('alice', { type: 'unstake', amount: 1n }).writes));
    // Every unstake writes the same keys: the account, one deadline entry and its height's count.
    expect(new Set(costs.map((c) => c.keys)).size).toBe(1);
    // A transfer by an account at the bound writes as many keys as one by an account with no entries.
    const full = writeCost(chain.run('alice', { type: 'transfer', to: walletOf('carol'), amount: 10n }).writes);
    const empty = writeCost(chain.run('bob', { type: 'transfer', to: walletOf('carol'), amount: 10n }).writes);
    expect(full.keys).toBe(empty.keys);
    // The account's encoding at the bound: at most 7 entries of two u64 (9 bytes each, plus a header).
    const account = chain.account('alice');
    const bytes = encodeStateValue(accountKey(walletOf('alice')), account).length;
    const bareBytes = encodeStateValue(accountKey(walletOf('alice')), { ...account, unbonding: [] }).length;
    expect(bytes - bareBytes).toBeLessThanOrEqual(7 * (1 + 9 + 9));
    const worst: Account = { balance: U64_MAX, staked: U64_MAX, pendingRewards: U64_MAX, nonce: U64_MAX, unbonding: Array.from({ length: 7 }, () => ({ amount: U64_MAX, deadline: U64_MAX })) };
    expect(encodeStateValue(accountKey(walletOf('alice')), worst).length).toBeLessThanOrEqual(1 + 4 * 9 + 1 + 7 * 19);
  });

  it('the per-block invariant check reads a long unbonding list entry by entry (no spread: no RangeError)', () => {
    // As if a genesis had lifted the bound: 300,000 entries, past the ~125,000 where a spread overflowed.
    const params = smallGenesis().params;
    const id = walletOf('alice');
    const unbonding = Array.from({ length: 300_000 }, (_, i) => ({ amount: 1n, deadline: BigInt(i + 1) }));
    const account: Account = { balance: 0n, staked: 0n, pendingRewards: 0n, nonce: 0n, unbonding };
    const supply = { totalMinted: 300_000n, totalBurned: 0n, annualProvision: 0n, carry: 0n };
    const before = new MemoryState([['meta:params', params], ['meta:supply', supply], [accountKey(id), account]] as [string, StateValue][]);
    expect(() => checkBlockInvariants(before, { writes: new Map([[accountKey(id), { ...account, nonce: 1n }]]), events: [] })).not.toThrow();
    const broken: Account = { ...account, unbonding: [...unbonding.slice(1), { amount: U64_MAX + 1n, deadline: 1n }] };
    expect(codeOf(() => checkBlockInvariants(before, { writes: new Map([[accountKey(id), broken]]), events: [] }))).toBe(ErrorCode.InvariantViolation);
  });
});

describe('relays (meta:relays, max_relays)', () => {
  it('registers up to max_relays; one more is refused with TooManyRelays; a deregistration makes room', () => {
    const names = ['r0', 'r1', 'r2'];
    const chain = new TestChain(smallGenesis({ balances: Object.fromEntries(names.map((n) => [n, 1_000n])), relayMinStake: 10n, bounds: { maxRelays: 2n } }));
    for (const name of names) chain.run(name, { type: 'stake', amount: 10n });
    chain.run('r0', { type: 'register-relay' });
    chain.run('r1', { type: 'register-relay' });
    expect(refusedWithoutChange(chain, 'r2', { type: 'register-relay' })).toBe(ErrorCode.TooManyRelays);
    chain.run('r0', { type: 'deregister-relay' });
    chain.run('r2', { type: 'register-relay' });
    expect(ids(chain, 'meta:relays')).toEqual([walletOf('r1'), walletOf('r2')]);
  });
});

describe('pools (meta:pools, max_pools)', () => {
  it('creates up to max_pools (genesis pools included); one more is refused with TooManyPools', () => {
    const pools = [{ name: 'Genesis pool', amount: 10n, operator: null, autoReplenish: null }];
    const chain = new TestChain(smallGenesis({ pools, bounds: { maxPools: 2n } }));
    chain.run(AUTHORITY, { type: 'create-pool', name: 'Second', initialAmount: 5n, operator: null, autoReplenish: null });
    expect(ids(chain, 'meta:pools')).toHaveLength(2);
    expect(refusedWithoutChange(chain, AUTHORITY, { type: 'create-pool', name: 'Third', initialAmount: 5n, operator: null, autoReplenish: null })).toBe(ErrorCode.TooManyPools);
  });

  it('a genesis with more pools than max_pools is refused, naming the field', () => {
    const pools = [1, 2].map((i) => ({ name: `P${i}`, amount: 1n, operator: null, autoReplenish: null }));
    expect(() => new TestChain(smallGenesis({ pools, bounds: { maxPools: 1n } }))).toThrow(/genesis pools\[1\]: TooManyPools/);
  });
});

describe('schedules (meta:schedules holds running schedules only, max_schedules)', () => {
  it('creates up to max_schedules running ones; one more is refused; a cancelled one leaves the list and makes room', () => {
    const chain = new TestChain(smallGenesis({ bounds: { maxSchedules: 2n } }));
    chain.run(AUTHORITY, SCHEDULE);
    chain.run(AUTHORITY, SCHEDULE);
    const [first, second] = ids(chain, 'meta:schedules');
    expect(refusedWithoutChange(chain, AUTHORITY, SCHEDULE)).toBe(ErrorCode.TooManySchedules);
    chain.run(AUTHORITY, { type: 'cancel-schedule', scheduleId: first! });
    expect(ids(chain, 'meta:schedules')).toEqual([second]);
    expect(ids(chain, 'meta:retired-schedules')).toEqual([first]);
    expect(chain.schedule(first!)).toMatchObject({ cancelled: true }); // the record stays, for history
    chain.run(AUTHORITY, SCHEDULE);
    expect(ids(chain, 'meta:schedules')).toHaveLength(2);
    // The retired list keeps the newest max_schedules only: bounded too.
    for (const id of ids(chain, 'meta:schedules')) chain.run(AUTHORITY, { type: 'cancel-schedule', scheduleId: id });
    expect(ids(chain, 'meta:schedules')).toEqual([]);
    expect(ids(chain, 'meta:retired-schedules')).toHaveLength(2);
    expect(ids(chain, 'meta:retired-schedules')).not.toContain(first);
  });

  it('a schedule whose duration ends leaves the list after its last run, so it costs no block step afterwards', () => {
    const chain = new TestChain(smallGenesis({ reserve: 1_000n }));
    chain.run(AUTHORITY, { ...SCHEDULE, intervalBlocks: 2n, durationBlocks: 5n } as Operation); // h1: runs at 2, 4, 6
    const [id] = ids(chain, 'meta:schedules');
    chain.advance(4); // h2..h5
    expect(ids(chain, 'meta:schedules')).toEqual([id]);
    const last = chain.block(); // h6: the last run
    expect(chain.schedule(id!)).toMatchObject({ paidTotal: 3n, lastRunHeight: 6n });
    expect(ids(chain, 'meta:schedules')).toEqual([]);
    expect(ids(chain, 'meta:retired-schedules')).toEqual([id]);
    expect(last.writes.get('meta:schedules')).toEqual([]);
    const after = chain.block(); // h7: step 2 has nothing to read or write
    expect([...after.writes.keys()].some((k) => k.startsWith('schedule'))).toBe(false);
  });
});

describe('deadlines per height (deadline:<height>:<index> keys, max_deadlines_per_height)', () => {
  function withPool(max: bigint): { chain: TestChain; poolId: Uuid } {
    const chain = new TestChain(smallGenesis({ bounds: { maxDeadlinesPerHeight: max } }));
    chain.run(AUTHORITY, { type: 'create-pool', name: 'P', initialAmount: 1_000n, operator: null, autoReplenish: null }); // h1
    return { chain, poolId: ids(chain, 'meta:pools')[0]! };
  }
  const allocate = (poolId: Uuid, expiresInBlocks: bigint): Operation => ({ type: 'allocate', poolId, amount: 1n, recipient: walletOf('bob'), expiresInBlocks });

  it('allocations from many blocks aimed at one height fill it to the bound; one more is refused with DeadlineHeightFull', () => {
    const { chain, poolId } = withPool(3n);
    // Blocks 2, 3 and 4 all aim at height 50.
    for (const h of [2n, 3n, 4n]) chain.run(AUTHORITY, allocate(poolId, 50n - h));
    expect(chain.state.get('deadline-count:00000000000000000050')).toBe(3n);
    expect(refusedWithoutChange(chain, AUTHORITY, allocate(poolId, 50n - 5n))).toBe(ErrorCode.DeadlineHeightFull);
    chain.run(AUTHORITY, allocate(poolId, 51n - 5n)); // block 5 again: another height still has room
    // At height 50 the three expire in creation order, then every key of that height is deleted.
    chain.advance(50n - chain.height - 1n);
    const outcome = chain.block();
    const allocations = chain.idsWithPrefix('allocation:').map((id) => chain.allocation(id));
    expect(allocations.filter((a) => a.status === 'expired')).toHaveLength(3);
    expect([...outcome.writes].filter(([k, v]) => k.startsWith('deadline') && v === null).map(([k]) => k).sort()).toEqual([
      'deadline-count:00000000000000000050',
      'deadline:00000000000000000050:0000000000',
      'deadline:00000000000000000050:0000000001',
      'deadline:00000000000000000050:0000000002',
    ]);
    expect(chain.state.keysWithPrefix('deadline:')).toEqual(['deadline:00000000000000000051:0000000000']);
  });

  it('adding the n-th object due at a height writes the same keys, and the same bytes, as the first', () => {
    const { chain, poolId } = withPool(DEFAULT_PARAMS.maxDeadlinesPerHeight);
    const costs: { keys: number; bytes: number }[] = [];
    // 100 blocks, each adding one more allocation due at height 1,000: the deadline keys each one wrote.
    for (let i = 0; i < 100; i++) {
      const { writes } = chain.run(AUTHORITY, allocate(poolId, 1_000n - (chain.height + 1n)));
      costs.push(writeCost(new Map([...writes].filter(([k]) => k.startsWith('deadline')))));
    }
    expect(new Set(costs.map((c) => c.keys))).toEqual(new Set([2]));
    expect(new Set(costs.map((c) => c.bytes)).size).toBe(1);
    expect(chain.state.get('deadline-count:00000000000000001000')).toBe(100n);
  });
});

describe('genesis bounds', () => {
  it.each([
    ['max_unbonding_entries', { maxUnbondingEntries: 0n }],
    ['max_deadlines_per_height', { maxDeadlinesPerHeight: 0n }],
    ['max_relays', { maxRelays: 1_000_001n }],
    ['max_pools', { maxPools: -1n }],
    ['max_schedules', { maxSchedules: 1_000_001n }],
  ])('refuses %s out of range, naming the field', (field, bounds) => {
    const config = smallGenesis({ bounds });
    expect(() => validateGenesis(config)).toThrow(new RegExp(`genesis ${field}:`));
  });

  it('set-authority takes at most 64 keys: 65 are refused and change nothing', () => {
    const chain = new TestChain(smallGenesis());
    const keys = (n: number): string[] => Array.from({ length: n }, (_, i) => keyOf(`a${i}`));
    expect(refusedWithoutChange(chain, AUTHORITY, { type: 'set-authority', keys: keys(65) })).toBe(ErrorCode.InvalidParameter);
    chain.run(AUTHORITY, { type: 'set-authority', keys: keys(64) });
    chain.block();
    expect((chain.state.get('meta:authority') as AuthorityState).keys).toHaveLength(64);
  });

  it('refuses more authority keys than a set may hold', () => {
    const config = smallGenesis();
    const authority = Array.from({ length: 65 }, (_, i) => keyOf(`a${i}`));
    expect(() => validateGenesis({ ...config, authority })).toThrow(/at most 64/);
  });
});
