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
import { SYSTEM_ACCOUNT_IDS } from './ids.ts';
import type { ChainParams } from './params.ts';
import { type Payouts, schedulePayouts } from './projection-payouts.ts';
import type { Walk } from './projection-walk.ts';
import type { Account, BlockPosition, SupplyState } from './records.ts';
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

export { runsBetween } from './projection-payouts.ts';


export interface Rules {
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
 * Walks to `to` exactly. A stretch is taken in one closed-form step when the reserve provably pays
 * everything due in it in full, or provably runs dry at every due height of it (then each due
 * height pays out exactly what came in since the one before); otherwise the walk goes from one due
 * height to the next, each taken as the real block takes it. The block at which the cap starts to
 * clip the mint is a stretch of its own, so each stretch has one per-block mint range.
 */
function advance(w: Walk, to: bigint, r: Rules, payouts: Payouts): void {
  while (w.height < to) {
    const from = w.height;
    const limit = minBig(to, clipFree(w, to, r));
    const mint = mintRange(w, r);
    const covered = payouts.coveredUntil(w, limit, mint.low);
    if (covered > from) {
      step(w, covered, r, payouts);
      continue;
    }
    const lastDue = mint.high === null ? null : payouts.drains(w, limit, mint.high);
    if (lastDue !== null) {
      step(w, lastDue, r, payouts, 'drained');
      step(w, limit, r, payouts);
      continue;
    }
    step(w, payouts.nextEvent(from, limit) ?? limit, r, payouts);
  }
}

/** Runs the blocks up to `end`, their mint into the reserve, then what falls due in them. */
function step(w: Walk, end: bigint, r: Rules, payouts: Payouts, mode: 'exact' | 'drained' = 'exact'): void {
  const from = w.height;
  if (end <= from) return;
  const mintedBefore = w.minted;
  runBlocks(w, end - from, r);
  w.reserve += w.minted - mintedBefore;
  if (mode === 'drained') payouts.payDrained(w, from, end);
  else payouts.pay(w, from, end);
}

/**
 * The last height up to `to` before which no block is clipped by the cap: all of (w.height, to]
 * when nothing clips or the supply already sits at the cap; else up to the first clipped block
 * (or that block alone when it is the next one).
 */
function clipFree(w: Walk, to: bigint, r: Rules): bigint {
  if (r.cap === null || atCap(w, r)) return to;
  const m = to - w.height;
  const issued = (k: bigint): bigint => (w.carry + k * w.provision) / r.perYear;
  const clipped = (k: bigint): boolean => w.supply + issued(k) - (k - 1n) * r.burn > r.cap!;
  if (w.provision / r.perYear < r.burn) return clipped(1n) ? w.height + 1n : to; // only the first block can clip
  if (!clipped(m)) return to;
  const t = firstTrue(m, clipped);
  return w.height + (t === 1n ? 1n : t - 1n);
}

/** At the cap, every block mints what the burn took: the supply stays at cap - burn. */
const atCap = (w: Walk, r: Rules): boolean => r.cap !== null && w.supply + r.burn === r.cap;

/**
 * Bounds of any one block's mint within a stretch `clipFree` allows: floor(P/Y) or one more when
 * unclipped, the same bounded by the burn at the cap; unknown (0, none) for the block that clips.
 */
function mintRange(w: Walk, r: Rules): { low: bigint; high: bigint | null } {
  const q = w.provision / r.perYear;
  if (r.cap === null) return { low: q, high: q + 1n };
  if (atCap(w, r)) return { low: minBig(q, r.burn), high: minBig(q + 1n, r.burn) };
  if (w.supply + (w.carry + w.provision) / r.perYear > r.cap) return { low: 0n, high: null };
  return { low: q, high: q + 1n };
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
