/**
 * Governance on the wire and in state (docs/protocol.md §17.8): the payloads of submit-proposal,
 * deposit, vote and set-validators, and the proposal, vote, staking and pending-validator records.
 */
import type {
  Deposit,
  PendingValidators,
  Proposal,
  ProposalContent,
  ProposalKind,
  StakingState,
  Tally,
  Validator,
  Vote,
  SubmitProposalOp,
} from '../../tokenomics/index.ts';
// Values from their own files, not the index: the client SDK encodes these payloads without the rest of the token economy.
import { MAX_ACTIVE_PROPOSALS_LIMIT, MAX_DEPOSITORS } from '../../tokenomics/gov/params.ts';
import { PROPOSAL_KINDS, PROPOSAL_STATUSES, VOTE_OPTIONS } from '../../tokenomics/gov/records.ts';
import { MAX_AUTHORITY_KEYS, MAX_VALIDATORS } from '../../tokenomics/params.ts';
import { bytesToHex, hexToBytes } from '../../tokenomics/uuid-text.ts';
import { malformed } from '../errors.ts';
import { type Codec, bin, describeRaw, hexBin, list, nullable, oneOf, record, str, u64, uuid } from './schema.ts';

const BIG_UINT_BYTES = 32;
const bytes = bin();

/**
 * An unsigned integer below 2^256 as binary of its big-endian bytes without leading zeros (zero is
 * the empty binary): the stakers' accumulator outgrows u64. Anything with a leading zero is refused,
 * so one value has one encoding.
 */
export const bigUint: Codec<bigint> = {
  enc(v) {
    if (v < 0n || v >= 1n << BigInt(BIG_UINT_BYTES * 8)) throw new RangeError(`${v} is outside the 256-bit accumulator range.`);
    const hex = v === 0n ? '' : v.toString(16);
    return hexToBytes(hex.length % 2 === 1 ? `0${hex}` : hex);
  },
  dec(raw, path) {
    const b = bytes.dec(raw, path);
    if (b.length > BIG_UINT_BYTES) malformed(path, `more than ${BIG_UINT_BYTES} bytes.`);
    if (b.length > 0 && b[0] === 0) malformed(path, 'a leading zero byte (not canonical).');
    return b.length === 0 ? 0n : BigInt(`0x${bytesToHex(b)}`);
  },
};

export const validatorCodec = record<Validator>({ publicKey: hexBin(32), rewardWallet: uuid });
export const validatorsCodec = list(validatorCodec, MAX_VALIDATORS);

/** create-schedule's fields: its own payload (tx.ts) and a create-schedule proposal's. */
export const scheduleFields = {
  recipientType: str(32),
  amountPerInterval: u64,
  intervalBlocks: u64,
  startBlock: nullable(u64),
  durationBlocks: nullable(u64),
  poolId: nullable(uuid),
};

/** Each kind's payload, fields in docs/protocol.md §17.8 order. */
const KIND_PAYLOADS: { [K in ProposalKind]: Codec<Extract<ProposalContent, { kind: K }>['payload']> } = {
  'treasury-spend': record({ fromAccount: uuid, to: uuid, amount: u64 }),
  'param-change': record({ name: str(64), value: u64 }),
  'deflation-burn': record({ fromAccount: uuid, amount: u64 }),
  'create-schedule': record(scheduleFields),
  'cancel-schedule': record({ scheduleId: uuid }),
  'set-validators': record({ validators: validatorsCodec, activationHeight: u64 }),
  'set-authority': record({ keys: list(hexBin(32), MAX_AUTHORITY_KEYS) }),
};

const kindCodec = oneOf(PROPOSAL_KINDS);

function payloadCodec(kind: ProposalKind): Codec<unknown> {
  return KIND_PAYLOADS[kind] as Codec<unknown>;
}

/** `[kind, payload]`: the payload read with its kind's codec. */
export const contentCodec: Codec<ProposalContent> = {
  enc: (v) => [v.kind, payloadCodec(v.kind).enc(v.payload)],
  dec(raw, path) {
    if (!Array.isArray(raw) || raw.length !== 2) malformed(path, 'expected [kind, payload].');
    const kind = kindCodec.dec(raw[0], `${path}.kind`);
    return { kind, payload: payloadCodec(kind).dec(raw[1], `${path}.payload`) } as ProposalContent;
  },
};

const title = str(256);

/** submit-proposal: `[kind, payload, title, deposit]`. */
export const submitProposalPayload: Codec<Omit<SubmitProposalOp, 'type'>> = {
  enc: (v) => [v.kind, payloadCodec(v.kind).enc(v.payload), title.enc(v.title), u64.enc(v.deposit)],
  dec(raw, path) {
    if (!Array.isArray(raw) || raw.length !== 4) malformed(path, `expected [kind, payload, title, deposit], got ${describeRaw(raw)}.`);
    const content = contentCodec.dec([raw[0], raw[1]], path);
    return { ...content, title: title.dec(raw[2], `${path}.title`), deposit: u64.dec(raw[3], `${path}.deposit`) } as Omit<SubmitProposalOp, 'type'>;
  },
};

export const GOV_PAYLOADS = {
  'submit-proposal': submitProposalPayload,
  deposit: record({ proposalId: uuid, amount: u64 }),
  vote: record({ proposalId: uuid, option: oneOf(VOTE_OPTIONS) }),
  'set-validators': record({ validators: validatorsCodec, activationHeight: u64 }),
};

const tally = record<Tally>({ yes: u64, no: u64, abstain: u64, veto: u64 });

export const proposalCodec = record<Proposal>({
  id: uuid,
  proposer: uuid,
  content: contentCodec,
  title,
  status: oneOf(PROPOSAL_STATUSES),
  createdHeight: u64,
  depositEnd: u64,
  votingEnd: nullable(u64),
  deposits: list(record<Deposit>({ depositor: uuid, amount: u64 }), MAX_DEPOSITORS),
  deposited: u64,
  tally,
  rewardPaid: u64,
  rewardLeft: u64,
  unsettledWeight: u64,
  rewardShortfall: u64,
  closedHeight: nullable(u64),
});

export const voteCodec = record<Vote>({ option: oneOf(VOTE_OPTIONS), weight: u64 });
export const stakingCodec = record<StakingState>({ totalStaked: u64, rewardPerStake: bigUint, remainder: u64, pot: u64 });
export const pendingValidatorsCodec = record<PendingValidators>({ validators: validatorsCodec, activationHeight: u64 });
/** meta:proposals and voter:<wallet>: at most the largest gov_max_active_proposals. */
export const proposalIdsCodec = list(uuid, Number(MAX_ACTIVE_PROPOSALS_LIMIT));
