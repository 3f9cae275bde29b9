import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/tokenomics/index.ts';
import { AUTHORITY, RESERVE, TestChain, eventsOf, smallGenesis, txErrorCode, walletOf } from './chain-harness.ts';

function chain(): TestChain {
  return new TestChain(smallGenesis({ balances: { alice: 1_000_000n, bob: 10_000n }, reserve: 1_000_000n, unbondingBlocks: 5n, relayMinStake: 100_000n }));
}

describe('staking (docs/protocol.md §13.4)', () => {
  it('stake moves balance to staked; unstake unbonds for unbonding_blocks and returns at the deadline', () => {
    const c = chain();
    c.run('alice', { type: 'stake', amount: 300_000n }); // h1
    expect(c.account('alice')).toMatchObject({ balance: 699_999n, staked: 300_000n });
    c.run('alice', { type: 'unstake', amount: 100_000n }); // h2: deadline 7
    expect(c.account('alice')).toMatchObject({ balance: 699_998n, staked: 200_000n, unbonding: [{ amount: 100_000n, deadline: 7n }] });
    const supply = c.totalSupply();
    c.advance(4); // h3..h6
    expect(c.account('alice').unbonding).toHaveLength(1);
    c.block(); // h7: matures before the block's txs
    expect(c.account('alice')).toMatchObject({ balance: 799_998n, staked: 200_000n, unbonding: [] });
    expect(c.totalSupply()).toBe(supply); // maturity moves tokens, creates none
    expect(c.state.get('deadline:00000000000000000007')).toBeUndefined();
  });

  it('refuses unstaking more than staked and staking more than the balance', () => {
    const c = chain();
    c.run('bob', { type: 'stake', amount: 5_000n });
    expect(txErrorCode(() => c.run('bob', { type: 'unstake', amount: 5_001n }))).toBe(ErrorCode.InsufficientStake);
    expect(txErrorCode(() => c.run('bob', { type: 'stake', amount: 5_000n }))).toBe(ErrorCode.InsufficientBalance);
  });

  it('register-relay needs relay_min_stake; relays share relay payouts while their stake holds', () => {
    const c = chain();
    c.run('bob', { type: 'stake', amount: 9_000n });
    expect(txErrorCode(() => c.run('bob', { type: 'register-relay' }))).toBe(ErrorCode.InsufficientStake);
    c.run('alice', { type: 'stake', amount: 100_000n });
    c.run('alice', { type: 'register-relay' });
    expect(txErrorCode(() => c.run('alice', { type: 'register-relay' }))).toBe(ErrorCode.AlreadyRegistered);
    c.run(AUTHORITY, { type: 'create-schedule', recipientType: 'relays', amountPerInterval: 1_000n, intervalBlocks: 1n, startBlock: null, durationBlocks: null, poolId: null });
    c.block();
    expect(c.account('alice').pendingRewards).toBe(1_000n);
    // below the minimum: still registered, no longer paid
    c.run('alice', { type: 'unstake', amount: 1n }); // this block pays first, then the stake drops
    expect(c.account('alice').pendingRewards).toBe(2_000n);
    c.block();
    expect(c.account('alice').pendingRewards).toBe(2_000n);
    c.run('alice', { type: 'deregister-relay' });
    expect(txErrorCode(() => c.run('alice', { type: 'deregister-relay' }))).toBe(ErrorCode.NotRegistered);
    c.run('alice', { type: 'claim-rewards' });
    expect(c.account('alice').pendingRewards).toBe(0n);
  });

  it('validators share validator payouts into pending rewards of their reward wallets', () => {
    const c = new TestChain(smallGenesis({ reserve: 1_000n, validators: ['v1', 'v2'] }));
    c.run(AUTHORITY, { type: 'create-schedule', recipientType: 'validators', amountPerInterval: 101n, intervalBlocks: 1n, startBlock: null, durationBlocks: 1n, poolId: null });
    c.block();
    expect(c.account('v1-rewards').pendingRewards).toBe(50n);
    expect(c.account('v2-rewards').pendingRewards).toBe(50n);
    expect(c.balance(RESERVE)).toBe(900n);
  });

  it('slash burns from the stake, then from unbonding entries newest first, with reason slash', () => {
    const c = chain();
    c.run('alice', { type: 'stake', amount: 1_000n }); // h1
    c.run('alice', { type: 'unstake', amount: 300n }); // h2, deadline 7
    c.run('alice', { type: 'unstake', amount: 200n }); // h3, deadline 8
    const out = c.run(AUTHORITY, { type: 'slash', account: walletOf('alice'), amount: 650n }); // stake 500 + 150 from the newest entry
    expect(c.account('alice')).toMatchObject({ staked: 0n, unbonding: [{ amount: 300n, deadline: 7n }, { amount: 50n, deadline: 8n }] });
    expect(eventsOf(out.events, 'burn')).toMatchObject([{ amount: 650n, reason: 'slash', burner: walletOf('alice') }]);
    expect(txErrorCode(() => c.run(AUTHORITY, { type: 'slash', account: walletOf('alice'), amount: 351n }))).toBe(ErrorCode.InsufficientStake);
    expect(txErrorCode(() => c.run('bob', { type: 'slash', account: walletOf('alice'), amount: 1n }))).toBe(ErrorCode.Unauthorized);
    c.run(AUTHORITY, { type: 'slash', account: walletOf('alice'), amount: 330n }); // 50 (newest) then 280 of the older
    expect(c.account('alice').unbonding).toEqual([{ amount: 20n, deadline: 7n }]);
    c.advance(3); // through h7 and h8
    expect(c.account('alice')).toMatchObject({ staked: 0n, unbonding: [] });
  });
});
