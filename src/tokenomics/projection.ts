/**
 * The supply projection of docs/protocol.md §13.1: supply, minted and burned over the next N blocks under the
 * current parameters, assuming a fixed burn volume per block. Pure: it reads a state view and
 * walks closed forms, never every block, so a projection over decades costs microseconds.
 *
 * Exact for supply, minted and burned (the same arithmetic as the per-block inflation step,
 * clipping at the cap included): schedules and auto-replenish only move tokens out of the reserve,
 * never change the supply. The reserve and payout figures are exact too, whatever the number of
 * sample points: stretches the reserve provably covers are taken in one step, and while it may
 * fall short the walk goes from one due height to the next (so a reserve short of a schedule
 * due every block costs one step per block). A projection assumes empty blocks apart from the
 * burn: no marketplace sales, allocation expiries or staking changes.
 */
import { minBig } from './amount.ts';
import { SYSTEM_ACCOUNT_IDS, type Uuid } from './ids.ts';
import type { ChainParams } from './params.ts';
import type { Account, BlockPosition, Pool, Schedule, SupplyState, Validator } from './records.ts';
import * as K from './state/keys.ts';
import type { StateView } from './state/store.ts';
import { annualProvisionFor } from './steps/inflation.ts';

export interface ProjectionOptions {
  /** How many blocks after the head to project (at least 1). */
  readonly blocks: bigint;
  /** Tokens burned in every block, after that block's inflation (transaction fees and the like). */
  readonly burnPerBlock: bigint;
  /** How many sample points to return (at least 1); the last one is always the horizon. */
  readonly points: number;
}

export interface ProjectionPoint {
  readonly height: bigint;
  /** Blocks after the head at which the projection started. */
  readonly blocksAhead: bigint;
  readonly totalSupply: bigint;
  readonly totalMinted: bigint;
  readonly totalBurned: bigint;
  /** Inflation minted since the start of the projection. */
  readonly minted: bigint;
  /** Burned since the start of the projection. */
  readonly burned: bigint;
  /** The annual provision in force for the block after this point. */
  readonly annualProvision: bigint;
  readonly reserve: bigint;
  /** Paid out of the reserve by schedules (and auto-replenish) since the start. */
  readonly scheduledPaid: bigint;
  /** What due schedules could not be paid since the start (never minted, docs/protocol.md §13.2). */
  readonly scheduleShortfall: bigint;
}

export interface ProjectionYear {
  readonly year: bigint;
  readonly firstHeight: bigint;
  readonly lastHeight: bigint;
  readonly annualProvision: bigint;
}

export interface Projection {
  readonly fromHeight: bigint;
  readonly toHeight: bigint;
  readonly burnPerBlock: bigint;
  readonly blocksPerYear: bigint;
  readonly start: ProjectionPoint;
  readonly points: readonly ProjectionPoint[];
  /** The inflation years the projection touches, with their provisions. */
  readonly years: readonly ProjectionYear[];
  /** The first height at which inflation was clipped by max_supply, if it happens. */
  readonly capReachedAt: bigint | null;
}

/** Mutable walk state: what one block of the inflation step reads and writes, plus totals. */
interface Walk {
  height: bigint;
  supply: bigint;
  totalMinted: bigint;
  totalBurned: bigint;
  provision: bigint;
  carry: bigint;
  minted: bigint;
  burned: bigint;
  reserve: bigint;
  scheduledPaid: bigint;
  shortfall: bigint;
  capReachedAt: bigint | null;
}

interface Rules {
  readonly perYear: bigint;
  readonly cap: bigint | null;
  readonly burn: bigint;
  readonly rateBps: bigint;
}

