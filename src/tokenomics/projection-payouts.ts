/**
 * What a supply projection (projection.ts) pays out of the reserve: the running schedules
 * (docs/protocol.md §13.2) and pool auto-replenish (§13.3), over empty blocks. Besides paying a
 * stretch of blocks, it says when a stretch can be paid in one step exactly: when the reserve
 * provably covers every due payment in full (`coveredUntil`), or provably runs dry at every due height
 * (`drains`); otherwise the projection walks from one due height to the next (`nextEvent`).
 */
import { minBig } from './amount.ts';
import type { Uuid } from './ids.ts';
import type { ChainParams } from './params.ts';
import type { Walk } from './projection-walk.ts';
import type { Account, Pool, Schedule, Validator } from './records.ts';
import * as K from './state/keys.ts';
import type { StateView } from './state/store.ts';

export interface Payouts {
  /**
   * Pays what falls due at heights in (from, to] out of the reserve: schedules in creation order
   * (marketplace ones into their pool), then pools below their auto-replenish line. Exact when only
   * one height in the stretch has payments, or up to what `coveredUntil` gave.
   */
  pay(w: Walk, from: bigint, to: bigint): void;
  /**
   * The last height h <= `to` such that, with every block minting at least `minMint`, each
   * schedule due in (w.height, h] is paid in full (w.height if not even the next block is sure).
   */
  coveredUntil(w: Walk, to: bigint, minMint: bigint): bigint;
  /**
   * The last due height of (w.height, to] if, with no block minting more than `maxMint`, every due
   * height of the stretch finds less in the reserve than its first schedule asks; else null.
   */
  drains(w: Walk, to: bigint, maxMint: bigint): bigint | null;
  /** Pays (from, to] after `drains` held for it: each due height takes the whole reserve. */
  payDrained(w: Walk, from: bigint, to: bigint): void;
  /** The first height in (from, to] at which anything is paid, or null. */
  nextEvent(from: bigint, to: bigint): bigint | null;
}

interface PoolWalk {
  available: bigint;
  readonly below: bigint;
  readonly upTo: bigint;
}

