/** docs/protocol.md §13.2: step 2 of every block, the distribution schedules that are due, in creation order. */
import { addU64, minBig, saturatingAddU64 } from '../amount.ts';
import type { Uuid } from '../ids.ts';
import type { Ledger } from '../ledger.ts';
import type { Schedule } from '../records.ts';
import { relayRecipients } from './relays.ts';
import { payStakers } from '../gov/rewards.ts';
import { setStaking, staking } from '../gov/state.ts';

export function isDue(schedule: Schedule, height: bigint): boolean {
  if (schedule.cancelled || height < schedule.startBlock) return false;
  const elapsed = height - schedule.startBlock;
  if (schedule.durationBlocks !== null && elapsed >= schedule.durationBlocks) return false;
  return elapsed % schedule.intervalBlocks === 0n;
}

/** Equal shares of `paid` into each wallet's pending rewards; returns what left the reserve. */
function payShares(l: Ledger, schedule: Schedule, wallets: readonly Uuid[], paid: bigint): bigint {
  if (wallets.length === 0) return 0n;
  const share = paid / BigInt(wallets.length);
  if (share === 0n) return 0n;
  for (const wallet of wallets) {
    l.creditPendingRewards(wallet, share);
    l.recordDistribution({ scheduleId: schedule.id, recipientType: schedule.recipientType, recipient: wallet, amount: share });
  }
  return share * BigInt(wallets.length);
}

/** Pays one due schedule from the reserve; returns the tokens moved. */
function paySchedule(l: Ledger, schedule: Schedule, paid: bigint): bigint {
  switch (schedule.recipientType) {
    case 'validators':
      return payShares(l, schedule, l.validators().map((v) => v.rewardWallet), paid);
    case 'relays':
      return payShares(l, schedule, relayRecipients(l), paid);
    case 'marketplace': {
      if (paid === 0n) return 0n;
      const pool = l.pool(schedule.poolId!);
      l.putPool({ ...pool, available: addU64(pool.available, paid, 'pool available'), lastReplenishHeight: l.position.height });
      l.recordDistribution({ scheduleId: schedule.id, recipientType: 'marketplace', recipient: pool.id, amount: paid });
      return paid;
    }
    case 'stakers': {
      // Lazily: the accumulator rises, each wallet settles its share later (docs/protocol.md §17.6).
      const next = payStakers(staking(l), paid);
      if (next === null) return 0n;
      setStaking(l, next);
      l.recordDistribution({ scheduleId: schedule.id, recipientType: 'stakers', recipient: schedule.id, amount: paid });
      return paid;
    }
    case 'treasury':
    case 'dev-fund': {
      if (paid === 0n) return 0n;
      const account = l.systemAccountFor(schedule.recipientType);
      l.creditBalance(account, paid);
      l.recordDistribution({ scheduleId: schedule.id, recipientType: schedule.recipientType, recipient: account, amount: paid });
      return paid;
    }
  }
}

/** No height after `height` can be due: its duration ends with this block (or it was cancelled). */
export function isFinishedAfter(schedule: Schedule, height: bigint): boolean {
  return schedule.cancelled || (schedule.durationBlocks !== null && height + 1n >= schedule.startBlock + schedule.durationBlocks);
}

export function runSchedules(l: Ledger): void {
  const height = l.position.height;
  const finished = new Set<Uuid>();
  for (const id of l.scheduleIds()) {
    const schedule = l.schedule(id);
    if (isFinishedAfter(schedule, height)) finished.add(id);
    if (!isDue(schedule, height)) continue;
    const reserve = l.account(l.reserveId()).balance;
    // Never minted: a reserve that cannot cover the interval pays what it holds and records the rest.
    const paid = minBig(schedule.amountPerInterval, reserve);
    const moved = paySchedule(l, schedule, paid);
    l.debitBalance(l.reserveId(), moved);
    l.putSchedule({
      ...l.schedule(id),
      // Statistics saturate at u64: a block step may never fail on them (that would halt the chain).
      paidTotal: saturatingAddU64(schedule.paidTotal, moved),
      shortfallTotal: saturatingAddU64(schedule.shortfallTotal, schedule.amountPerInterval - paid),
      lastRunHeight: height,
    });
  }
  // Only running schedules cost this step: a finished one leaves the list after its last run.
  l.retireSchedules(finished);
}