export function projectSupply(state: StateView, options: ProjectionOptions): Projection {
  const params = state.get(K.META_PARAMS) as ChainParams;
  const supply = state.get(K.META_SUPPLY) as SupplyState;
  const head = state.get(K.META_HEAD) as BlockPosition;
  const rules: Rules = {
    perYear: params.blocksPerYear,
    cap: params.supply.maxSupply,
    burn: options.burnPerBlock,
    rateBps: params.supply.inflationRateBps,
  };
  const reserveAccount = state.get(K.accountKey(SYSTEM_ACCOUNT_IDS.reserve)) as Account | undefined;
  const walk: Walk = {
    height: head.height,
    supply: supply.totalMinted - supply.totalBurned,
    totalMinted: supply.totalMinted,
    totalBurned: supply.totalBurned,
    provision: supply.annualProvision,
    carry: supply.carry,
    minted: 0n,
    burned: 0n,
    reserve: reserveAccount?.balance ?? 0n,
    scheduledPaid: 0n,
    shortfall: 0n,
    capReachedAt: null,
  };
  const payouts = schedulePayouts(state);
  const toHeight = head.height + options.blocks;
  const samples = sampleHeights(head.height, options.blocks, options.points);
  const years: ProjectionYear[] = [yearOf(walk.height + 1n, walk.provision, rules.perYear)];
  const start = pointOf(walk, head.height);
  const points: ProjectionPoint[] = [];

  // Block head+1 is its own segment: what is due at once (a pool below its auto-replenish line) lands exactly there.
  const stops = new Set<bigint>([head.height + 1n, ...samples]);
  for (let end = (head.height / rules.perYear + 1n) * rules.perYear; end <= toHeight; end += rules.perYear) stops.add(end);
  for (const stop of [...stops].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    advance(walk, stop, rules, payouts);
    if (stop % rules.perYear === 0n) {
      // docs/protocol.md §13.1: the provision of the next year is fixed from the supply after this block.
      walk.provision = annualProvisionFor(walk.supply, rules.rateBps);
      walk.carry = 0n;
      if (stop < toHeight) years.push(yearOf(stop + 1n, walk.provision, rules.perYear));
    }
    if (samples.includes(stop)) points.push(pointOf(walk, head.height));
  }
  return {
    fromHeight: head.height,
    toHeight,
    burnPerBlock: rules.burn,
    blocksPerYear: rules.perYear,
    start,
    points,
    years,
    capReachedAt: walk.capReachedAt,
  };
}

/**
 * Walks to `to` exactly. A stretch is taken in one closed-form step when the reserve provably
 * covers everything due in it (no block can be short, so the order of payments does not matter);
 * otherwise the walk goes from one due height to the next, each taken as the real block takes it.
 */
function advance(w: Walk, to: bigint, r: Rules, payouts: Payouts): void {
  while (w.height < to) {
    const from = w.height;
    const end = payouts.covers(w, to, r) ? to : payouts.nextEvent(from, to) ?? to;
    const mintedBefore = w.minted;
    runBlocks(w, end - from, r);
    w.reserve += w.minted - mintedBefore;
    payouts.pay(w, from, end);
  }
}

/** `count` heights spread evenly over (head, head + blocks], the last one the horizon. */
function sampleHeights(head: bigint, blocks: bigint, count: number): bigint[] {
  const n = minBig(BigInt(Math.max(1, count)), blocks);
  const heights = new Set<bigint>();
  for (let i = 1n; i <= n; i++) heights.add(head + (i * blocks + n - 1n) / n);
  return [...heights];
}

function yearOf(height: bigint, provision: bigint, perYear: bigint): ProjectionYear {
  const year = (height - 1n) / perYear;
  return { year, firstHeight: year * perYear + 1n, lastHeight: (year + 1n) * perYear, annualProvision: provision };
}

function pointOf(w: Walk, head: bigint): ProjectionPoint {
  return {
    height: w.height,
    blocksAhead: w.height - head,
    totalSupply: w.supply,
    totalMinted: w.totalMinted,
    totalBurned: w.totalBurned,
    minted: w.minted,
    burned: w.burned,
    annualProvision: w.provision,
    reserve: w.reserve,
    scheduledPaid: w.scheduledPaid,
    scheduleShortfall: w.shortfall,
  };
}

/** Takes up to `demand` from the reserve; returns what it paid. */
function payReserve(w: Walk, demand: bigint): bigint {
  const paid = minBig(demand, w.reserve);
  w.reserve -= paid;
  w.scheduledPaid += paid;
  return paid;
}

// ---- inflation and burns ---------------------------------------------------------------------

/**
 * Applies `m` blocks that all lie in one inflation year. Over k blocks from carry c the unclipped
 * issuance is floor((c + k*P) / Y) (the per-block floors and carries telescope). With q =
 * floor(P/Y), every block mints q or q+1, so the supply after each block moves monotonically:
 * up when q >= burn, down otherwise. That makes the first clipped block (cap) and the first block
 * that would burn below zero binary-searchable; after either, the walk is a steady state.
 */
function runBlocks(w: Walk, m: bigint, r: Rules): void {
  const issued = (k: bigint): bigint => (w.carry + k * w.provision) / r.perYear;
  while (m > 0n) {
    if (w.provision / r.perYear >= r.burn) {
      // Supply after block t's mint, if nothing was clipped before: nondecreasing in t.
      const afterMint = (t: bigint): bigint => w.supply + issued(t) - (t - 1n) * r.burn;
      if (r.cap === null || afterMint(m) <= r.cap) return closedForm(w, m, issued(m), r);
      const t = firstTrue(m, (k) => afterMint(k) > r.cap!);
      closedForm(w, t - 1n, issued(t - 1n), r);
      oneBlock(w, r);
      m -= t;
      // At the cap: each block has headroom `burn` and mints at least that, so mints exactly it.
      w.carry = (w.carry + m * w.provision) % r.perYear;
      addTotals(w, m * r.burn, m * r.burn, m);
      return;
    }
    if (r.cap !== null && w.supply + issued(1n) > r.cap) {
      // Only the first block can clip when the supply falls block by block.
      oneBlock(w, r);
      m -= 1n;
      continue;
    }
    const afterBurn = (t: bigint): bigint => w.supply + issued(t) - t * r.burn;
    if (afterBurn(m) >= 0n) return closedForm(w, m, issued(m), r);
    const t = firstTrue(m, (k) => afterBurn(k) < 0n);
    closedForm(w, t - 1n, issued(t - 1n), r);
    oneBlock(w, r);
    m -= t;
    // At zero supply every block burns exactly what it minted (each mint is at most `burn`).
    const rest = issued(m);
    w.carry = (w.carry + m * w.provision) % r.perYear;
    addTotals(w, rest, rest, m);
    return;
  }
}

