/**
 * How `dchat gov` prints proposals (the JSON of GET /v1/proposals and /v1/proposals/{id}): a table
 * of many, the fields of one, and its running tally against the quorum, veto and threshold rules.
 */
import type { Json } from '../client.ts';
import { atBlock, formatBps, formatTokens } from '../format.ts';
import { fields, grid, rows, section } from '../table.ts';
import { accountLabel, big } from '../token/command.ts';

const orDash = (v: unknown): string => (v === null || v === undefined ? '-' : String(v));

/** num / den in basis points, rounded down (0 when den is 0). */
const share = (num: bigint, den: bigint): bigint => (den === 0n ? 0n : (num * 10_000n) / den);

export function proposalTable(proposals: readonly Json[]): string[] {
  return grid(
    [
      { header: 'Title', align: 'left' }, { header: 'Kind', align: 'left' }, { header: 'Status', align: 'left' },
      { header: 'Deposited', align: 'right' }, { header: 'Yes', align: 'right' }, { header: 'No', align: 'right' }, { header: 'Veto', align: 'right' },
      { header: 'Deadline', align: 'right' }, { header: 'Proposal ID', align: 'left' },
    ],
    proposals.map((p) => {
      const t = p.tally as Json;
      return [String(p.title), String(p.kind), String(p.status), formatTokens(big(p.deposited)), formatTokens(big(t.yes)), formatTokens(big(t.no)), formatTokens(big(t.veto)), orDash(p.deadline), String(p.id)];
    }),
  );
}

/** The payload's fields as `name: value` (amounts grouped, system accounts by name). */
function payloadLines(payload: Json): [string, string][] {
  return Object.entries(payload).map(([name, value]) => {
    if (Array.isArray(value)) return [name, value.length === 0 ? '(none)' : value.map((v) => (typeof v === 'object' && v !== null ? Object.values(v).join(':') : String(v))).join(', ')];
    if (typeof value === 'string' && /^\d+$/.test(value) && name !== 'value') return [name, formatTokens(BigInt(value))];
    return [name, name.endsWith('account') || name === 'to' ? accountLabel(value) : orDash(value)];
  });
}

export function tallyLines(p: Json): string[] {
  const t = p.tally as Json;
  const [yes, no, abstain, veto, turnout, total] = [t.yes, t.no, t.abstain, t.veto, t.turnout, t.total_staked].map(big) as [bigint, bigint, bigint, bigint, bigint, bigint];
  return [
    ...section(`🗳️  Tally of ${String(p.id)} (${String(p.status)})`),
    ...rows([
      ['Yes', formatTokens(yes), `(${formatBps(share(yes, yes + no + veto))} of yes+no+veto; passes above ${formatBps(big(t.threshold_bps))})`],
      ['No', formatTokens(no)],
      ['Abstain', formatTokens(abstain)],
      ['Veto', formatTokens(veto), `(${formatBps(share(veto, turnout))} of turnout; vetoes above ${formatBps(big(t.veto_bps))})`],
      ['Turnout', formatTokens(turnout), `of ${formatTokens(total)} staked (quorum ${formatTokens(big(t.quorum_turnout))})`],
    ], 34),
    ...fields([['Outcome Now', orDash(t.outcome_now)], ['Deadline', p.deadline === null ? `closed at block ${orDash(p.closed_height)}` : atBlock(String(p.deadline))]]),
  ];
}

export function proposalLines(p: Json & { votes: Json[]; deposits: Json[] }): string[] {
  return [
    ...section(`📜 ${String(p.title)}`),
    ...fields([
      ['Proposal ID', String(p.id)], ['Kind', String(p.kind)], ['Status', String(p.status)], ['Proposer', accountLabel(p.proposer)],
      ['Created', atBlock(String(p.created_height))], ['Deposit End', atBlock(String(p.deposit_end))], ['Voting End', p.voting_end === null ? '-' : atBlock(String(p.voting_end))],
      ...payloadLines(p.payload as Json),
    ]),
    ...rows([
      ['Deposited', formatTokens(big(p.deposited)), `of ${formatTokens(big(p.min_deposit))} needed`],
      ['Voter Reward Paid', formatTokens(big(p.reward_paid)), 'tokens'],
      ['Reward Shortfall', formatTokens(big(p.reward_shortfall)), 'tokens'],
    ], 34),
    ...grid([{ header: 'Depositor', align: 'left' }, { header: 'Amount', align: 'right' }], p.deposits.map((d) => [accountLabel(d.depositor), formatTokens(big(d.amount))])),
    ...tallyLines(p),
    ...(p.votes.length === 0 ? ['No votes yet.'] : grid([{ header: 'Voter', align: 'left' }, { header: 'Option', align: 'left' }, { header: 'Weight', align: 'right' }], p.votes.map((v) => [String(v.voter), String(v.option), formatTokens(big(v.weight))]))),
  ];
}
