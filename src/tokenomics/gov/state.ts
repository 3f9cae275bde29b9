/** Typed reads and writes of the governance keys on a Ledger (docs/protocol.md §17.5). */
import { ErrorCode, TokenError } from '../errors.ts';
import type { Uuid } from '../ids.ts';
import type { Ledger } from '../ledger.ts';
import * as K from '../state/keys.ts';
import { EMPTY_STAKING, type PendingValidators, type Proposal, type StakingState, type Vote } from './records.ts';

export function activeProposalIds(l: Ledger): readonly Uuid[] {
  return (l.overlay.get(K.META_PROPOSALS) as readonly Uuid[] | undefined) ?? [];
}

export function setActiveProposalIds(l: Ledger, ids: readonly Uuid[]): void {
  l.overlay.set(K.META_PROPOSALS, ids);
}

export function proposal(l: Ledger, id: Uuid): Proposal {
  const found = l.overlay.get(K.proposalKey(id)) as Proposal | undefined;
  if (found === undefined) throw new TokenError(ErrorCode.UnknownProposal, `No proposal with id ${id}.`);
  return found;
}

export function putProposal(l: Ledger, value: Proposal): void {
  l.overlay.set(K.proposalKey(value.id), value);
}

export function vote(l: Ledger, proposalId: Uuid, wallet: Uuid): Vote | undefined {
  return l.overlay.get(K.voteKey(proposalId, wallet)) as Vote | undefined;
}

export function putVote(l: Ledger, proposalId: Uuid, wallet: Uuid, value: Vote): void {
  l.overlay.set(K.voteKey(proposalId, wallet), value);
}

/** The proposals `wallet` voted on and has not settled the reward of. */
export function voterIndex(l: Ledger, wallet: Uuid): readonly Uuid[] {
  return (l.overlay.get(K.voterKey(wallet)) as readonly Uuid[] | undefined) ?? [];
}

export function setVoterIndex(l: Ledger, wallet: Uuid, ids: readonly Uuid[]): void {
  if (ids.length === 0) l.overlay.delete(K.voterKey(wallet));
  else l.overlay.set(K.voterKey(wallet), ids);
}

export function staking(l: Ledger): StakingState {
  return (l.overlay.get(K.META_STAKING) as StakingState | undefined) ?? EMPTY_STAKING;
}

export function setStaking(l: Ledger, value: StakingState): void {
  l.overlay.set(K.META_STAKING, value);
}

export function stakeEntry(l: Ledger, wallet: Uuid): bigint {
  return (l.overlay.get(K.stakeEntryKey(wallet)) as bigint | undefined) ?? 0n;
}

export function setStakeEntry(l: Ledger, wallet: Uuid, value: bigint | null): void {
  if (value === null) l.overlay.delete(K.stakeEntryKey(wallet));
  else l.overlay.set(K.stakeEntryKey(wallet), value);
}

export function pendingValidators(l: Ledger): PendingValidators | null {
  return (l.overlay.get(K.META_PENDING_VALIDATORS) as PendingValidators | undefined) ?? null;
}

export function setPendingValidators(l: Ledger, value: PendingValidators | null): void {
  if (value === null) l.overlay.delete(K.META_PENDING_VALIDATORS);
  else l.overlay.set(K.META_PENDING_VALIDATORS, value);
}