export function schedulePayouts(state: StateView): Payouts {
  const ids = (state.get(K.META_SCHEDULES) as readonly Uuid[] | undefined) ?? [];
  const schedules = ids.map((id) => state.get(K.scheduleKey(id)) as Schedule).filter((s) => !s.cancelled);
  const validators = (state.get(K.META_VALIDATORS) as readonly Validator[] | undefined) ?? [];
  const params = state.get(K.META_PARAMS) as ChainParams;
  const relays = ((state.get(K.META_RELAYS) as readonly Uuid[] | undefined) ?? []).filter(
    (id) => ((state.get(K.accountKey(id)) as Account | undefined)?.staked ?? 0n) >= params.relayMinStake,
  );
  const recipients = (s: Schedule): bigint => BigInt(s.recipientType === 'validators' ? validators.length : s.recipientType === 'relays' ? relays.length : 1);
  // Only pools that schedules or auto-replenish touch need following; an empty block changes no other.
  const pools = new Map<Uuid, PoolWalk>();
  for (const id of (state.get(K.META_POOLS) as readonly Uuid[] | undefined) ?? []) {
    const pool = state.get(K.poolKey(id)) as Pool;
    pools.set(id, { available: pool.available, below: pool.autoReplenish?.below ?? 0n, upTo: pool.autoReplenish?.upTo ?? 0n });
  }
  const poolBelowLine = (): boolean => [...pools.values()].some((pool) => pool.available < pool.below);
  const dueIn = (from: bigint, to: bigint): Schedule[] => schedules.filter((s) => runsBetween(s, from, to) > 0n);
  const payReserve = (w: Walk, demand: bigint): bigint => {
    const paid = minBig(demand, w.reserve);
    w.reserve -= paid;
    w.scheduledPaid += paid;
    return paid;
  };

  return {
    pay(w, from, to) {
      for (const s of schedules) {
        const runs = runsBetween(s, from, to);
        if (runs === 0n) continue;
        // docs/protocol.md §13.2: the shortfall is what the reserve could not cover, whoever the recipients are.
        const wanted = runs * s.amountPerInterval;
        const paid = minBig(wanted, w.reserve);
        w.shortfall += wanted - paid;
        // Equal shares of each run: the indivisible remainder, or everything when there is no
        // recipient, stays in the reserve. Several runs in one stretch are always paid in full.
        const n = recipients(s);
        const moved = payReserve(w, n === 0n ? 0n : runs === 1n ? (paid / n) * n : runs * (s.amountPerInterval / n) * n);
        if (s.poolId !== null) pools.get(s.poolId)!.available += moved;
      }
      for (const pool of pools.values()) {
        if (pool.available < pool.below) pool.available += payReserve(w, pool.upTo - pool.available);
      }
    },

    coveredUntil(w, to, minMint) {
      // A pool below its line takes from the reserve every block until it is back: walk those blocks.
      if (poolBelowLine()) return w.height;
      const due = dueIn(w.height, to);
      if (due.length === 0) return to;
      // Within L blocks schedule s runs at most ceil(L / I_s) <= (L + I_s - 1) / I_s times, and the
      // reserve gains at least L * minMint. So every due payment of the first L blocks is paid in
      // full when R + L*minMint >= sum A_s*(L + I_s - 1)/I_s, i.e. (over the common denominator d)
      // R*d - lag >= L*(rate - minMint*d): for every L when the mint outpaces the schedules, else
      // up to the L at which the reserve may run short.
      const d = due.reduce((product, s) => product * s.intervalBlocks, 1n);
      const rate = due.reduce((sum, s) => sum + s.amountPerInterval * (d / s.intervalBlocks), 0n);
      const lag = due.reduce((sum, s) => sum + s.amountPerInterval * (s.intervalBlocks - 1n) * (d / s.intervalBlocks), 0n);
      const slack = w.reserve * d - lag;
      if (slack < 0n) return w.height;
      const excess = rate - minMint * d;
      return excess <= 0n ? to : minBig(to, w.height + slack / excess);
    },

    drains(w, to, maxMint) {
      if (poolBelowLine()) return null;
      const due = dueIn(w.height, to);
      if (due.length === 0) return null;
      // One recipient each and no pool to follow: then a short schedule moves exactly what it is
      // paid, the reserve is left empty, and later schedules at that height get nothing.
      if (due.some((s) => recipients(s) !== 1n || s.poolId !== null)) return null;
      // Gaps between due heights: at most the interval of a schedule running the whole stretch.
      const whole = due.filter((s) => s.startBlock <= w.height + 1n && (s.durationBlocks === null || s.startBlock + s.durationBlocks - 1n >= to));
      if (whole.length === 0) return null;
      const gap = whole.reduce((least, s) => (s.intervalBlocks < least ? s.intervalBlocks : least), whole[0]!.intervalBlocks);
      const smallest = due.reduce((least, s) => (s.amountPerInterval < least ? s.amountPerInterval : least), due[0]!.amountPerInterval);
      const first = due.reduce((earliest, s) => minBig(earliest, nextDue(s, w.height)!), to);
      // What a due height can find: the reserve now plus the mint until the first one; later, only
      // the mint since the due height before. Less than any schedule asks: each one runs it dry.
      if (w.reserve + (first - w.height) * maxMint >= smallest || gap * maxMint >= smallest) return null;
      return due.reduce((latest, s) => {
        const last = lastDue(s, to);
        return last !== null && last > latest ? last : latest;
      }, first);
    },

    payDrained(w, from, to) {
      // Every due height of the stretch paid out all the reserve held; the last one is `to`.
      const wanted = schedules.reduce((sum, s) => sum + runsBetween(s, from, to) * s.amountPerInterval, 0n);
      const paid = w.reserve;
      w.reserve = 0n;
      w.scheduledPaid += paid;
      w.shortfall += wanted - paid;
    },

    nextEvent(from, to) {
      if (poolBelowLine()) return from + 1n;
      let next: bigint | null = null;
      for (const s of schedules) {
        const due = nextDue(s, from);
        if (due !== null && due <= to && (next === null || due < next)) next = due;
      }
      return next;
    },
  };
}

/** How many times a schedule is due at heights in (from, to] (docs/protocol.md §13.2's due rule, counted). */
export function runsBetween(s: Schedule, from: bigint, to: bigint): bigint {
  const lo = from + 1n > s.startBlock ? from + 1n : s.startBlock;
  let hi = to;
  if (s.durationBlocks !== null && s.startBlock + s.durationBlocks - 1n < hi) hi = s.startBlock + s.durationBlocks - 1n;
  if (hi < lo) return 0n;
  const first = (lo - s.startBlock + s.intervalBlocks - 1n) / s.intervalBlocks;
  const last = (hi - s.startBlock) / s.intervalBlocks;
  return last >= first ? last - first + 1n : 0n;
}

/** The first height after `from` at which a schedule is due, or null if it never is again. */
function nextDue(s: Schedule, from: bigint): bigint | null {
  const lo = from + 1n > s.startBlock ? from + 1n : s.startBlock;
  const height = s.startBlock + ((lo - s.startBlock + s.intervalBlocks - 1n) / s.intervalBlocks) * s.intervalBlocks;
  return s.durationBlocks !== null && height > s.startBlock + s.durationBlocks - 1n ? null : height;
}

/** The last height up to `to` at which a schedule is due, or null if none. */
function lastDue(s: Schedule, to: bigint): bigint | null {
  let hi = to;
  if (s.durationBlocks !== null && s.startBlock + s.durationBlocks - 1n < hi) hi = s.startBlock + s.durationBlocks - 1n;
  if (hi < s.startBlock) return null;
  return s.startBlock + ((hi - s.startBlock) / s.intervalBlocks) * s.intervalBlocks;
}
