/** Supply commands: stats, mint, burn, mint-history, burn-history, process-inflation, projection. */
import type { Command } from 'commander';
import { type AccountFlags, accountOf, accountOption } from '../account-flag.ts';
import { type BurnReason, PROTOCOL_MINT_REASONS, SYSTEM_ACCOUNT_IDS, isSystemAccount } from '../../tokenomics/index.ts';
import type { Json } from '../client.ts';
import { type CommonFlags, type Context, keyNames, makeContext } from '../context.ts';
import { CliError, usageError } from '../errors.ts';
import { describeBlockSpan, formatBps, formatRate, formatTime, formatTokens } from '../format.ts';
import type { CliIo } from '../io.ts';
import { grid, rows, section } from '../table.ts';
import { txAction } from '../tx/command-action.ts';
import type { TxEvents } from '../tx/submit.ts';
import { parseAccount, parseAmount, parseBurnReasonFlag, parseCount, parseMintReasonFlag } from '../values.ts';
import { type TxFlags, accountLabel, big, queryCommand, sum, txCommand } from './command.ts';

function statsLines(s: Json): string[] {
  const max = s.max_supply === null ? 'unlimited' : formatTokens(big(s.max_supply));
  const issued = s.issued_bps === null ? '' : `(${formatBps(big(s.issued_bps))} issued)`;
  return [
    ...section('💰 Token Supply Statistics'),
    ...rows([
      ['Circulating Supply', formatTokens(big(s.circulating_supply)), 'tokens'],
      ['Total Minted', formatTokens(big(s.total_minted)), 'tokens'],
      ['Total Burned', formatTokens(big(s.total_burned)), 'tokens'],
      ['Effective Supply', formatTokens(big(s.effective_supply)), 'tokens'],
      ['Max Supply', max, s.max_supply === null ? undefined : `tokens ${issued}`],
    ]),
    '',
    ...section('📊 Economics'),
    ...rows([
      ['Inflation Rate', formatRate(big(s.inflation_rate_bps))],
      ['Burn Rate', formatRate(big(s.burn_rate_bps))],
      ['Annual Provision', formatTokens(big(s.annual_provision)), 'tokens'],
      ['Inflation Reserve', formatTokens(big(s.reserve_balance)), 'tokens'],
      ['Block Height', formatTokens(big(s.head_height))],
    ]),
    '',
    ...section('🏪 Marketplace Liquidity'),
    ...rows([
      ['Total Pool Liquidity', formatTokens(big(s.total_pool_liquidity)), 'tokens'],
      ['Active Pools', String(s.pool_count)],
    ]),
  ];
}

function historyCommand(token: Command, io: CliIo, kind: 'mint' | 'burn'): void {
  const parseReason = kind === 'mint' ? parseMintReasonFlag : parseBurnReasonFlag;
  queryCommand(token, `${kind}-history`, `recent ${kind}s, newest first`)
    .option('--limit <n>', 'how many (1-1000)', '20')
    .option('--reason <reason>', `only this ${kind} reason`)
    .action(async (flags: CommonFlags & { limit: string; reason?: string }) => {
      const limit = parseCount('--limit', flags.limit, 1n, 1000n);
      const reason = flags.reason === undefined ? undefined : parseReason(flags.reason);
      const ctx = makeContext(io, flags);
      const events = await ctx.client.get<Json[]>(`/v1/history/${kind}s?limit=${limit}${reason === undefined ? '' : `&reason=${reason}`}`);
      const who = kind === 'mint' ? 'Recipient' : 'Burner';
      const cells = events.map((e) => [
        String(e.height),
        formatTokens(big(e.amount)),
        String(e.reason),
        kind === 'mint' && e.recipient === null ? `pool ${String(e.pool_id)}` : accountLabel(kind === 'mint' ? e.recipient : e.burner),
        formatTime(big(e.timestamp_ms)),
      ]);
      const title = kind === 'mint' ? '🪙 Mint History' : '🔥 Burn History';
      ctx.print(events, [
        `${title} (${events.length}${reason === undefined ? '' : ` ${reason}`}, newest first)`,
        ...grid(
          [{ header: 'Block', align: 'right' }, { header: 'Amount', align: 'right' }, { header: 'Reason', align: 'left' }, { header: who, align: 'left' }, { header: 'Time (UTC)', align: 'left' }],
          cells,
        ),
      ]);
    });
}