function closedForm(w: Walk, k: bigint, issued: bigint, r: Rules): void {
  w.carry = (w.carry + k * w.provision) % r.perYear;
  addTotals(w, issued, k * r.burn, k);
}

/** The inflation step of one block exactly as steps/inflation.ts runs it, then the burn. */
function oneBlock(w: Walk, r: Rules): void {
  const due = w.provision + w.carry;
  w.carry = due % r.perYear;
  const unclipped = due / r.perYear;
  const mint = r.cap === null ? unclipped : minBig(unclipped, r.cap > w.supply ? r.cap - w.supply : 0n);
  if (mint < unclipped && w.capReachedAt === null) w.capReachedAt = w.height + 1n;
  const burn = minBig(r.burn, w.supply + mint);
  addTotals(w, mint, burn, 1n);
}

/** Adds what `blocks` blocks minted and burned, and moves the walk past them. */
function addTotals(w: Walk, minted: bigint, burned: bigint, blocks: bigint): void {
  w.height += blocks;
  w.supply += minted - burned;
  w.totalMinted += minted;
  w.totalBurned += burned;
  w.minted += minted;
  w.burned += burned;
}

/** The smallest t in 1..=m with pred(t), given pred is monotone and pred(m) holds. */
function firstTrue(m: bigint, pred: (t: bigint) => boolean): bigint {
  let lo = 1n;
  let hi = m;
  while (lo < hi) {
    const mid = (lo + hi) / 2n;
    if (pred(mid)) hi = mid;
    else lo = mid + 1n;
  }
  return lo;
}

// ---- schedules -----------------------------------------------------------------------------

interface Payouts {
  /**
   * Pays what falls due at heights in (from, to] out of the reserve: schedules in creation order
   * (marketplace ones into their pool), then pools below their auto-replenish line. Exact when only
   * one height in the stretch has payments, or when `covers` held for it.
   */
  pay(w: Walk, from: bigint, to: bigint): void;
  /** Whether the reserve pays every schedule in full at every height of (w.height, to]. */
  covers(w: Walk, to: bigint, r: Rules): boolean;
  /** The first height in (from, to] at which anything is paid, or null. */
  nextEvent(from: bigint, to: bigint): bigint | null;
}

interface PoolWalk {
  available: bigint;
  readonly below: bigint;
  readonly upTo: bigint;
}

function schedulePayouts(state: StateView): Payouts {
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
    covers(w, to, r) {
      // A pool below its line takes from the reserve every block until it is back: walk those blocks.
      if (poolBelowLine()) return false;
      const due = schedules.filter((s) => runsBetween(s, w.height, to) > 0n);
      if (due.length === 0) return true;
      // Within L blocks schedule s runs at most ceil(L / I_s) times, and the reserve gains at least
      // q = floor(P / Y) per block while no block is clipped by the cap. So R + L*q >= sum A_s*ceil(L/I_s)
      // for every L when q >= sum A_s/I_s and R >= sum A_s*(I_s - 1)/I_s (compared over a common denominator).
      const unclipped = r.cap === null || w.supply + (w.carry + (to - w.height) * w.provision) / r.perYear <= r.cap;
      const q = unclipped ? w.provision / r.perYear : 0n;
      const d = due.reduce((product, s) => product * s.intervalBlocks, 1n);
      const rate = due.reduce((sum, s) => sum + s.amountPerInterval * (d / s.intervalBlocks), 0n);
      const lag = due.reduce((sum, s) => sum + s.amountPerInterval * (s.intervalBlocks - 1n) * (d / s.intervalBlocks), 0n);
      return q * d >= rate && w.reserve * d >= lag;
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

/** The first height after `from` at which a schedule is due, or null if it never is again. */
function nextDue(s: Schedule, from: bigint): bigint | null {
  const lo = from + 1n > s.startBlock ? from + 1n : s.startBlock;
  const height = s.startBlock + ((lo - s.startBlock + s.intervalBlocks - 1n) / s.intervalBlocks) * s.intervalBlocks;
  return s.durationBlocks !== null && height > s.startBlock + s.durationBlocks - 1n ? null : height;
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
