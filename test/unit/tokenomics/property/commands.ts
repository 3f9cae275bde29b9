/** Turns a scenario command into an operation, its ids resolved against a state view (the model or the real chain). */
import {
  type Allocation,
  type Operation,
  type StateValue,
  type Uuid,
  META_POOLS,
  META_SCHEDULES,
  SYSTEM_ACCOUNT_IDS,
} from '../../../../src/tokenomics/index.ts';
import { walletOf } from '../chain-harness.ts';
import { type Target, type Source, UNKNOWN_ID, BAD_ID, type Ref, type Cmd } from './scenario.ts';

// ---------------------------------------------------------------------------------------------
// Turning commands into operations (ids resolved against a state view)
// ---------------------------------------------------------------------------------------------

export interface Reader {
  get(key: string): StateValue | undefined;
  keysWithPrefix(prefix: string): string[];
}

export function targetId(t: Target): string {
  if (t === 'treasury') return SYSTEM_ACCOUNT_IDS.treasury;
  if (t === 'reserve') return SYSTEM_ACCOUNT_IDS.reserve;
  if (t === 'bad-id') return BAD_ID;
  return walletOf(t);
}

export function sourceId(s: Source): Uuid {
  return s === 'alice' ? walletOf('alice') : SYSTEM_ACCOUNT_IDS[s];
}

export function poolIdsOf(r: Reader): readonly Uuid[] {
  return (r.get(META_POOLS) as readonly Uuid[] | undefined) ?? [];
}

export function scheduleIdsOf(r: Reader): readonly Uuid[] {
  return (r.get(META_SCHEDULES) as readonly Uuid[] | undefined) ?? [];
}

export function allocationsOf(r: Reader): Allocation[] {
  return r
    .keysWithPrefix('allocation:')
    .sort()
    .map((k) => r.get(k) as Allocation);
}

export function pick<T>(items: readonly T[], ref: Ref): T | undefined {
  return ref < 0 || items.length === 0 ? undefined : items[ref % items.length];
}

export function toOperation(cmd: Cmd, r: Reader, height: bigint, signerId: Uuid): Operation {
  switch (cmd.t) {
    case 'transfer':
      return { type: 'transfer', to: targetId(cmd.to), amount: cmd.amount };
    case 'burn':
      return {
        type: 'burn',
        amount: cmd.amount,
        reason: cmd.reason,
        account: cmd.account === 'none' ? null : cmd.account === 'self' ? signerId : sourceId(cmd.account),
      };
    case 'mint':
      return { type: 'mint', amount: cmd.amount, reason: cmd.reason, recipient: cmd.recipient === null ? null : targetId(cmd.recipient) };
    case 'transfer-from-system':
      return { type: 'transfer-from-system', fromAccount: sourceId(cmd.from), to: targetId(cmd.to), amount: cmd.amount };
    case 'create-pool':
      return {
        type: 'create-pool',
        name: cmd.name,
        initialAmount: cmd.initial,
        operator: cmd.withOperator ? walletOf('operator') : null,
        autoReplenish: cmd.auto,
      };
    case 'replenish-pool':
      return { type: 'replenish-pool', poolId: pick(poolIdsOf(r), cmd.pool) ?? UNKNOWN_ID, amount: cmd.amount };
    case 'allocate':
      return {
        type: 'allocate',
        poolId: pick(poolIdsOf(r), cmd.pool) ?? UNKNOWN_ID,
        amount: cmd.amount,
        recipient: targetId(cmd.recipient),
        expiresInBlocks: cmd.expires,
      };
    case 'release-allocation':
    case 'cancel-allocation': {
      const allocation = pick(allocationsOf(r), cmd.allocation);
      if (allocation === undefined) return { type: cmd.t, poolId: pick(poolIdsOf(r), 0) ?? UNKNOWN_ID, allocationId: UNKNOWN_ID };
      const otherPool = poolIdsOf(r).find((id) => id !== allocation.poolId) ?? UNKNOWN_ID;
      return { type: cmd.t, poolId: cmd.wrongPool ? otherPool : allocation.poolId, allocationId: allocation.id };
    }
    case 'create-schedule':
      return {
        type: 'create-schedule',
        recipientType: cmd.recipientType,
        amountPerInterval: cmd.amount,
        intervalBlocks: cmd.interval,
        startBlock: cmd.startOffset === null ? null : height + BigInt(cmd.startOffset),
        durationBlocks: cmd.duration,
        poolId: cmd.pool === null ? null : (pick(poolIdsOf(r), cmd.pool) ?? UNKNOWN_ID),
      };
    case 'cancel-schedule':
      return { type: 'cancel-schedule', scheduleId: pick(scheduleIdsOf(r), cmd.schedule) ?? UNKNOWN_ID };
    case 'claim-rewards':
      return { type: 'claim-rewards' };
  }
}
