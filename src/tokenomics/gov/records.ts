/** The governance records in state (docs/protocol.md §17): proposals, votes, the staking accumulator. */
import type { Uuid } from '../ids.ts';
import type { ScheduleSpec } from '../schedule-spec.ts';
import type { Validator } from '../records.ts';

export const VOTE_OPTIONS = ['yes', 'no', 'abstain', 'veto'] as const;
export type VoteOption = (typeof VOTE_OPTIONS)[number];

export const PROPOSAL_KINDS = [
  'treasury-spend',
  'param-change',
  'deflation-burn',
  'create-schedule',
  'cancel-schedule',
  'set-validators',
  'set-authority',
] as const;
export type ProposalKind = (typeof PROPOSAL_KINDS)[number];

export const PROPOSAL_STATUSES = ['deposit', 'voting', 'passed', 'rejected', 'vetoed', 'expired', 'failed'] as const;
export type ProposalStatus = (typeof PROPOSAL_STATUSES)[number];

export interface TreasurySpend {
  readonly fromAccount: Uuid;
  readonly to: Uuid;
  readonly amount: bigint;
}
export interface ParamChange {
  readonly name: string;
  readonly value: bigint;
}
export interface DeflationBurn {
  readonly fromAccount: Uuid;
  readonly amount: bigint;
}
/** The fields of create-schedule (docs/protocol.md §13.2). */
export type { ScheduleSpec };
export interface ScheduleCancel {
  readonly scheduleId: Uuid;
}
export interface ValidatorSetChange {
  readonly validators: readonly Validator[];
  /** A proposal's set takes effect here, or at execution + the finality depth if that is later. */
  readonly activationHeight: bigint;
}
export interface AuthorityChange {
  /** An empty list retires the authority: privileged operations then happen only through governance. */
  readonly keys: readonly string[];
}

/** What a proposal does if it passes: its kind and that kind's payload. */
export type ProposalContent =
  | { readonly kind: 'treasury-spend'; readonly payload: TreasurySpend }
  | { readonly kind: 'param-change'; readonly payload: ParamChange }
  | { readonly kind: 'deflation-burn'; readonly payload: DeflationBurn }
  | { readonly kind: 'create-schedule'; readonly payload: ScheduleSpec }
  | { readonly kind: 'cancel-schedule'; readonly payload: ScheduleCancel }
  | { readonly kind: 'set-validators'; readonly payload: ValidatorSetChange }
  | { readonly kind: 'set-authority'; readonly payload: AuthorityChange };

export interface Tally {
  readonly yes: bigint;
  readonly no: bigint;
  readonly abstain: bigint;
  readonly veto: bigint;
}

export const EMPTY_TALLY: Tally = Object.freeze({ yes: 0n, no: 0n, abstain: 0n, veto: 0n });

export interface Deposit {
  readonly depositor: Uuid;
  readonly amount: bigint;
}

export interface Proposal {
  readonly id: Uuid;
  readonly proposer: Uuid;
  readonly content: ProposalContent;
  readonly title: string;
  readonly status: ProposalStatus;
  readonly createdHeight: bigint;
  /** The deposit period ends here (step 3 of this block expires it if deposits fell short). */
  readonly depositEnd: bigint;
  /** Set when voting starts: the tally runs in step 3 of this block. */
  readonly votingEnd: bigint | null;
  /** One entry per depositor (merged), at most MAX_DEPOSITORS. */
  readonly deposits: readonly Deposit[];
  /** Sum of `deposits`: held by the protocol while the status is deposit or voting. */
  readonly deposited: bigint;
  /** The running tally while voting, the final one after. */
  readonly tally: Tally;
  /** Moved out of the reserve for the voters at the tally. */
  readonly rewardPaid: bigint;
  /** Of rewardPaid, what voters have not settled yet: held by the proposal record. */
  readonly rewardLeft: bigint;
  /** Weight of the votes not settled yet; at 0 the rounding remainder returns to the reserve. */
  readonly unsettledWeight: bigint;
  /** gov_voter_reward - rewardPaid: what the reserve could not cover. */
  readonly rewardShortfall: bigint;
  readonly closedHeight: bigint | null;
}

/** `vote:<proposal>:<wallet>`: the option and the weight the tally counts for it. */
export interface Vote {
  readonly option: VoteOption;
  readonly weight: bigint;
}

/**
 * `meta:staking`: the total stake and the F1-style accumulator of `stakers` payouts. `rewardPerStake`
 * is scaled by REWARD_SCALE and unbounded in principle, so it is stored as a big unsigned integer.
 */
export interface StakingState {
  readonly totalStaked: bigint;
  readonly rewardPerStake: bigint;
  /** (amount × REWARD_SCALE + remainder) mod total_staked of the last payout, carried to the next. */
  readonly remainder: bigint;
  /** Tokens paid to stakers and not settled into a wallet yet (including rounding dust). */
  readonly pot: bigint;
}

export const EMPTY_STAKING: StakingState = Object.freeze({ totalStaked: 0n, rewardPerStake: 0n, remainder: 0n, pot: 0n });

/** A validator set waiting for its activation height (`meta:pending-validators`). */
export interface PendingValidators {
  readonly validators: readonly Validator[];
  readonly activationHeight: bigint;
}

/** Statuses in which the proposal record still holds the deposits. */
export function holdsDeposits(status: ProposalStatus): boolean {
  return status === 'deposit' || status === 'voting';
}
