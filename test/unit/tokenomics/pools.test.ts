import { describe, expect, it } from 'vitest';
import { ErrorCode, type Uuid } from '../../../src/tokenomics/index.ts';
import { AUTHORITY, RESERVE, TestChain, eventsOf, smallGenesis, txErrorCode, walletOf } from './chain-harness.ts';

function poolIds(chain: TestChain): Uuid[] {
  return [...(chain.state.get('meta:pools') as readonly Uuid[])];
}

function allocationIds(chain: TestChain): Uuid[] {
  return chain.state.sortedEntries().filter(([k]) => k.startsWith('allocation:')).map(([k]) => k.slice('allocation:'.length));
}

function createPool(chain: TestChain, initialAmount: bigint, extra: { operator?: Uuid; autoReplenish?: { below: bigint; upTo: bigint } } = {}): Uuid {
  chain.run(AUTHORITY, {
    type: 'create-pool', name: `Pool ${poolIds(chain).length}`, initialAmount,
    operator: extra.operator ?? null, autoReplenish: extra.autoReplenish ?? null,
  });
  return poolIds(chain).at(-1)!;
}

describe('liquidity pools (docs/protocol.md §13.3)', () => {
  it("pool 10,000 -> allocate 500 -> 9,500 available -> release pays the recipient 495 (the seed's example)", () => {
    const chain = new TestChain(smallGenesis());
    const before = chain.totalSupply();
    const poolId = createPool(chain, 10_000n);
    expect(chain.pool(poolId)).toMatchObject({ name: 'Pool 0', available: 10_000n, reserved: 0n });
    expect(chain.totalSupply()).toBe(before + 10_000n);
    chain.run(AUTHORITY, { type: 'allocate', poolId, amount: 500n, recipient: walletOf('bob'), expiresInBlocks: null });
    const [allocationId] = allocationIds(chain);
    expect(chain.pool(poolId)).toMatchObject({ available: 9_500n, reserved: 500n });
    expect(chain.allocation(allocationId!)).toMatchObject({ amount: 500n, status: 'pending', deadline: 2n + 100_800n });
    const out = chain.run(AUTHORITY, { type: 'release-allocation', poolId, allocationId: allocationId! });
    expect(chain.pool(poolId)).toMatchObject({ available: 9_500n, reserved: 0n });
    expect(chain.balance('bob')).toBe(495n);
    expect(chain.allocation(allocationId!)).toMatchObject({ status: 'released', closedHeight: 3n });
    expect(eventsOf(out.events, 'burn')).toMatchObject([{ amount: 5n, reason: 'transaction-fee', burner: poolId }]);
  });

  it('create-pool mints with reason marketplace-liquidity, subject to the cap', () => {
    const chain = new TestChain(smallGenesis({ treasury: 1_000n, maxSupply: 5_000n }));
    const out = chain.run(AUTHORITY, { type: 'create-pool', name: 'Stickers', initialAmount: 4_000n, operator: null, autoReplenish: null });
    expect(eventsOf(out.events, 'mint')).toMatchObject([{ amount: 4_000n, reason: 'marketplace-liquidity', recipient: null, poolId: poolIds(chain)[0] }]);
    expect(txErrorCode(() => chain.run(AUTHORITY, { type: 'create-pool', name: 'More', initialAmount: 1n, operator: null, autoReplenish: null }))).toBe(
      ErrorCode.MaxSupplyExceeded,
    );
    expect(txErrorCode(() => chain.run(AUTHORITY, { type: 'create-pool', name: '  ', initialAmount: 0n, operator: null, autoReplenish: null }))).toBe(
      ErrorCode.InvalidParameter,
    );
    expect(
      txErrorCode(() => chain.run(AUTHORITY, { type: 'create-pool', name: 'Bad', initialAmount: 0n, operator: null, autoReplenish: { below: 10n, upTo: 5n } })),
    ).toBe(ErrorCode.InvalidParameter);
    expect(txErrorCode(() => chain.run('alice', { type: 'create-pool', name: 'Mine', initialAmount: 0n, operator: null, autoReplenish: null }))).toBe(
      ErrorCode.Unauthorized,
    );
  });

  it('replenish-pool mints into available; unknown pools are refused', () => {
    const chain = new TestChain(smallGenesis());
    const poolId = createPool(chain, 100n);
    chain.run(AUTHORITY, { type: 'replenish-pool', poolId, amount: 900n });
    expect(chain.pool(poolId)).toMatchObject({ available: 1_000n, lastReplenishHeight: 2n });
    const unknown = '00000000-0000-4000-8000-000000000001';
    expect(txErrorCode(() => chain.run(AUTHORITY, { type: 'replenish-pool', poolId: unknown, amount: 1n }))).toBe(ErrorCode.UnknownPool);
    expect(txErrorCode(() => chain.run(AUTHORITY, { type: 'replenish-pool', poolId, amount: 0n }))).toBe(ErrorCode.InvalidAmount);
  });

  it('allocate refuses more than available, unknown pools, zero lifetimes; cancel returns the tokens', () => {
    const chain = new TestChain(smallGenesis());
    const poolId = createPool(chain, 1_000n);
    expect(txErrorCode(() => chain.run(AUTHORITY, { type: 'allocate', poolId, amount: 1_001n, recipient: walletOf('bob'), expiresInBlocks: null }))).toBe(
      ErrorCode.InsufficientPoolTokens,
    );
    expect(txErrorCode(() => chain.run(AUTHORITY, { type: 'allocate', poolId, amount: 1n, recipient: walletOf('bob'), expiresInBlocks: 0n }))).toBe(
      ErrorCode.InvalidParameter,
    );
    chain.run(AUTHORITY, { type: 'allocate', poolId, amount: 300n, recipient: walletOf('bob'), expiresInBlocks: 10n });
    const [allocationId] = allocationIds(chain);
    chain.run(AUTHORITY, { type: 'cancel-allocation', poolId, allocationId: allocationId! });
    expect(chain.pool(poolId)).toMatchObject({ available: 1_000n, reserved: 0n });
    expect(chain.allocation(allocationId!).status).toBe('cancelled');
    expect(txErrorCode(() => chain.run(AUTHORITY, { type: 'release-allocation', poolId, allocationId: allocationId! }))).toBe(ErrorCode.AllocationClosed);
    expect(txErrorCode(() => chain.run(AUTHORITY, { type: 'cancel-allocation', poolId, allocationId: allocationId! }))).toBe(ErrorCode.AllocationClosed);
    const otherPool = createPool(chain, 10n);
    expect(txErrorCode(() => chain.run(AUTHORITY, { type: 'release-allocation', poolId: otherPool, allocationId: allocationId! }))).toBe(
      ErrorCode.UnknownAllocation,
    );
    expect(
      txErrorCode(() => chain.run(AUTHORITY, { type: 'release-allocation', poolId, allocationId: '00000000-0000-4000-8000-000000000002' })),
    ).toBe(ErrorCode.UnknownAllocation);
  });

  it('an allocation expires in step 3 of block created + n, before that block\'s transactions', () => {
    const chain = new TestChain(smallGenesis());
    const poolId = createPool(chain, 1_000n); // height 1
    chain.run(AUTHORITY, { type: 'allocate', poolId, amount: 400n, recipient: walletOf('bob'), expiresInBlocks: 3n }); // height 2, deadline 5
    const [allocationId] = allocationIds(chain);
    chain.advance(2); // heights 3, 4: still pending
    expect(chain.allocation(allocationId!).status).toBe('pending');
    expect(chain.pool(poolId)).toMatchObject({ available: 600n, reserved: 400n });
    // a release included at the deadline height comes too late: the expiry ran first
    expect(txErrorCode(() => chain.run(AUTHORITY, { type: 'release-allocation', poolId, allocationId: allocationId! }))).toBe(ErrorCode.AllocationClosed);
    chain.block(); // height 5
    expect(chain.allocation(allocationId!)).toMatchObject({ status: 'expired', closedHeight: 5n });
    expect(chain.pool(poolId)).toMatchObject({ available: 1_000n, reserved: 0n });
    expect(chain.state.get('deadline:00000000000000000005')).toBeUndefined();
  });

  it('a release at deadline - 1 still succeeds and the later expiry does nothing', () => {
    const chain = new TestChain(smallGenesis());
    const poolId = createPool(chain, 1_000n);
    chain.run(AUTHORITY, { type: 'allocate', poolId, amount: 400n, recipient: walletOf('bob'), expiresInBlocks: 2n }); // h2, deadline 4
    const [allocationId] = allocationIds(chain);
    chain.run(AUTHORITY, { type: 'release-allocation', poolId, allocationId: allocationId! }); // h3
    chain.advance(2);
    expect(chain.allocation(allocationId!).status).toBe('released');
    expect(chain.pool(poolId)).toMatchObject({ available: 600n, reserved: 0n });
    expect(chain.balance('bob')).toBe(396n);
  });

  it("the pool's operator may allocate, release and cancel (paying the min fee); others may not", () => {
    const chain = new TestChain(smallGenesis({ balances: { op: 100n, mallory: 100n } }));
    const poolId = createPool(chain, 1_000n, { operator: walletOf('op') });
    chain.run('op', { type: 'allocate', poolId, amount: 200n, recipient: walletOf('bob'), expiresInBlocks: null });
    const [allocationId] = allocationIds(chain);
    expect(chain.balance('op')).toBe(99n);
    expect(txErrorCode(() => chain.run('mallory', { type: 'release-allocation', poolId, allocationId: allocationId! }))).toBe(ErrorCode.Unauthorized);
    expect(txErrorCode(() => chain.run('mallory', { type: 'allocate', poolId, amount: 1n, recipient: walletOf('mallory'), expiresInBlocks: null }))).toBe(
      ErrorCode.Unauthorized,
    );
    chain.run('op', { type: 'release-allocation', poolId, allocationId: allocationId! });
    expect(chain.balance('bob')).toBe(198n);
    expect(chain.balance('op')).toBe(98n);
    expect(txErrorCode(() => chain.run('op', { type: 'replenish-pool', poolId, amount: 5n }))).toBe(ErrorCode.Unauthorized);
  });

  it('auto-replenish tops a pool up toward up_to from the reserve, never by minting, after expiries', () => {
    const chain = new TestChain(smallGenesis({ reserve: 250n }));
    const poolId = createPool(chain, 500n, { autoReplenish: { below: 400n, upTo: 600n } }); // h1
    chain.run(AUTHORITY, { type: 'allocate', poolId, amount: 300n, recipient: walletOf('bob'), expiresInBlocks: 2n }); // h2: available 200
    const minted = chain.supply().totalMinted;
    const out = chain.block(); // h3: 200 < 400 -> +min(400, reserve 250) = 250
    expect(chain.pool(poolId)).toMatchObject({ available: 450n, reserved: 300n });
    expect(chain.balance(RESERVE)).toBe(0n);
    expect(chain.supply().totalMinted).toBe(minted);
    expect(eventsOf(out.events, 'distribution')).toMatchObject([{ recipientType: 'auto-replenish', recipient: poolId, amount: 250n, scheduleId: null }]);
    chain.block(); // h4: the allocation expires first (available 750), so no top-up is needed
    expect(chain.pool(poolId)).toMatchObject({ available: 750n, reserved: 0n });
  });
});
