/**
 * docs/protocol.md (§17.3): submit-proposal, deposit and vote. The tally, the execution and
 * the deposits' return or burn happen in step 3 (steps/proposals.ts).
 */
import { addU64, requireAmount } from '../amount.ts';
import { ErrorCode, TokenError } from '../errors.ts';
import { validateContent } from '../gov/content.ts';
import { MAX_DEPOSITORS } from '../gov/params.ts';
import { EMPTY_TALLY, type Proposal, VOTE_OPTIONS } from '../gov/records.ts';
import { settleRewards } from '../gov/rewards.ts';
import { addToTally } from '../gov/stake-change.ts';
import { activeProposalIds, proposal, putProposal, putVote, setActiveProposalIds, setVoterIndex, vote as readVote } from '../gov/state.ts';
import type { Uuid } from '../ids.ts';
import { type Ledger, requireRoom } from '../ledger.ts';
import type { DepositOp, SubmitProposalOp, VoteOp } from '../operations.ts';
import { requireId, requireTitle } from './context.ts';
import type { OperationHandler } from './handler.ts';

export const MAX_PROPOSAL_TITLE_LENGTH = 128;

/** The first deposit: a quarter of gov_min_deposit (rounded up), as Cosmos' MinInitialDepositRatio, so free slots cannot be filled for nothing. */
export function minInitialDeposit(minDeposit: bigint): bigint {
  return (minDeposit + 3n) / 4n;
}

/** Adds a deposit (merged per depositor) and starts the voting period once min_deposit is reached. */
function addDeposit(l: Ledger, p: Proposal, depositor: Uuid, amount: bigint): Proposal {
  l.debitBalance(depositor, amount);
  const index = p.deposits.findIndex((d) => d.depositor === depositor);
  const deposits = [...p.deposits];
  if (index >= 0) deposits[index] = { depositor, amount: addU64(deposits[index]!.amount, amount, 'the deposit') };
  else {
    requireRoom(deposits.length, BigInt(MAX_DEPOSITORS), ErrorCode.TooManyDepositors, `depositors of proposal ${p.id}`, 'the protocol bound');
    deposits.push({ depositor, amount });
  }
  const deposited = addU64(p.deposited, amount, 'the deposits');
  const gov = l.params().gov;
  const starts = p.status === 'deposit' && deposited >= gov.minDeposit;
  return { ...p, deposits, deposited, ...(starts ? { status: 'voting', votingEnd: l.position.height + gov.votingBlocks } : {}) };
}

export const submitProposal: OperationHandler<SubmitProposalOp> = {
  authorize: () => 'user',
  apply(l, tx, op) {
    const title = requireTitle(op.title, MAX_PROPOSAL_TITLE_LENGTH, 'A proposal title');
    const gov = l.params().gov;
    const amount = requireAmount(op.deposit, 'The deposit', minInitialDeposit(gov.minDeposit));
    const active = activeProposalIds(l);
    requireRoom(active.length, gov.maxActiveProposals, ErrorCode.TooManyProposals, 'active proposals', 'gov_max_active_proposals');
    const content = validateContent(l, { kind: op.kind, payload: op.payload } as SubmitProposalOp);
    const fresh: Proposal = {
      id: l.ids.id('proposal'),
      proposer: tx.signerId,
      content: { kind: content.kind, payload: content.payload } as Proposal['content'],
      title,
      status: 'deposit',
      createdHeight: l.position.height,
      depositEnd: l.position.height + gov.depositBlocks,
      votingEnd: null,
      deposits: [],
      deposited: 0n,
      tally: EMPTY_TALLY,
      rewardPaid: 0n,
      rewardLeft: 0n,
      unsettledWeight: 0n,
      rewardShortfall: 0n,
      closedHeight: null,
    };
    putProposal(l, addDeposit(l, fresh, tx.signerId, amount));
    setActiveProposalIds(l, [...active, fresh.id]);
  },
};

export const deposit: OperationHandler<DepositOp> = {
  authorize: () => 'user',
  apply(l, tx, op) {
    const p = proposal(l, requireId(op.proposalId, 'The proposal'));
    if (p.status !== 'deposit') throw new TokenError(ErrorCode.ProposalClosed, `Proposal ${p.id} is ${p.status}; deposits are taken only in its deposit period.`);
    putProposal(l, addDeposit(l, p, tx.signerId, requireAmount(op.amount, 'The deposit')));
  },
};

export const vote: OperationHandler<VoteOp> = {
  authorize: () => 'user',
  apply(l, tx, op) {
    const p = proposal(l, requireId(op.proposalId, 'The proposal'));
    if (p.status !== 'voting') throw new TokenError(ErrorCode.ProposalClosed, `Proposal ${p.id} is ${p.status}, not voting.`);
    if (!(VOTE_OPTIONS as readonly string[]).includes(op.option)) {
      throw new TokenError(ErrorCode.InvalidParameter, `A vote is one of ${VOTE_OPTIONS.join(', ')}, not "${String(op.option)}".`);
    }
    const weight = l.account(tx.signerId).staked;
    if (weight === 0n) throw new TokenError(ErrorCode.InsufficientStake, `Only a wallet with stake votes; ${tx.signerId} has none staked.`);
    // Settling first keeps the voter's index to proposals still voting (bounded by the active ones).
    const voting = settleRewards(l, tx.signerId);
    const previous = readVote(l, p.id, tx.signerId);
    let tally = p.tally;
    if (previous !== undefined) tally = addToTally(tally, previous.option, -previous.weight);
    putProposal(l, { ...p, tally: addToTally(tally, op.option, weight) });
    putVote(l, p.id, tx.signerId, { option: op.option, weight });
    if (previous === undefined) setVoterIndex(l, tx.signerId, [...voting, p.id]);
  },
};
