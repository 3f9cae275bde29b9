/**
 * docs/protocol.md §13.3: after the deadlines, each pool with an auto-replenish rule whose `available` is below
 * `below` is topped up toward `up_to` from the reserve, never by minting. Pools in creation order.
 */
import { minBig } from '../amount.ts';
import type { Ledger } from '../ledger.ts';

export function runAutoReplenish(l: Ledger): void {
  for (const id of l.poolIds()) {
    const pool = l.pool(id);
    const rule = pool.autoReplenish;
    if (rule === null || pool.available >= rule.below) continue;
    const amount = minBig(rule.upTo - pool.available, l.account(l.reserveId()).balance);
    if (amount === 0n) continue;
    l.debitBalance(l.reserveId(), amount);
    l.putPool({ ...pool, available: pool.available + amount, lastReplenishHeight: l.position.height });
    l.recordDistribution({ scheduleId: null, recipientType: 'auto-replenish', recipient: pool.id, amount });
  }
}
