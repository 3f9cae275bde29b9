/**
 * JSON views of governance (docs/protocol.md §17) for the API: a proposal with its decoded payload,
 * its deposits and its running tally beside what the tally rule would give now; a vote with its voter.
 * Everything is read from the proposal record and two meta keys: O(1) whatever number of votes it has.
 */
import {
  BPS_DENOMINATOR,
  type ChainParams,
  EMPTY_STAKING,
  META_PARAMS,
  META_STAKING,
  type Proposal,
  type StakingState,
  type StateView,
  type Vote,
  decideTally,
  turnout,
} from '../../tokenomics/index.ts';
import { plain } from '../http/plain.ts';

/** The turnout that meets the quorum now: turnout × 10,000 ≥ quorum_bps × total_staked, and at least one vote. */
function quorumTurnout(quorumBps: bigint, totalStaked: bigint): bigint {
  const needed = (quorumBps * totalStaked + BPS_DENOMINATOR - 1n) / BPS_DENOMINATOR;
  return needed > 0n ? needed : 1n;
}

function deadlineOf(p: Proposal): bigint | null {
  if (p.status === 'deposit') return p.depositEnd;
  if (p.status === 'voting') return p.votingEnd;
  return null;
}

export function proposalJson(state: StateView, p: Proposal): unknown {
  const gov = (state.get(META_PARAMS) as ChainParams).gov;
  const totalStaked = ((state.get(META_STAKING) as StakingState | undefined) ?? EMPTY_STAKING).totalStaked;
  const { content, tally, ...record } = p;
  return plain({
    ...record,
    kind: content.kind,
    payload: content.payload,
    deadline: deadlineOf(p),
    minDeposit: gov.minDeposit,
    tally: {
      ...tally,
      turnout: turnout(tally),
      totalStaked,
      quorumTurnout: quorumTurnout(gov.quorumBps, totalStaked),
      quorumBps: gov.quorumBps,
      vetoBps: gov.vetoBps,
      thresholdBps: gov.thresholdBps,
      outcomeNow: p.status === 'voting' ? decideTally(tally, totalStaked, gov) : null,
    },
  });
}

/** A vote as `collections.page('vote', …)` gives it: its id is `<proposal>:<wallet>`. */
export function voteJson(id: string, vote: Vote): unknown {
  return plain({ voter: id.slice(id.indexOf(':') + 1), ...vote });
}
