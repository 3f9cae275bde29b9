/** Schedule commands: create-schedule, cancel-schedule, list-schedules (docs/protocol.md §13.2). */
import type { Command } from 'commander';
import { IdSource, type RecipientType, type ScheduleSpec } from '../../tokenomics/index.ts';
import type { Json } from '../client.ts';
import { type CommonFlags, makeContext } from '../context.ts';
import { usageError } from '../errors.ts';
import { formatTokens } from '../format.ts';
import type { CliIo } from '../io.ts';
import { fields, grid, rows } from '../table.ts';
import { txAction } from '../tx/command-action.ts';
import { parseAmount, parseCount, parseRecipientTypeFlag, parseUuid } from '../values.ts';
import { type TxFlags, accountLabel, big, queryCommand, txCommand } from './command.ts';

const orDash = (v: unknown): string => (v === null || v === undefined ? '-' : String(v));

export interface ScheduleFlags {
  recipientType: string;
  amount: string;
  intervalBlocks: string;
  startBlock?: string;
  durationBlocks?: string;
  poolId?: string;
}

/** The flags of a schedule's fields (docs/protocol.md §13.2): `token create-schedule` and `gov propose create-schedule`. */
export function scheduleOptions(command: Command): Command {
  return command
    .requiredOption('--recipient-type <type>', 'validators, relays, marketplace (marketplace-liquidity), treasury, dev-fund or stakers')
    .requiredOption('--amount <tokens>', 'tokens per interval')
    .requiredOption('--interval-blocks <n>', 'blocks between payouts')
    .option('--start-block <height>', 'first payout height (default: the next block)')
    .option('--duration-blocks <n>', 'stop after this many blocks (default: never)')
    .option('--pool-id <uuid>', 'marketplace schedules: the pool to replenish (default: the first pool)');
}

export function parseScheduleFlags(flags: ScheduleFlags): ScheduleSpec & { recipientType: RecipientType } {
  const recipientType = parseRecipientTypeFlag(flags.recipientType);
  const amountPerInterval = parseAmount('--amount', flags.amount);
  const intervalBlocks = parseCount('--interval-blocks', flags.intervalBlocks);
  const startBlock = flags.startBlock === undefined ? null : parseCount('--start-block', flags.startBlock);
  const durationBlocks = flags.durationBlocks === undefined ? null : parseCount('--duration-blocks', flags.durationBlocks);
  const poolId = flags.poolId === undefined ? null : parseUuid('--pool-id', flags.poolId);
  if (poolId !== null && recipientType !== 'marketplace') throw usageError('InvalidParameter', `--pool-id applies only to marketplace schedules, not ${recipientType}.`);
  return { recipientType, amountPerInterval, intervalBlocks, startBlock, durationBlocks, poolId };
}

export function registerSchedules(token: Command, io: CliIo): void {
  scheduleOptions(txCommand(token, 'create-schedule', 'authority: pay a recipient type from the inflation reserve every N blocks', 'authority'))
    .action(txAction(io, {
      signer: 'authority',
      op: (flags: TxFlags & ScheduleFlags) => ({ type: 'create-schedule', ...parseScheduleFlags(flags) }) as const,
      outcome: async ({ ctx, op, result }) => {
        const scheduleId = IdSource.forTx(result.hash).id('schedule');
        const schedule = result.status === 'included'
          ? (await ctx.client.get<Json[]>('/v1/schedules?limit=1000')).find((s) => s.id === scheduleId) ?? null
          : null;
        return {
          title: 'Schedule created',
          details: { schedule_id: scheduleId, schedule },
          lines: () => [
            ...fields([
              ['Schedule ID', scheduleId],
              ['Recipient Type', op.recipientType],
              ['Every', `${formatTokens(op.intervalBlocks)} blocks from block ${orDash(schedule?.start_block)}`],
              ['Duration', op.durationBlocks === null ? 'perpetual' : `${formatTokens(op.durationBlocks)} blocks`],
              ['Next Payout', `block ${orDash(schedule?.next_run_height)}`],
            ]),
            ...rows([['Per Interval', formatTokens(op.amountPerInterval), 'tokens']], 34),
          ],
        };
      },
    }));

  txCommand(token, 'cancel-schedule', 'authority: stop a distribution schedule', 'authority')
    .requiredOption('--schedule-id <uuid>', 'the schedule')
    .action(txAction(io, {
      signer: 'authority',
      op: (flags: TxFlags & { scheduleId: string }) => ({ type: 'cancel-schedule', scheduleId: parseUuid('--schedule-id', flags.scheduleId) }) as const,
      outcome: ({ op }) => ({ title: 'Schedule cancelled', details: { schedule_id: op.scheduleId }, lines: () => fields([['Schedule ID', op.scheduleId]]) }),
    }));

  queryCommand(token, 'list-schedules', 'distribution schedules with paid and shortfall totals')
    .action(async (flags: CommonFlags) => {
      const ctx = makeContext(io, flags);
      const schedules = await ctx.client.get<Json[]>('/v1/schedules?limit=1000');
      ctx.print(schedules, [
        `📅 Distribution Schedules (${schedules.length}):`,
        ...grid(
          [
            { header: 'Recipient', align: 'left' }, { header: 'Per Interval', align: 'right' }, { header: 'Every', align: 'right' },
            { header: 'Paid', align: 'right' }, { header: 'Shortfall', align: 'right' }, { header: 'Next', align: 'right' }, { header: 'Schedule ID', align: 'left' },
          ],
          schedules.map((s) => [
            s.pool_id === null ? String(s.recipient_type) : `marketplace ${accountLabel(s.pool_id).slice(0, 8)}`,
            formatTokens(big(s.amount_per_interval)), formatTokens(big(s.interval_blocks)), formatTokens(big(s.paid_total)),
            formatTokens(big(s.shortfall_total)), s.cancelled === true ? 'cancelled' : orDash(s.next_run_height), String(s.id),
          ]),
        ),
      ]);
    });
}
