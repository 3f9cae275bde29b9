/**
 * Lazy pro-rata payouts (docs/protocol.md §17.6), as Cosmos' F1 distribution does: no
 * block step walks the stakers or the voters. A `stakers` payout raises one reward-per-stake
 * accumulator; a wallet's share is settled into its pending rewards when its stake changes, it
 * votes, or it claims. A tallied proposal's voter reward is settled per vote the same way.
 */
import type { Uuid } from '../ids.ts';
import type { Ledger } from '../ledger.ts';
import type { Proposal, StakingState, Tally, Vote } from './records.ts';
import { proposal, putProposal, setStaking, setStakeEntry, setVoterIndex, stakeEntry, staking, vote, voterIndex } from './state.ts';

/** The accumulator's fixed-point scale: reward per unit of stake × REWARD_SCALE. */
export const REWARD_SCALE = 10n ** 18n;

export function turnout(t: Tally): bigint {
  return t.yes + t.no + t.abstain + t.veto;
}

/** What the accumulator owes a wallet holding `staked` since its entry snapshot (rounded down). */
export function stakerRewardOwed(staked: bigint, rewardPerStake: bigint, entry: bigint): bigint {
  return (staked * (rewardPerStake - entry)) / REWARD_SCALE;
}

/** One vote's share of its tallied proposal's voter reward: floor(weight × paid / turnout). */
export function voteShare(p: Proposal, v: Vote): bigint {
  const total = turnout(p.tally);
  return total === 0n ? 0n : (v.weight * p.rewardPaid) / total;
}

/**
 * Adds `amount` (already taken from the reserve) to the stakers' pot: the accumulator rises by
 * floor((amount × SCALE + remainder) / total_staked) and the new remainder is carried, so
 * Σ over payouts of (increase × total stake) never exceeds Σ amount × SCALE. Returns what it took.
 */
export function payStakers(s: StakingState, amount: bigint): StakingState | null {
  if (s.totalStaked === 0n || amount === 0n) return null;
  const scaled = amount * REWARD_SCALE + s.remainder;
  return {
    ...s,
    rewardPerStake: s.rewardPerStake + scaled / s.totalStaked,
    remainder: scaled % s.totalStaked,
    pot: s.pot + amount,
  };
}

/** Credits the wallet's share of the stakers' pot and moves its snapshot to the accumulator. */
function settleStaker(l: Ledger, wallet: Uuid): void {
  const s = staking(l);
  const staked = l.account(wallet).staked;
  const owed = stakerRewardOwed(staked, s.rewardPerStake, stakeEntry(l, wallet));
  if (owed > 0n) {
    setStaking(l, { ...s, pot: s.pot - owed });
    l.creditPendingRewards(wallet, owed);
    l.recordDistribution({ scheduleId: null, recipientType: 'stakers', recipient: wallet, amount: owed });
  }
  setStakeEntry(l, wallet, staked === 0n ? null : s.rewardPerStake);
}

/**
 * Settles the wallet's votes on proposals already tallied; keeps those still voting in its index,
 * so the index never holds more than the active proposals (docs/protocol.md §9).
 */
function settleVotes(l: Ledger, wallet: Uuid): readonly Uuid[] {
  const open: Uuid[] = [];
  for (const id of voterIndex(l, wallet)) {
    const p = proposal(l, id);
    if (p.status === 'voting') {
      open.push(id);
      continue;
    }
    const v = vote(l, id, wallet)!;
    const share = voteShare(p, v);
    if (share > 0n) {
      l.creditPendingRewards(wallet, share);
      l.recordDistribution({ scheduleId: null, recipientType: 'voters', recipient: wallet, amount: share });
    }
    let rewardLeft = p.rewardLeft - share;
    const unsettledWeight = p.unsettledWeight - v.weight;
    if (unsettledWeight === 0n && rewardLeft > 0n) {
      // The last voter settled: the rounding remainder goes back to the reserve.
      l.creditBalance(l.reserveId(), rewardLeft);
      rewardLeft = 0n;
    }
    putProposal(l, { ...p, rewardLeft, unsettledWeight });
  }
  setVoterIndex(l, wallet, open);
  return open;
}

/** Everything owed to the wallet, into its pending rewards; returns the proposals it still votes on. */
export function settleRewards(l: Ledger, wallet: Uuid): readonly Uuid[] {
  settleStaker(l, wallet);
  return settleVotes(l, wallet);
}
