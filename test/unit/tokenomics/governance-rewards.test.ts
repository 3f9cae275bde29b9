/**
 * Voter and staker rewards (docs/protocol.md §17.6): paid from the reserve, settled
 * lazily into pending rewards, pro rata to weight, the rounding remainder back in the reserve, and
 * `claimableRewards` exactly what a claim would credit.
 */
import { describe, expect, it } from 'vitest';
import { type StakingState, claimableRewards } from '../../../src/tokenomics/index.ts';
import { AUTHORITY, RESERVE, TREASURY, eventsOf, walletOf } from './chain-harness.ts';
import { govChain, proposalOf, propose, stake, untilTallied, voteOp } from './governance-fixture.ts';

const BURN = { kind: 'deflation-burn', payload: { fromAccount: TREASURY, amount: 1n } } as const;

describe('voter rewards', () => {
  it('split pro rata to weight; the remainder returns to the reserve once every voter settled', () => {
    const c = govChain({ balances: { p: 1_000n, a: 10_000n, b: 10_000n }, reserve: 5_000n, gov: { voterReward: 1_000n } });
    c.block([c.tx('a', stake(1_000n)), c.tx('b', stake(2_000n))]);
    const id = propose(c, 'p', BURN);
    c.block([c.tx('a', voteOp(id, 'yes')), c.tx('b', voteOp(id, 'no'))]);
    const p = untilTallied(c, id);
    expect(p).toMatchObject({ rewardPaid: 1_000n, rewardLeft: 1_000n, unsettledWeight: 3_000n, rewardShortfall: 0n });
    expect(c.balance(RESERVE)).toBe(4_000n);
    expect(claimableRewards(c.state, walletOf('a'))).toBe(333n);
    expect(claimableRewards(c.state, walletOf('b'))).toBe(666n);
    const claimA = c.run('a', { type: 'claim-rewards' });
    expect(eventsOf(claimA.events, 'distribution')).toMatchObject([{ recipientType: 'voters', recipient: walletOf('a'), amount: 333n }]);
    expect(c.balance('a')).toBe(10_000n - 1_000n - 3n + 333n); // three min fees: stake, vote, claim
    expect(proposalOf(c, id)).toMatchObject({ rewardLeft: 667n, unsettledWeight: 2_000n });
    c.run('b', { type: 'claim-rewards' });
    expect(proposalOf(c, id)).toMatchObject({ rewardLeft: 0n, unsettledWeight: 0n });
    expect(c.balance(RESERVE)).toBe(4_001n); // 1,000 - 333 - 666
    expect(c.state.get(`voter:${walletOf('a')}`)).toBeUndefined();
  });

  it('a reserve short of gov_voter_reward pays what it holds and records the shortfall; never mints', () => {
    const c = govChain({ balances: { p: 1_000n, a: 10_000n }, reserve: 400n, gov: { voterReward: 1_000n } });
    c.run('a', stake(1_000n));
    const id = propose(c, 'p', BURN);
    c.run('a', voteOp(id, 'yes'));
    const minted = c.supply().totalMinted;
    expect(untilTallied(c, id)).toMatchObject({ rewardPaid: 400n, rewardShortfall: 600n });
    expect(c.supply().totalMinted).toBe(minted);
    expect(c.balance(RESERVE)).toBe(0n);
  });

  it('a stake change settles the tallied votes first, at the tallied weight', () => {
    const c = govChain({ balances: { p: 1_000n, a: 10_000n }, reserve: 5_000n, gov: { voterReward: 100n } });
    c.run('a', stake(1_000n));
    const id = propose(c, 'p', BURN);
    c.run('a', voteOp(id, 'yes'));
    untilTallied(c, id);
    c.run('a', stake(5_000n));
    expect(c.account('a').pendingRewards).toBe(100n);
    expect(c.state.get(`vote:${id}:${walletOf('a')}`)).toEqual({ option: 'yes', weight: 1_000n });
  });
});

describe('the stakers recipient type', () => {
  it('pays every wallet pro rata to its stake, lazily, exactly when the shares divide', () => {
    const c = govChain({ balances: { a: 10_000n, b: 10_000n, d: 10_000n }, reserve: 10_000n });
    c.block([c.tx('a', stake(1n)), c.tx('b', stake(2n)), c.tx('d', stake(3n))]);
    c.run(AUTHORITY, { type: 'create-schedule', recipientType: 'stakers', amountPerInterval: 600n, intervalBlocks: 1n, startBlock: null, durationBlocks: 1n, poolId: null });
    const outcome = c.block();
    expect(eventsOf(outcome.events, 'distribution')).toMatchObject([{ recipientType: 'stakers', amount: 600n }]);
    expect((c.state.get('meta:staking') as StakingState).pot).toBe(600n);
    expect(['a', 'b', 'd'].map((n) => claimableRewards(c.state, walletOf(n)))).toEqual([100n, 200n, 300n]);
    c.block(['a', 'b', 'd'].map((n) => c.tx(n, { type: 'claim-rewards' })));
    expect(['a', 'b', 'd'].map((n) => c.account(n).pendingRewards)).toEqual([0n, 0n, 0n]);
    expect((c.state.get('meta:staking') as StakingState).pot).toBe(0n);
  });

  it('a stake added after a payout earns nothing of it; one removed keeps what it earned', () => {
    const c = govChain({ balances: { a: 10_000n, b: 10_000n }, reserve: 10_000n });
    c.run('a', stake(100n));
    c.run(AUTHORITY, { type: 'create-schedule', recipientType: 'stakers', amountPerInterval: 50n, intervalBlocks: 1n, startBlock: null, durationBlocks: 2n, poolId: null });
    c.run('b', stake(100n)); // this block's payout (step 2) ran before b staked: all 50 to a
    c.run('a', { type: 'unstake', amount: 100n }); // second payout: 25 each, then a leaves
    expect(c.account('a').pendingRewards).toBe(75n);
    expect(c.state.get(`stake-entry:${walletOf('a')}`)).toBeUndefined();
    expect(claimableRewards(c.state, walletOf('b'))).toBe(25n);
  });
});
