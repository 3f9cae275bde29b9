/** JSON views of state and blocks for the API: amounts as decimal strings, bytes as hex. */
import type { Block, BlockHeader } from '../../chain/codec/block.ts';
import {
  type Account,
  type Allocation,
  type Pool,
  type Schedule,
  type SupplyStats,
  type TokenEvent,
  isDue,
  systemAccountName,
} from '../../tokenomics/index.ts';
import type { Projection } from '../../tokenomics/projection.ts';
import { plain } from '../http/plain.ts';

/** An account with its derived figures; `nextNonce` counts the wallet's transactions still pending. */
export function accountJson(id: string, account: Account, nextNonce: bigint = account.nonce): unknown {
  const unbondingTotal = account.unbonding.reduce((sum, e) => sum + e.amount, 0n);
  return plain({
    id,
    name: systemAccountName(id) ?? null,
    ...account,
    unbondingTotal,
    totalAssets: account.balance + account.staked + unbondingTotal + account.pendingRewards,
    nextNonce,
  });
}

export function blockJson(block: Block, events?: BlockEvents): unknown {
  return plain({
    hash: block.hash,
    ...block.header,
    signature: block.signature,
    txs: block.txs.map((t) => ({ hash: t.hash, ...t.tx, signature: t.signature })),
    ...(events === undefined ? {} : { events: eventsJson(events) }),
  });
}

/** A header with its signature and hash: what a light client checks (docs/protocol.md §3.1). */
export function headerJson(header: BlockHeader, signature: Uint8Array, hash: Uint8Array): unknown {
  return plain({ hash, ...header, signature });
}

export function statsJson(stats: SupplyStats): unknown {
  return plain({ ...stats, headHeight: stats.height });
}

export function eventJson(event: TokenEvent): unknown {
  return plain(event);
}

/** A block's (or one transaction's) events, grouped by kind, each group oldest first. */
export interface BlockEvents {
  readonly mints: readonly TokenEvent[];
  readonly burns: readonly TokenEvent[];
  readonly distributions: readonly TokenEvent[];
}

export function eventsJson(events: BlockEvents): unknown {
  return { mints: events.mints.map(eventJson), burns: events.burns.map(eventJson), distributions: events.distributions.map(eventJson) };
}

export function poolJson(pool: Pool, pendingAllocations: number): unknown {
  return plain({ ...pool, total: pool.available + pool.reserved, pendingAllocations });
}

export function allocationJson(allocation: Allocation): unknown {
  return plain(allocation);
}

/** A schedule with the next height it pays at (null once it never will again). */
export function scheduleJson(schedule: Schedule, headHeight: bigint): unknown {
  return plain({ ...schedule, nextRunHeight: nextRun(schedule, headHeight) });
}

function nextRun(s: Schedule, headHeight: bigint): bigint | null {
  const from = headHeight + 1n > s.startBlock ? headHeight + 1n : s.startBlock;
  const steps = (from - s.startBlock + s.intervalBlocks - 1n) / s.intervalBlocks;
  const next = s.startBlock + steps * s.intervalBlocks;
  return isDue(s, next) ? next : null;
}

export function projectionJson(projection: Projection): unknown {
  return plain(projection);
}
