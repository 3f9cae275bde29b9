/**
 * Governance parameters (docs/protocol.md §17): genesis fields, the last record of
 * `meta:params`, each changeable by a `param-change` proposal within the bounds of PARAM_BOUNDS.
 */
import { U64_MAX } from '../amount.ts';

export interface GovParams {
  /** Deposits a proposal needs to enter voting. */
  readonly minDeposit: bigint;
  /** Blocks after submission for the deposits to reach min_deposit; otherwise it expires. */
  readonly depositBlocks: bigint;
  /** Blocks of voting; at most unbonding_blocks, so no stake can vote twice. */
  readonly votingBlocks: bigint;
  /** Turnout needed, in bps of the total stake at the tally. */
  readonly quorumBps: bigint;
  /** Veto above this share (bps) of the turnout rejects and burns the deposits. */
  readonly vetoBps: bigint;
  /** Yes above this share (bps) of yes + no + veto passes. */
  readonly thresholdBps: bigint;
  /** Paid from the reserve to the voters of each tallied proposal, pro rata to weight. */
  readonly voterReward: bigint;
  /** Proposals in their deposit or voting period at once: what step 3 walks and a stake change adjusts. */
  readonly maxActiveProposals: bigint;
}

export const DEFAULT_GOV_PARAMS: GovParams = Object.freeze({
  minDeposit: 10_000_000n,
  depositBlocks: 100_800n,
  votingBlocks: 100_800n,
  quorumBps: 3_340n,
  vetoBps: 3_340n,
  thresholdBps: 5_000n,
  voterReward: 1_000_000n,
  maxActiveProposals: 16n,
});

/** The defaults for a chain of `unbondingBlocks`: the voting period never longer than unbonding (docs/protocol.md §17). */
export function defaultGovFor(unbondingBlocks: bigint): GovParams {
  return DEFAULT_GOV_PARAMS.votingBlocks <= unbondingBlocks ? DEFAULT_GOV_PARAMS : { ...DEFAULT_GOV_PARAMS, votingBlocks: unbondingBlocks };
}

/** The `--dev` genesis: a developer takes a proposal through in about a minute. */
export const DEV_GOV_PARAMS: GovParams = Object.freeze({
  ...DEFAULT_GOV_PARAMS,
  minDeposit: 1_000n,
  depositBlocks: 10n,
  votingBlocks: 10n,
});

/** The codecs read meta:proposals and a voter's index up to this (the upper end of max_active_proposals). */
export const MAX_ACTIVE_PROPOSALS_LIMIT = 1_000n;
/** Distinct depositors of one proposal: returning or burning the deposits walks them (docs/protocol.md §9). */
export const MAX_DEPOSITORS = 32;

export interface Bound {
  readonly min: bigint;
  readonly max: bigint;
}

/** The ranges of the gov_* parameters, at genesis and in param-change (docs/protocol.md §17.4). */
export const GOV_BOUNDS: { readonly [K in keyof GovParams]: Bound } = {
  minDeposit: { min: 1n, max: U64_MAX },
  depositBlocks: { min: 1n, max: 10_000_000n },
  votingBlocks: { min: 1n, max: 10_000_000n },
  // Never 100 %: a quorum of all stake would let one absent staker block governance for good.
  quorumBps: { min: 1n, max: 9_000n },
  vetoBps: { min: 1n, max: 10_000n },
  // At least a majority, and never so high that nothing can pass.
  thresholdBps: { min: 5_000n, max: 9_000n },
  voterReward: { min: 0n, max: U64_MAX },
  maxActiveProposals: { min: 1n, max: MAX_ACTIVE_PROPOSALS_LIMIT },
};

export const GOV_PARAM_NAMES: { readonly [K in keyof GovParams]: string } = {
  minDeposit: 'gov_min_deposit',
  depositBlocks: 'gov_deposit_blocks',
  votingBlocks: 'gov_voting_blocks',
  quorumBps: 'gov_quorum_bps',
  vetoBps: 'gov_veto_bps',
  thresholdBps: 'gov_threshold_bps',
  voterReward: 'gov_voter_reward',
  maxActiveProposals: 'gov_max_active_proposals',
};
