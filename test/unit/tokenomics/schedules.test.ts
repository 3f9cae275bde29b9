import { describe, expect, it } from 'vitest';
import { ErrorCode, U64_MAX, type CreateScheduleOp, type Schedule, type Uuid, isDue } from '../../../src/tokenomics/index.ts';
import { AUTHORITY, RESERVE, TREASURY, TestChain, eventsOf, smallGenesis, txErrorCode, walletOf } from './chain-harness.ts';
import { EMPTY_ACCOUNT, SYSTEM_ACCOUNT_IDS, accountKey } from '../../../src/tokenomics/index.ts';

type ScheduleSpec = Partial<Omit<CreateScheduleOp, 'type'>> & Pick<CreateScheduleOp, 'recipientType'>;

function createSchedule(chain: TestChain, spec: ScheduleSpec): Uuid {
  chain.run(AUTHORITY, {
    type: 'create-schedule', amountPerInterval: 100n, intervalBlocks: 1n, startBlock: null, durationBlocks: null, poolId: null, ...spec,
  });
  return (chain.state.get('meta:schedules') as readonly Uuid[]).at(-1)!;
}

describe('distribution schedules (docs/protocol.md §13.2)', () => {
  it('is due exactly at start + k * interval and never at or after start + duration', () => {
    const chain = new TestChain(smallGenesis({ reserve: 1_000_000n }));
    const id = createSchedule(chain, { recipientType: 'treasury', amountPerInterval: 7n, intervalBlocks: 5n, startBlock: 10n, durationBlocks: 16n });
    const paidAt: bigint[] = [];
    let last = chain.balance(TREASURY);
    for (let h = 2n; h <= 40n; h++) {
      chain.block();
      const now = chain.balance(TREASURY);
      if (now !== last) paidAt.push(h);
      last = now;
    }
    expect(paidAt).toEqual([10n, 15n, 20n, 25n]); // 30 = start + duration is excluded
    expect(chain.schedule(id)).toMatchObject({ paidTotal: 28n, shortfallTotal: 0n, lastRunHeight: 25n });
  });

  it('isDue matches the rule for a perpetual schedule', () => {
    const s = { cancelled: false, startBlock: 3n, intervalBlocks: 4n, durationBlocks: null } as unknown as Schedule;
    const due = [...Array(20).keys()].map(BigInt).filter((h) => isDue(s, h));
    expect(due).toEqual([3n, 7n, 11n, 15n, 19n]);
  });

  it('pays what the reserve holds and records the shortfall, never minting it or repaying it later', () => {
    const chain = new TestChain(smallGenesis({ reserve: 250n }));
    const id = createSchedule(chain, { recipientType: 'dev-fund', amountPerInterval: 100n, intervalBlocks: 1n });
    const minted = chain.supply().totalMinted;
    chain.advance(4); // heights 2..5: 100, 100, 50, 0
    expect(chain.balance(SYSTEM_ACCOUNT_IDS['dev-fund'])).toBe(250n);
    expect(chain.balance(RESERVE)).toBe(0n);
    expect(chain.schedule(id)).toMatchObject({ paidTotal: 250n, shortfallTotal: 150n });
    expect(chain.supply().totalMinted).toBe(minted);
    chain.run(AUTHORITY, { type: 'transfer-from-system', fromAccount: TREASURY, to: RESERVE, amount: 1_000n }); // h6 runs first: reserve empty
    chain.block(); // h7: reserve 990 -> pays 100, nothing of the old shortfall
    expect(chain.balance(SYSTEM_ACCOUNT_IDS['dev-fund'])).toBe(350n);
    expect(chain.schedule(id)).toMatchObject({ paidTotal: 350n, shortfallTotal: 250n });
  });

  it('a huge shortfall saturates at u64 instead of making every later block impossible', () => {
    const chain = new TestChain(smallGenesis({ reserve: 0n }));
    const id = createSchedule(chain, { recipientType: 'treasury', amountPerInterval: U64_MAX });
    chain.advance(3); // the second run would pass u64
    expect(chain.schedule(id)).toMatchObject({ shortfallTotal: U64_MAX, paidTotal: 0n, lastRunHeight: 4n });
    chain.run(AUTHORITY, { type: 'cancel-schedule', scheduleId: id });
    expect(chain.schedule(id).cancelled).toBe(true);
  });

  it('splits equally between validators into pending rewards; the remainder stays in the reserve', () => {
    const chain = new TestChain(smallGenesis({ reserve: 1_000n, validators: ['v1', 'v2', 'v3'] }));
    createSchedule(chain, { recipientType: 'validators', amountPerInterval: 100n, intervalBlocks: 1n, durationBlocks: 1n });
    const out = chain.block(); // h2
    for (const v of ['v1', 'v2', 'v3']) expect(chain.account(`${v}-rewards`)).toMatchObject({ balance: 0n, pendingRewards: 33n });
    expect(chain.balance(RESERVE)).toBe(901n);
    expect(eventsOf(out.events, 'distribution').map((e) => [e.recipient, e.amount])).toEqual(
      ['v1', 'v2', 'v3'].map((v) => [walletOf(`${v}-rewards`), 33n]),
    );
  });

  it('relays are paid only when registered with at least relay_min_stake (none registered: nothing moves)', () => {
    const chain = new TestChain(smallGenesis({ reserve: 1_000n }));
    const id = createSchedule(chain, { recipientType: 'relays', amountPerInterval: 100n });
    chain.advance(3);
    expect(chain.balance(RESERVE)).toBe(1_000n);
    expect(chain.schedule(id)).toMatchObject({ paidTotal: 0n, shortfallTotal: 0n });
  });

  it('splits relay payouts between registered relays whose stake reaches relay_min_stake', () => {
    const chain = new TestChain(smallGenesis({ reserve: 1_000_000n }));
    const id = createSchedule(chain, { recipientType: 'relays', amountPerInterval: 1_001n, durationBlocks: 1n, startBlock: 3n });
    // Relay registration arrives with staking (a later issue): seed the registry directly, moving
    // the stakes out of the reserve so the supply still adds up.
    const stakes: [string, bigint][] = [['r1', 100_000n], ['r2', 99_999n], ['r3', 250_000n]];
    const writes = new Map<string, unknown>([['meta:relays', stakes.map(([n]) => walletOf(n))]]);
    for (const [name, staked] of stakes) {
      writes.set(accountKey(walletOf(name)), { ...EMPTY_ACCOUNT, staked });
      writes.set(`stake-entry:${walletOf(name)}`, 0n);
    }
    const reserve = chain.account(RESERVE);
    const staked = stakes.reduce((sum, [, s]) => sum + s, 0n);
    // The total stake the governance invariants check (docs/protocol.md §17) follows the seeded stakes.
    writes.set('meta:staking', { totalStaked: staked, rewardPerStake: 0n, remainder: 0n, pot: 0n });
    writes.set(accountKey(RESERVE), { ...reserve, balance: reserve.balance - staked });
    chain.state.commit(writes as never);
    chain.advance(2); // h2, h3
    expect(chain.account('r1').pendingRewards).toBe(500n);
    expect(chain.account('r2').pendingRewards).toBe(0n); // below relay_min_stake (100,000)
    expect(chain.account('r3').pendingRewards).toBe(500n);
    expect(chain.schedule(id)).toMatchObject({ paidTotal: 1_000n, shortfallTotal: 0n });
    expect(chain.balance(RESERVE)).toBe(1_000_000n - staked - 1_000n);
  });

  it('a marketplace schedule replenishes the first pool by default, or the one named', () => {
    const chain = new TestChain(smallGenesis({ reserve: 1_000n }));
    expect(txErrorCode(() => createSchedule(chain, { recipientType: 'marketplace' }))).toBe(ErrorCode.UnknownPool);
    chain.run(AUTHORITY, { type: 'create-pool', name: 'First', initialAmount: 10n, operator: null, autoReplenish: null });
    chain.run(AUTHORITY, { type: 'create-pool', name: 'Second', initialAmount: 10n, operator: null, autoReplenish: null });
    const [first, second] = chain.state.get('meta:pools') as readonly Uuid[];
    const a = createSchedule(chain, { recipientType: 'marketplace-liquidity', amountPerInterval: 30n, durationBlocks: 1n });
    const b = createSchedule(chain, { recipientType: 'marketplace', amountPerInterval: 20n, durationBlocks: 1n, poolId: second! });
    expect(chain.schedule(a).poolId).toBe(first);
    chain.advance(1);
    expect(chain.pool(first!).available).toBe(40n);
    expect(chain.pool(second!).available).toBe(30n);
    expect(chain.schedule(b).paidTotal).toBe(20n);
  });

  it('due schedules run in creation order: a short reserve pays the older one first', () => {
    const chain = new TestChain(smallGenesis({ reserve: 150n }));
    const older = createSchedule(chain, { recipientType: 'treasury', amountPerInterval: 100n, startBlock: 4n });
    const newer = createSchedule(chain, { recipientType: 'dev-fund', amountPerInterval: 100n, startBlock: 4n });
    chain.advance(2); // h4
    expect(chain.schedule(older)).toMatchObject({ paidTotal: 100n, shortfallTotal: 0n });
    expect(chain.schedule(newer)).toMatchObject({ paidTotal: 50n, shortfallTotal: 50n });
  });

  it('cancel-schedule stops a schedule; refusals for bad parameters, unknown and cancelled schedules', () => {
    const chain = new TestChain(smallGenesis({ reserve: 1_000n }));
    const id = createSchedule(chain, { recipientType: 'treasury', amountPerInterval: 10n });
    chain.block(); // h2 pays... and h3 (the cancel block) pays before the cancel tx
    chain.run(AUTHORITY, { type: 'cancel-schedule', scheduleId: id });
    chain.advance(3);
    expect(chain.schedule(id)).toMatchObject({ cancelled: true, paidTotal: 20n });
    expect(txErrorCode(() => chain.run(AUTHORITY, { type: 'cancel-schedule', scheduleId: id }))).toBe(ErrorCode.ScheduleClosed);
    expect(txErrorCode(() => chain.run(AUTHORITY, { type: 'cancel-schedule', scheduleId: '00000000-0000-4000-8000-000000000003' }))).toBe(
      ErrorCode.UnknownSchedule,
    );
    expect(txErrorCode(() => createSchedule(chain, { recipientType: 'treasury', intervalBlocks: 0n }))).toBe(ErrorCode.InvalidParameter);
    expect(txErrorCode(() => createSchedule(chain, { recipientType: 'treasury', startBlock: chain.height }))).toBe(ErrorCode.InvalidParameter);
    expect(txErrorCode(() => createSchedule(chain, { recipientType: 'treasury', durationBlocks: 0n }))).toBe(ErrorCode.InvalidParameter);
    expect(txErrorCode(() => createSchedule(chain, { recipientType: 'nobody' }))).toBe(ErrorCode.InvalidParameter);
    expect(txErrorCode(() => createSchedule(chain, { recipientType: 'treasury', poolId: '00000000-0000-4000-8000-000000000003' }))).toBe(
      ErrorCode.InvalidParameter,
    );
    expect(txErrorCode(() => createSchedule(chain, { recipientType: 'treasury', amountPerInterval: 0n }))).toBe(ErrorCode.InvalidAmount);
    expect(txErrorCode(() => chain.run('alice', { type: 'cancel-schedule', scheduleId: id }))).toBe(ErrorCode.Unauthorized);
  });
});
