/**
 * docs/protocol.md §3.4 and §8.3: objects whose deadline is this height, in creation order. An object created at
 * height h with lifetime n is due at h + n, before that block's transactions.
 */
import type { Ledger } from '../ledger.ts';
import { returnAllocation } from '../ops/pools.ts';
import { matureUnbonding } from '../ops/staking.ts';
import { payoutToSeller } from '../ops/marketplace.ts';

export function runDeadlines(l: Ledger): void {
  const height = l.position.height;
  // At most max_deadlines_per_height entries (docs/protocol.md §9), each a key of its own.
  const count = l.deadlineCount(height);
  for (let index = 0n; index < count; index++) {
    const entry = l.deadlineAt(height, index);
    switch (entry.kind) {
      case 'allocation': {
        const allocation = l.allocation(entry.id);
        // Released or cancelled before the deadline: nothing left to return.
        if (allocation.status === 'pending') returnAllocation(l, allocation, 'expired');
        break;
      }
      case 'unbonding':
        matureUnbonding(l, entry.id);
        break;
      case 'escrow': {
        const purchase = l.purchase(entry.id);
        // Confirmed, refunded or disputed before the deadline: nothing is paid out automatically.
        if (purchase.status === 'escrowed') payoutToSeller(l, purchase, 'timed-out');
        break;
      }
    }
  }
  l.clearDeadlines(height);
}
