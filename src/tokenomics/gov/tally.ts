/**
 * The tally rule (docs/protocol.md §17.3), exact in integers: every share comparison is a
 * cross-multiplication, never a division.
 */
import { BPS_DENOMINATOR } from '../amount.ts';
import type { GovParams } from './params.ts';
import type { Tally } from './records.ts';

export type TallyOutcome = 'passed' | 'rejected' | 'vetoed';

export function decideTally(t: Tally, totalStaked: bigint, gov: Pick<GovParams, 'quorumBps' | 'vetoBps' | 'thresholdBps'>): TallyOutcome {
  const turnout = t.yes + t.no + t.abstain + t.veto;
  // Quorum: turnout ≥ quorum_bps of the total stake, and at least one vote.
  if (turnout === 0n || turnout * BPS_DENOMINATOR < gov.quorumBps * totalStaked) return 'rejected';
  // Veto: veto > veto_bps of the turnout.
  if (t.veto * BPS_DENOMINATOR > gov.vetoBps * turnout) return 'vetoed';
  // Threshold: yes > threshold_bps of yes + no + veto (abstain counts for quorum only).
  if (t.yes * BPS_DENOMINATOR > gov.thresholdBps * (t.yes + t.no + t.veto)) return 'passed';
  return 'rejected';
}
