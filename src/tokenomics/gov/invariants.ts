/**
 * The governance invariants of the full state walk (docs/protocol.md §13.8, §17.9): the total stake is the sum of
 * the accounts' stake, every voting proposal's running tally equals its votes recounted from
 * scratch, and the stakers' pot covers every wallet's share the accumulator owes.
 */
import type { Account } from '../records.ts';
import * as K from '../state/keys.ts';
import type { MemoryState } from '../state/store.ts';
import { EMPTY_STAKING, EMPTY_TALLY, type Proposal, type StakingState, type Tally, type Vote } from './records.ts';
import { stakerRewardOwed } from './rewards.ts';
import { addToTally } from './stake-change.ts';

type Violation = (name: string, detail: string) => never;

const sameTally = (a: Tally, b: Tally): boolean => a.yes === b.yes && a.no === b.no && a.abstain === b.abstain && a.veto === b.veto;

export function checkGovernanceInvariants(state: MemoryState, violation: Violation): void {
  const s = (state.get(K.META_STAKING) as StakingState | undefined) ?? EMPTY_STAKING;
  let staked = 0n;
  let owed = 0n;
  for (const key of state.keysWithPrefix(K.ACCOUNT_PREFIX)) {
    const wallet = key.slice(K.ACCOUNT_PREFIX.length);
    const account = state.get(key) as Account;
    staked += account.staked;
    const entry = state.get(K.stakeEntryKey(wallet)) as bigint | undefined;
    if (account.staked > 0n && entry === undefined) violation('a staker has an accumulator snapshot', `${wallet} has none.`);
    owed += stakerRewardOwed(account.staked, s.rewardPerStake, entry ?? s.rewardPerStake);
  }
  if (staked !== s.totalStaked) violation('total_staked == sum of stakes', `meta:staking says ${s.totalStaked}, the accounts hold ${staked}.`);
  if (owed > s.pot) violation('the stakers pot covers what it owes', `owes ${owed}, holds ${s.pot}.`);
  const recount = new Map<string, Tally>();
  for (const key of state.keysWithPrefix(K.VOTE_PREFIX)) {
    const proposalId = key.slice(K.VOTE_PREFIX.length, K.VOTE_PREFIX.length + 36);
    const wallet = key.slice(K.VOTE_PREFIX.length + 37);
    const v = state.get(key) as Vote;
    const p = state.get(K.proposalKey(proposalId)) as Proposal | undefined;
    if (p === undefined) violation('a vote belongs to a proposal', key);
    // While voting, a vote weighs exactly the voter's stake now; after the tally it stays as tallied.
    const staked = ((state.get(K.accountKey(wallet)) as Account | undefined)?.staked ?? 0n);
    if (p.status === 'voting' && v.weight !== staked) violation('a vote weighs the voter\'s stake', `${key}: ${v.weight} vs ${staked}.`);
    recount.set(proposalId, addToTally(recount.get(proposalId) ?? EMPTY_TALLY, v.option, v.weight));
  }
  for (const key of state.keysWithPrefix(K.PROPOSAL_PREFIX)) {
    const p = state.get(key) as Proposal;
    const counted = recount.get(p.id) ?? EMPTY_TALLY;
    if (!sameTally(p.tally, counted)) violation('a tally equals its votes recounted', `proposal ${p.id}.`);
    if (p.rewardLeft > p.rewardPaid) violation('reward_left <= reward_paid', `proposal ${p.id}.`);
  }
}
