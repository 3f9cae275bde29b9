/**
 * `dchat gov`: governance (docs/protocol.md §17) as a client of the node API: propose (one
 * subcommand per kind), deposit, vote, and the list, show and tally views of GET /v1/proposals.
 * Voter and staker rewards are collected with `dchat token claim-rewards`.
 */
import type { Command } from 'commander';
import { PROPOSAL_STATUSES, VOTE_OPTIONS, type VoteOption } from '../../tokenomics/index.ts';
import type { Json } from '../client.ts';
import { type CommonFlags, keyNames, makeContext } from '../context.ts';
import { usageError } from '../errors.ts';
import { formatTokens } from '../format.ts';
import type { CliIo } from '../io.ts';
import { rows } from '../table.ts';
import { type TxFlags, queryCommand, txCommand } from '../token/command.ts';
import { simpleTxAction } from '../tx/command-action.ts';
import { parseAccount, parseAmount, parseCount, parseUuid } from '../values.ts';
import { registerPropose } from './propose.ts';
import { proposalLines, proposalTable, tallyLines } from './views.ts';

const STATUS_FILTERS = [...PROPOSAL_STATUSES, 'open'];

function parseOption(text: string): VoteOption {
  const option = text.trim().toLowerCase();
  if (!(VOTE_OPTIONS as readonly string[]).includes(option)) throw usageError('InvalidParameter', `--option must be one of ${VOTE_OPTIONS.join(', ')}, got "${text}".`);
  return option as VoteOption;
}

type ShowFlags = CommonFlags & { proposalId: string; limit: string };

/** GET /v1/proposals/{id} with a page of `limit` votes; flags checked before the request. */
async function fetchProposal(io: CliIo, flags: ShowFlags) {
  const id = parseUuid('--proposal-id', flags.proposalId);
  const limit = parseCount('--limit', flags.limit, 1n, 1000n);
  const ctx = makeContext(io, flags);
  return { ctx, proposal: await ctx.client.get<Json & { votes: Json[]; deposits: Json[] }>(`/v1/proposals/${id}?limit=${limit}`) };
}

export function registerGov(program: Command, io: CliIo): void {
  const gov = program.command('gov').description('governance: proposals, deposits, stake-weighted votes, tallies (a client of the node API)');
  registerPropose(gov, io);

  txCommand(gov, 'deposit', 'add to a proposal\'s deposits during its deposit period', 'own')
    .requiredOption('--proposal-id <uuid>', 'the proposal')
    .requiredOption('--amount <tokens>', 'tokens to deposit (returned unless the proposal is vetoed)')
    .action(simpleTxAction<TxFlags & { proposalId: string; amount: string }>(io, {
      signer: 'none',
      op: (f) => ({ type: 'deposit', proposalId: parseUuid('--proposal-id', f.proposalId), amount: parseAmount('--amount', f.amount) }),
      title: 'Deposited',
      lines: (_events, op) => rows([['Deposited', formatTokens(op.type === 'deposit' ? op.amount : 0n), 'tokens']], 34),
    }));

  txCommand(gov, 'vote', 'vote with the signing wallet\'s stake (yes, no, abstain or veto); a new vote replaces the old', 'own')
    .requiredOption('--proposal-id <uuid>', 'the proposal')
    .requiredOption('--option <option>', VOTE_OPTIONS.join(', '))
    .action(simpleTxAction<TxFlags & { proposalId: string; option: string }>(io, {
      signer: 'none',
      op: (f) => ({ type: 'vote', proposalId: parseUuid('--proposal-id', f.proposalId), option: parseOption(f.option) }),
      title: 'Voted',
    }));

  queryCommand(gov, 'list', 'proposals, newest first, with their running tallies')
    .option('--status <status>', `only ${STATUS_FILTERS.join(', ')} (open: deposit or voting)`)
    .option('--proposer <id>', 'only this wallet\'s proposals (UUID or key name)')
    .option('--limit <n>', 'at most this many', '100')
    .action(async (flags: CommonFlags & { status?: string; proposer?: string; limit: string }) => {
      if (flags.status !== undefined && !STATUS_FILTERS.includes(flags.status)) throw usageError('InvalidStatus', `--status must be one of ${STATUS_FILTERS.join(', ')}.`);
      const query = new URLSearchParams({ limit: String(parseCount('--limit', flags.limit, 1n, 1000n)) });
      if (flags.status !== undefined) query.set('status', flags.status);
      if (flags.proposer !== undefined) query.set('proposer', parseAccount('--proposer', flags.proposer, keyNames(io, flags)));
      const ctx = makeContext(io, flags);
      const proposals = await ctx.client.get<Json[]>(`/v1/proposals?${query}`);
      ctx.print(proposals, [`🏛️  Proposals (${proposals.length}):`, ...proposalTable(proposals)]);
    });

  queryCommand(gov, 'show', 'one proposal: payload, deposits, tally and votes')
    .requiredOption('--proposal-id <uuid>', 'the proposal')
    .option('--limit <n>', 'votes to list (by voter id)', '50')
    .action(async (flags: ShowFlags) => {
      const { ctx, proposal } = await fetchProposal(io, flags);
      ctx.print(proposal, proposalLines(proposal));
    });

  queryCommand(gov, 'tally', 'a proposal\'s running tally against the quorum, veto and threshold, and the outcome if tallied now')
    .requiredOption('--proposal-id <uuid>', 'the proposal')
    .action(async (flags: ShowFlags) => {
      const { ctx, proposal } = await fetchProposal(io, { ...flags, limit: '1' });
      ctx.print({ proposal_id: proposal.id, status: proposal.status, deadline: proposal.deadline, ...(proposal.tally as Json) }, tallyLines(proposal));
    });
}
