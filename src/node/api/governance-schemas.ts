/**
 * JSON schemas of the governance routes (docs/protocol.md §17): the proposals list's and one
 * proposal's query strings, and the Proposal, ProposalVote and LiveTally components of the
 * OpenAPI document. A file of its own beside schemas.ts, whose helpers it uses.
 */
import { PROPOSAL_KINDS, PROPOSAL_STATUSES, RECIPIENT_TYPES, VOTE_OPTIONS } from '../../tokenomics/index.ts';
import { type JsonSchema, amount, blocks, bps, height, hex, list, nullable, object, pageProperties, ref, scanned, u64, uuid } from './schemas.ts';

/** `open` is deposit or voting: the proposals still running. */
export const PROPOSAL_STATUS_FILTERS = [...PROPOSAL_STATUSES, 'open'] as const;

export const governanceQuery = {
  proposals: {
    type: 'object',
    additionalProperties: false,
    properties: {
      status: { type: 'string', enum: [...PROPOSAL_STATUS_FILTERS], description: `Only proposals in this status (open: deposit or voting). ${scanned}` },
      proposer: { ...uuid, description: 'Only this wallet\'s proposals (read from an index).' },
      ...pageProperties('proposals, newest first'),
    },
  },
  proposalVotes: { type: 'object', additionalProperties: false, properties: pageProperties('votes of the proposal, by voter id') },
} satisfies Record<string, JsonSchema>;

const tokens = (description: string): JsonSchema => ({ ...amount, description });

/**
 * Every field a payload may carry; which ones depend on the kind (docs/protocol.md §17.2), so none
 * is required and no other is allowed.
 */
const payload: JsonSchema = {
  type: 'object',
  description: 'The kind\'s payload, decoded: treasury-spend {from_account, to, amount}; param-change {name, value}; deflation-burn {from_account, amount}; '
    + 'create-schedule {recipient_type, amount_per_interval, interval_blocks, start_block, duration_blocks, pool_id}; cancel-schedule {schedule_id}; '
    + 'set-validators {validators, activation_height}; set-authority {keys} (empty: retires the authority).',
  properties: {
    from_account: uuid, to: uuid, amount, name: { type: 'string', maxLength: 64 }, value: u64('The new value'),
    recipient_type: { type: 'string', enum: [...RECIPIENT_TYPES, 'marketplace-liquidity'] }, amount_per_interval: amount, interval_blocks: blocks,
    start_block: nullable(height), duration_blocks: nullable(blocks), pool_id: nullable(uuid), schedule_id: uuid,
    validators: list(object({ public_key: hex(32, 'The validator\'s ed25519 key.'), reward_wallet: uuid })), activation_height: height,
    keys: list(hex(32, 'An authority ed25519 key.')),
  },
};

const votes = (description: string): JsonSchema => ({ ...amount, description });

export const governanceComponents: Record<string, JsonSchema> = {
  LiveTally: object({
    yes: votes('Stake voting yes.'), no: votes('Stake voting no.'), abstain: votes('Stake abstaining (counts for the quorum only).'), veto: votes('Stake voting veto.'),
    turnout: votes('yes + no + abstain + veto.'),
    total_staked: tokens('The total stake now: the quorum\'s base at a tally run now.'),
    quorum_turnout: tokens('The turnout a tally run now needs: ceil(gov_quorum_bps × total_staked / 10,000), at least 1.'),
    quorum_bps: bps, veto_bps: bps, threshold_bps: bps,
    outcome_now: nullable({ type: 'string', enum: ['passed', 'rejected', 'vetoed', null], description: 'What the tally rule (docs/protocol.md §17.3) gives if it ran on these figures now; null unless voting.' }),
  }, 'The running tally (kept as votes and stakes change, docs/protocol.md §17.4); after the tally, the tallied figures.'),
  Proposal: object({
    id: uuid, proposer: uuid, kind: { type: 'string', enum: [...PROPOSAL_KINDS] }, payload, title: { type: 'string' },
    status: { type: 'string', enum: [...PROPOSAL_STATUSES] }, created_height: height, deposit_end: height, voting_end: nullable(height),
    deadline: nullable({ ...height, description: 'Where the current period ends: deposit_end while in deposit, voting_end while voting; null once closed.' }),
    deposits: list(object({ depositor: uuid, amount })), deposited: tokens('Sum of the deposits.'),
    min_deposit: tokens('gov_min_deposit now: deposits reaching it open voting.'),
    tally: ref('LiveTally'),
    reward_paid: tokens('Moved from the reserve to the voters at the tally.'), reward_left: tokens('Of reward_paid, what voters have not settled yet.'),
    unsettled_weight: votes('Weight of the votes whose reward share is not settled yet.'), reward_shortfall: tokens('gov_voter_reward less reward_paid: what the reserve could not cover.'),
    closed_height: nullable(height),
  }, 'A governance proposal (docs/protocol.md §17.8), amounts as decimal strings.'),
  ProposalVote: object({ voter: uuid, option: { type: 'string', enum: [...VOTE_OPTIONS] }, weight: votes('The stake it counts with (the voter\'s staked, kept current while voting).') }),
};
