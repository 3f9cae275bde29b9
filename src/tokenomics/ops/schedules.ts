/** docs/protocol.md §13.2: creating and cancelling distribution schedules (their payouts run in steps/). */
import { requireAmount, requireCount } from '../amount.ts';
import { ErrorCode, TokenError } from '../errors.ts';
import type { Uuid } from '../ids.ts';
import type { Ledger } from '../ledger.ts';
import type { CancelScheduleOp, CreateScheduleOp } from '../operations.ts';
import { RECIPIENT_TYPES, type RecipientType, type Schedule } from '../records.ts';
import { requireAuthority } from './context.ts';
import type { OperationHandler } from './handler.ts';

export function parseRecipientType(text: string): RecipientType {
  const name = typeof text === 'string' ? text.trim().toLowerCase() : '';
  const type = name === 'marketplace-liquidity' ? 'marketplace' : name;
  if ((RECIPIENT_TYPES as readonly string[]).includes(type)) return type as RecipientType;
  throw new TokenError(
    ErrorCode.InvalidParameter,
    `Unknown recipient type "${text}"; use one of ${RECIPIENT_TYPES.join(', ')} (or marketplace-liquidity).`,
  );
}

/** A marketplace schedule's pool: the one named, or the first pool created. */
function schedulePool(l: Ledger, type: RecipientType, poolId: Uuid | null): Uuid | null {
  if (type !== 'marketplace') {
    if (poolId !== null) {
      throw new TokenError(ErrorCode.InvalidParameter, `pool_id applies only to marketplace schedules, not ${type}.`);
    }
    return null;
  }
  if (poolId !== null) return l.pool(poolId).id;
  const first = l.poolIds()[0];
  if (first === undefined) throw new TokenError(ErrorCode.UnknownPool, 'A marketplace schedule needs a pool, and none exists yet.');
  return first;
}

export function openSchedule(l: Ledger, op: Omit<CreateScheduleOp, 'type'>): Schedule {
  const recipientType = parseRecipientType(op.recipientType);
  const earliest = l.position.height + 1n;
  const startBlock = requireCount(op.startBlock ?? earliest, 'start_block', earliest);
  const schedule: Schedule = {
    id: l.ids.id('schedule'),
    recipientType,
    amountPerInterval: requireAmount(op.amountPerInterval, 'amount_per_interval'),
    intervalBlocks: requireCount(op.intervalBlocks, 'interval_blocks'),
    startBlock,
    durationBlocks: op.durationBlocks === null ? null : requireCount(op.durationBlocks, 'duration_blocks'),
    poolId: schedulePool(l, recipientType, op.poolId),
    createdHeight: l.position.height,
    cancelled: false,
    paidTotal: 0n,
    shortfallTotal: 0n,
    lastRunHeight: null,
  };
  l.putSchedule(schedule, true);
  return schedule;
}

export const createSchedule: OperationHandler<CreateScheduleOp> = {
  authorize: (_l, tx) => requireAuthority(tx, 'create a distribution schedule'),
  apply(l, _tx, op) {
    openSchedule(l, op);
  },
};

/** The schedule, refused with ScheduleClosed if already cancelled. */
export function openScheduleFor(l: Ledger, id: Uuid): Schedule {
  const schedule = l.schedule(id);
  if (schedule.cancelled) throw new TokenError(ErrorCode.ScheduleClosed, `Schedule ${schedule.id} is already cancelled.`);
  return schedule;
}

/** Cancels a schedule (the authority's op and a passed cancel-schedule proposal). */
export function closeSchedule(l: Ledger, id: Uuid): void {
  const schedule = openScheduleFor(l, id);
  l.putSchedule({ ...schedule, cancelled: true });
  // A cancelled schedule never runs again: out of the list step 2 walks (docs/protocol.md §9).
  l.retireSchedules(new Set([schedule.id]));
}

export const cancelSchedule: OperationHandler<CancelScheduleOp> = {
  authorize: (_l, tx) => requireAuthority(tx, 'cancel a distribution schedule'),
  apply(l, _tx, op) {
    closeSchedule(l, op.scheduleId);
  },
};
