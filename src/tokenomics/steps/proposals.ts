/**
 * docs/protocol.md §17.3, in step 3: after the objects due at this height, the active
 * proposals in creation order. A deposit period that ends short expires (deposits returned); a
 * voting period that ends is tallied, the voters' reward moves from the reserve to the proposal,
 * a passed proposal executes, and the deposits are returned (burned when vetoed). At most
 * gov_max_active_proposals proposals, each O(its ≤ 32 depositors): never O(voters).
 */
import { minBig } from '../amount.ts';
import { isTokenError } from '../errors.ts';
import { executeContent } from '../gov/content.ts';
import { type Proposal, type ProposalStatus } from '../gov/records.ts';
import { turnout } from '../gov/rewards.ts';
import { activeProposalIds, proposal, putProposal, setActiveProposalIds, staking } from '../gov/state.ts';
import { decideTally } from '../gov/tally.ts';
import type { Uuid } from '../ids.ts';
import { Ledger } from '../ledger.ts';

function closeWithDeposits(l: Ledger, p: Proposal, status: ProposalStatus): Proposal {
  for (const d of p.deposits) {
    if (status === 'vetoed') l.burn(d.amount, 'veto', d.depositor);
    else l.creditBalance(d.depositor, d.amount);
  }
  return { ...p, status, closedHeight: l.position.height };
}

/** Runs a passed proposal in an overlay of its own: a failure (say, an empty treasury) leaves nothing. */
function tryExecute(l: Ledger, p: Proposal): boolean {
  const inner = new Ledger(l.overlay, l.position, l.ids, null);
  try {
    executeContent(inner, p.content);
  } catch (err) {
    if (isTokenError(err)) return false;
    throw err;
  }
  inner.commitInto(l);
  return true;
}

function tallyProposal(l: Ledger, p: Proposal): Proposal {
  const gov = l.params().gov;
  const total = turnout(p.tally);
  const outcome = decideTally(p.tally, staking(l).totalStaked, gov);
  // Voters are paid whatever the outcome (never minted: the reserve pays what it holds).
  const paid = total === 0n ? 0n : minBig(gov.voterReward, l.account(l.reserveId()).balance);
  if (paid > 0n) {
    l.debitBalance(l.reserveId(), paid);
    l.recordDistribution({ scheduleId: null, recipientType: 'voters', recipient: p.id, amount: paid });
  }
  const rewarded: Proposal = {
    ...p,
    rewardPaid: paid,
    rewardLeft: paid,
    unsettledWeight: total,
    rewardShortfall: total === 0n ? 0n : gov.voterReward - paid,
  };
  // Written before execution, so an execution that reads the proposal sees it tallied.
  putProposal(l, rewarded);
  const status: ProposalStatus = outcome !== 'passed' ? outcome : tryExecute(l, rewarded) ? 'passed' : 'failed';
  return closeWithDeposits(l, rewarded, status);
}

export function runProposals(l: Ledger): void {
  const height = l.position.height;
  const closed = new Set<Uuid>();
  for (const id of activeProposalIds(l)) {
    const p = proposal(l, id);
    if (p.status === 'deposit' && height >= p.depositEnd) {
      putProposal(l, closeWithDeposits(l, p, 'expired'));
      closed.add(id);
    } else if (p.status === 'voting' && height >= p.votingEnd!) {
      putProposal(l, tallyProposal(l, p));
      closed.add(id);
    }
  }
  if (closed.size > 0) setActiveProposalIds(l, activeProposalIds(l).filter((id) => !closed.has(id)));
}