/** A dev node refuses a block more than one slot ahead of its clock (FutureSlot): wait a slot and ask again. */
async function produceBlock(ctx: Context): Promise<Json> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await ctx.client.post<Json>('/v1/dev/produce-block');
    } catch (err) {
      if (!(err instanceof CliError && err.code === 'FutureSlot') || attempt >= 20) throw err;
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  }
}

export function registerSupply(token: Command, io: CliIo): void {
  queryCommand(token, 'stats', 'supply statistics: minted, burned, circulating, effective, max, rates, pools')
    .action(async (flags: CommonFlags) => {
      const ctx = makeContext(io, flags);
      const stats = await ctx.client.get<Json>('/v1/stats');
      ctx.print(stats, statsLines(stats));
    });

  txCommand(token, 'mint', 'authority: create tokens (block-reward, relay-reward, marketplace, airdrop, governance)', 'authority')
    .requiredOption('--amount <tokens>', 'tokens to mint')
    .requiredOption('--reason <reason>', 'mint reason')
    .option('--recipient <id>', 'wallet UUID, key name or system account (default treasury)')
    .action(txAction(io, {
      signer: 'authority',
      op: (flags: TxFlags & { amount: string; reason: string; recipient?: string }) => {
        const amount = parseAmount('--amount', flags.amount);
        const reason = parseMintReasonFlag(flags.reason);
        if (PROTOCOL_MINT_REASONS.has(reason)) {
          throw usageError('InvalidReason', `Mint reason "${reason}" is the protocol's own: genesis mints happen only at genesis and inflation only per block.`);
        }
        const recipient = flags.recipient === undefined ? SYSTEM_ACCOUNT_IDS.treasury : parseAccount('--recipient', flags.recipient, keyNames(io, flags));
        return { type: 'mint', amount, reason, recipient } as const;
      },
      outcome: ({ op: { amount, reason, recipient } }) => ({
        title: 'Mint included',
        details: { amount: amount.toString(), reason, recipient },
        lines: () => [...rows([['Minted', formatTokens(amount), 'tokens']], 34), `Reason: ${reason}`, `Recipient: ${accountLabel(recipient)}`],
      }),
    }));

  accountOption(txCommand(token, 'burn', 'destroy tokens: a wallet its own (voluntary), the authority a system account (deflation, fee)', 'own'), 'the account to burn from')
    .requiredOption('--amount <tokens>', 'tokens to burn')
    .option('--reason <reason>', 'voluntary (a wallet), deflation or fee (a system account)')
    .action(txAction(io, {
      parse: (flags: TxFlags & AccountFlags & { amount: string; reason?: string }) => {
        const account = accountOf(io, flags, 'the account to burn from');
        const amount = parseAmount('--amount', flags.amount);
        const system = isSystemAccount(account);
        const reason: BurnReason = flags.reason === undefined ? (system ? 'deflation' : 'voluntary') : parseBurnReasonFlag(flags.reason);
        if (system && reason !== 'deflation' && reason !== 'fee') {
          throw usageError('InvalidReason', `A burn from a system account uses reason deflation or fee, not ${reason}.`);
        }
        if (!system && reason !== 'voluntary') throw usageError('InvalidReason', `A wallet burns its own tokens with reason voluntary, not ${reason}.`);
        return { account, amount, reason, system };
      },
      op: ({ account, amount, reason, system }) => ({ type: 'burn', amount, reason, account: system ? account : null }),
      // A wallet's burn is signed by that wallet (its key found by id); a system burn by the authority.
      signer: ({ system }) => (system ? 'authority' : 'none'),
      defaultKey: ({ account, system }) => (system ? undefined : account),
      authorize: (signer, { account, system }) => {
        if (!system && signer.walletId !== account) {
          throw usageError('Unauthorized', `A wallet burns only its own tokens: key "${signer.name}" is wallet ${signer.walletId}, not ${account}.`);
        }
      },
      // What was asked to burn and the signer's min fee, apart: "Burned: 501" for --amount 500 misleads.
      outcome: ({ parsed: { account, amount, reason }, result }) => ({
        title: 'Burn included',
        details: { account, amount: amount.toString(), reason, fee_burned: sum(result.events.burns, 'fee').toString() },
        lines: (events) => [
          ...rows([['Burned', formatTokens(sum(events.burns, reason)), 'tokens'], ['Fee Burned', formatTokens(sum(events.burns, 'fee')), 'tokens']], 34),
          `Reason: ${reason}`,
          `Account: ${accountLabel(account)}`,
        ],
      }),
    }));

  historyCommand(token, io, 'mint');
  historyCommand(token, io, 'burn');

  queryCommand(token, 'process-inflation', 'dev node: produce a block now and show what it minted and paid out')
    .action(async (flags: CommonFlags) => {
      const ctx = makeContext(io, flags);
      const block = await produceBlock(ctx);
      const events = block.events as TxEvents;
      const inflation = sum(events.mints, 'inflation');
      const stats = await ctx.client.get<Json>('/v1/stats');
      const paid = sum(events.distributions);
      ctx.print(
        { height: block.height, hash: block.hash, inflation_minted: inflation.toString(), distributed: paid.toString(), burned: sum(events.burns).toString(), events, total_supply: stats.circulating_supply },
        [
          ...section(`⛏️  Block ${String(block.height)} produced`),
          ...rows([
            ['Inflation Minted', formatTokens(inflation), 'tokens (to the reserve)'],
            ['Distributed', formatTokens(paid), `tokens in ${events.distributions.length} payout${events.distributions.length === 1 ? '' : 's'}`],
            ['Burned', formatTokens(sum(events.burns)), 'tokens'],
            ['Total Supply', formatTokens(big(stats.circulating_supply)), 'tokens'],
          ]),
          ...events.distributions.map((d) => `  ${String(d.recipient_type).padEnd(14)} ${formatTokens(big(d.amount)).padStart(18)} tokens -> ${accountLabel(d.recipient)}`),
        ],
      );
    });

  queryCommand(token, 'projection', 'project supply, minted and burned over the next blocks or years (docs/protocol.md §13.1)')
    .option('--blocks <n>', 'blocks past the head')
    .option('--years <n>', 'inflation years past the head (default 1)')
    .option('--burn-per-block <tokens>', 'tokens assumed burned per block', '0')
    .option('--points <n>', 'sample points (1-1000)', '12')
    .action(async (flags: CommonFlags & { blocks?: string; years?: string; burnPerBlock: string; points: string }) => {
      if (flags.blocks !== undefined && flags.years !== undefined) throw usageError('InvalidParameter', 'Give --blocks or --years, not both.');
      const span = flags.blocks !== undefined ? `blocks=${parseCount('--blocks', flags.blocks)}` : `years=${parseCount('--years', flags.years ?? '1', 1n, 1000n)}`;
      const burn = parseAmount('--burn-per-block', flags.burnPerBlock, 0n);
      const points = parseCount('--points', flags.points, 1n, 1000n);
      const ctx = makeContext(io, flags);
      const p = await ctx.client.get<Json & { points: Json[] }>(`/v1/projection?${span}&burn_per_block=${burn}&points=${points}`);
      const node = await ctx.client.get<Json>('/v1/node');
      const blocks = big(p.to_height) - big(p.from_height);
      ctx.print(p, [
        `📈 Supply Projection from block ${formatTokens(big(p.from_height))} (burning ${formatTokens(burn)} per block)`,
        `Span: ${describeBlockSpan(blocks, big(p.blocks_per_year), big(node.block_time_ms))}`,
        ...grid(
          [{ header: 'Block', align: 'right' }, { header: 'Total Supply', align: 'right' }, { header: 'Minted', align: 'right' }, { header: 'Burned', align: 'right' }, { header: 'Reserve', align: 'right' }],
          p.points.map((pt) => [formatTokens(big(pt.height)), formatTokens(big(pt.total_supply)), formatTokens(big(pt.minted)), formatTokens(big(pt.burned)), formatTokens(big(pt.reserve))]),
        ),
      ]);
    });
}
