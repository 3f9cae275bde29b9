/** docs/protocol.md §13.3: marketplace liquidity pools and their allocations. */
import { addU64, requireAmount, requireCount } from '../amount.ts';
import { ErrorCode, TokenError } from '../errors.ts';
import type { Uuid } from '../ids.ts';
import type { Ledger } from '../ledger.ts';
import type {
  AllocateOp,
  CancelAllocationOp,
  CreatePoolOp,
  ReleaseAllocationOp,
  ReplenishPoolOp,
} from '../operations.ts';
import { DEFAULT_PARAMS } from '../params.ts';
import type { Allocation, AutoReplenish, Pool } from '../records.ts';
import { requireAuthority, requireAuthorityOrOperator, requireId } from './context.ts';
import type { OperationHandler } from './handler.ts';

export const MAX_POOL_NAME_LENGTH = 64;

export function validatePoolName(name: string): string {
  const trimmed = typeof name === 'string' ? name.trim() : '';
  if (trimmed.length === 0 || trimmed.length > MAX_POOL_NAME_LENGTH) {
    throw new TokenError(ErrorCode.InvalidParameter, `A pool name has 1 to ${MAX_POOL_NAME_LENGTH} characters.`);
  }
  return trimmed;
}

export function validateAutoReplenish(rule: AutoReplenish | null): AutoReplenish | null {
  if (rule === null) return null;
  requireAmount(rule.below, 'auto_replenish.below', 0n);
  requireAmount(rule.upTo, 'auto_replenish.up_to', 0n);
  if (rule.below > rule.upTo) {
    throw new TokenError(ErrorCode.InvalidParameter, `auto_replenish.below (${rule.below}) may not exceed up_to (${rule.upTo}).`);
  }
  return { below: rule.below, upTo: rule.upTo };
}

/**
 * Creates a pool and mints its initial tokens. Genesis uses it too, with reason `genesis`.
 */
export function openPool(
  l: Ledger,
  spec: { name: string; initialAmount: bigint; operator: Uuid | null; autoReplenish: AutoReplenish | null },
  reason: 'marketplace-liquidity' | 'genesis',
): Pool {
  const pool: Pool = {
    id: l.ids.id('pool'),
    name: validatePoolName(spec.name),
    available: 0n,
    reserved: 0n,
    operator: spec.operator === null ? null : requireId(spec.operator, 'The pool operator'),
    autoReplenish: validateAutoReplenish(spec.autoReplenish),
    createdHeight: l.position.height,
    createdAtMs: l.position.timestampMs,
    lastReplenishHeight: l.position.height,
  };
  const initialAmount = requireAmount(spec.initialAmount, 'The initial pool amount', 0n);
  l.putPool(pool, true);
  l.mint(initialAmount, reason, { pool: pool.id });
  return l.pool(pool.id);
}

export const createPool: OperationHandler<CreatePoolOp> = {
  authorize: (_l, tx) => requireAuthority(tx, 'create a pool'),
  apply(l, _tx, op) {
    openPool(l, op, 'marketplace-liquidity');
  },
};

export const replenishPool: OperationHandler<ReplenishPoolOp> = {
  authorize: (_l, tx) => requireAuthority(tx, 'replenish a pool'),
  apply(l, _tx, op) {
    const amount = requireAmount(op.amount, 'The replenish amount');
    l.pool(op.poolId);
    l.mint(amount, 'marketplace-liquidity', { pool: op.poolId });
    l.putPool({ ...l.pool(op.poolId), lastReplenishHeight: l.position.height });
  },
};

export const allocate: OperationHandler<AllocateOp> = {
  authorize: (l, tx, op) => requireAuthorityOrOperator(l, tx, op.poolId, 'allocate from a pool'),
  apply(l, _tx, op) {
    const amount = requireAmount(op.amount, 'The allocation amount');
    const recipient = requireId(op.recipient, 'The allocation recipient');
    const lifetime = requireCount(op.expiresInBlocks ?? DEFAULT_PARAMS.allocationExpiryBlocks, 'expires_in_blocks');
    const deadline = l.position.height + lifetime;
    requireCount(deadline, 'The allocation deadline (height + expires_in_blocks)');
    const pool = l.pool(op.poolId);
    if (pool.available < amount) {
      throw new TokenError(
        ErrorCode.InsufficientPoolTokens,
        `Pool ${pool.id} has ${pool.available} tokens available but ${amount} were asked for.`,
      );
    }
    const allocation: Allocation = {
      id: l.ids.id('allocation'),
      poolId: pool.id,
      amount,
      recipient,
      createdHeight: l.position.height,
      deadline,
      status: 'pending',
      closedHeight: null,
    };
    l.putPool({ ...pool, available: pool.available - amount, reserved: addU64(pool.reserved, amount, 'pool reserved') });
    l.putAllocation(allocation);
    l.addDeadline(deadline, { kind: 'allocation', id: allocation.id });
  },
};

/** The allocation, checked to belong to the pool and to be still pending. */
function pendingAllocation(l: Ledger, poolId: Uuid, allocationId: Uuid): Allocation {
  l.pool(poolId);
  const allocation = l.allocation(allocationId);
  if (allocation.poolId !== poolId) {
    throw new TokenError(ErrorCode.UnknownAllocation, `Allocation ${allocationId} does not belong to pool ${poolId}.`);
  }
  if (allocation.status !== 'pending') {
    throw new TokenError(ErrorCode.AllocationClosed, `Allocation ${allocationId} is already ${allocation.status}.`);
  }
  return allocation;
}

/** Returns a pending allocation's tokens to its pool's `available` (cancel and expiry). */
export function returnAllocation(l: Ledger, allocation: Allocation, status: 'cancelled' | 'expired'): void {
  const pool = l.pool(allocation.poolId);
  l.putPool({
    ...pool,
    reserved: pool.reserved - allocation.amount,
    available: addU64(pool.available, allocation.amount, 'pool available'),
  });
  l.putAllocation({ ...allocation, status, closedHeight: l.position.height });
}

export const releaseAllocation: OperationHandler<ReleaseAllocationOp> = {
  authorize: (l, tx, op) => requireAuthorityOrOperator(l, tx, op.poolId, 'release an allocation'),
  apply(l, _tx, op) {
    const allocation = pendingAllocation(l, op.poolId, op.allocationId);
    const pool = l.pool(op.poolId);
    l.putPool({ ...pool, reserved: pool.reserved - allocation.amount });
    l.putAllocation({ ...allocation, status: 'released', closedHeight: l.position.height });
    l.payWithFee(pool.id, allocation.recipient, allocation.amount);
  },
};

export const cancelAllocation: OperationHandler<CancelAllocationOp> = {
  authorize: (l, tx, op) => requireAuthorityOrOperator(l, tx, op.poolId, 'cancel an allocation'),
  apply(l, _tx, op) {
    returnAllocation(l, pendingAllocation(l, op.poolId, op.allocationId), 'cancelled');
  },
};
