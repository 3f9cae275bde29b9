/** Shared pieces of the governance tests (docs/protocol.md §17): a small chain with short periods, proposals by name. */
import type { Operation, Proposal, ProposalContent, SubmitProposalOp, Uuid } from '../../../src/tokenomics/index.ts';
import { type SmallGenesisOptions, TestChain, smallGenesis } from './chain-harness.ts';

export const MIN_DEPOSIT = 100n;
export const PERIOD = 5n;

/** Deposits of 100, deposit and voting periods of 5 blocks, unbonding 10; no voter reward unless asked. */
export function govChain(options: SmallGenesisOptions = {}): TestChain {
  return new TestChain(
    smallGenesis({
      unbondingBlocks: 10n,
      ...options,
      gov: { minDeposit: MIN_DEPOSIT, depositBlocks: PERIOD, votingBlocks: PERIOD, voterReward: 0n, ...options.gov },
    }),
  );
}

export function proposalOf(c: TestChain, id: Uuid): Proposal {
  return c.state.get(`proposal:${id}`) as Proposal;
}

export function submitOp(content: ProposalContent, deposit = MIN_DEPOSIT, title = 'A proposal'): SubmitProposalOp {
  return { type: 'submit-proposal', title, deposit, ...content } as SubmitProposalOp;
}

/** Submits (in its own block) and returns the new proposal's id. */
export function propose(c: TestChain, name: string, content: ProposalContent, deposit = MIN_DEPOSIT): Uuid {
  const before = new Set(c.idsWithPrefix('proposal:'));
  c.run(name, submitOp(content, deposit));
  return c.idsWithPrefix('proposal:').find((id) => !before.has(id))!;
}

/** Runs empty blocks until the proposal's voting period has ended (its tally ran). */
export function untilTallied(c: TestChain, id: Uuid): Proposal {
  const end = proposalOf(c, id).votingEnd!;
  while (c.height < end) c.block();
  return proposalOf(c, id);
}

export const stake = (amount: bigint): Operation => ({ type: 'stake', amount });
export const voteOp = (proposalId: Uuid, option: 'yes' | 'no' | 'abstain' | 'veto'): Operation => ({ type: 'vote', proposalId, option });
