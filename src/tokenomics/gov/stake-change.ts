/**
 * The one way a wallet's `staked` changes (stake, unstake, slash): settle its rewards first, then
 * keep the total stake and the running tallies of the proposals it votes on exact. Costs O(the
 * proposals it votes on) ≤ gov_max_active_proposals, never O(voters or stakers).
 */
import type { Uuid } from '../ids.ts';
import type { Ledger } from '../ledger.ts';
import type { Account } from '../records.ts';
import type { Tally, VoteOption } from './records.ts';
import { settleRewards } from './rewards.ts';
import { proposal, putProposal, putVote, setStakeEntry, setStaking, staking, vote } from './state.ts';

export function addToTally(t: Tally, option: VoteOption, delta: bigint): Tally {
  return { ...t, [option]: t[option] + delta };
}

export function changeStake(l: Ledger, wallet: Uuid, update: (account: Account) => Account): void {
  const voting = settleRewards(l, wallet);
  const before = l.account(wallet).staked;
  l.putAccount(wallet, update(l.account(wallet)));
  const after = l.account(wallet).staked;
  if (after === before) return;
  const s = staking(l);
  setStaking(l, { ...s, totalStaked: s.totalStaked - before + after });
  // settleRewards left the snapshot at the accumulator; a wallet with no stake keeps no key.
  setStakeEntry(l, wallet, after === 0n ? null : s.rewardPerStake);
  for (const id of voting) {
    const v = vote(l, id, wallet)!;
    const p = proposal(l, id);
    putProposal(l, { ...p, tally: addToTally(p.tally, v.option, after - v.weight) });
    putVote(l, id, wallet, { ...v, weight: after });
  }
}
