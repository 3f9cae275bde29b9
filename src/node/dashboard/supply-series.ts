/**
 * Supply figures per block over the last `capacity` blocks, for the dashboard's charts: recorded
 * from each committed block, sampled down to N points on request, and the burn rate over a window.
 */
import { HeightSeries } from './height-series.ts';

export interface SupplyPoint {
  readonly height: bigint;
  readonly timestampMs: bigint;
  /** Totals after this block. */
  readonly totalMinted: bigint;
  readonly totalBurned: bigint;
  readonly supply: bigint;
  /** What this block (or, in a sample, the blocks since the previous sample) minted and burned. */
  readonly minted: bigint;
  readonly burned: bigint;
  readonly txs: number;
  /** Blocks this point stands for: 1 for a block, more in a sample. */
  readonly blocks: number;
}

export interface BurnRate {
  readonly windowBlocks: bigint;
  readonly windowMs: bigint;
  readonly burned: bigint;
  readonly minted: bigint;
  /** Decimal strings with two decimals, rounded down: rates are rarely whole tokens. */
  readonly burnedPerBlock: string;
  readonly burnedPerMinute: string;
  readonly mintedPerBlock: string;
}

/** num / den as a decimal string with `decimals` digits, rounded toward zero (den > 0). */
export function ratio(num: bigint, den: bigint, decimals = 2): string {
  if (den <= 0n) return '0';
  const scale = 10n ** BigInt(decimals);
  const scaled = (num * scale) / den;
  const whole = scaled / scale;
  const frac = (scaled % scale).toString().padStart(decimals, '0');
  return decimals === 0 ? whole.toString() : `${whole}.${frac}`;
}

/** One block's own figures, before its totals are known. */
export interface BlockFigures {
  readonly height: bigint;
  readonly timestampMs: bigint;
  readonly minted: bigint;
  readonly burned: bigint;
  readonly txs: number;
}

/**
 * Points for consecutive blocks (oldest first) from the totals after the last of them: each block's
 * totals are the next one's less what the next one minted and burned. Used where only the head's
 * totals are at hand: a restart's backfill, and a reorg announced block by block after its commit.
 */
export function pointsBackFrom(totals: { minted: bigint; burned: bigint }, blocks: readonly BlockFigures[]): SupplyPoint[] {
  let totalMinted = totals.minted;
  let totalBurned = totals.burned;
  const points: SupplyPoint[] = [];
  for (let i = blocks.length - 1; i >= 0; i--) {
    const b = blocks[i]!;
    points.push({ ...b, totalMinted, totalBurned, supply: totalMinted - totalBurned, blocks: 1 });
    totalMinted -= b.minted;
    totalBurned -= b.burned;
  }
  return points.reverse();
}

export class SupplySeries extends HeightSeries<SupplyPoint> {

  /** Puts older points (from the store) in front of what was recorded live; live points win on overlap. */
  prepend(older: readonly SupplyPoint[]): void {
    const live = this.ring.toArray();
    const firstLive = live[0]?.height;
    const kept = firstLive === undefined ? older : older.filter((p) => p.height < firstLive);
    this.ring.reset([...kept, ...live]);
  }

  /**
   * At most `points` points spread evenly over the series, the newest always last. A sample
   * carries the minted, burned and txs of all blocks since the previous sample, so sums stay true.
   */
  sample(points: number): SupplyPoint[] {
    const n = this.ring.length;
    if (n === 0 || points < 1) return [];
    const count = Math.min(points, n);
    const out: SupplyPoint[] = [];
    let from = 0;
    for (let k = 1; k <= count; k++) {
      const to = Math.floor((k * n) / count) - 1;
      let minted = 0n;
      let burned = 0n;
      let txs = 0;
      let blocks = 0;
      for (let i = from; i <= to; i++) {
        const p = this.ring.at(i)!;
        minted += p.minted;
        burned += p.burned;
        txs += p.txs;
        blocks += p.blocks;
      }
      out.push({ ...this.ring.at(to)!, minted, burned, txs, blocks });
      from = to + 1;
    }
    return out;
  }

  /**
   * Burn (and mint) rate over the newest `windowBlocks` blocks of the series. Genesis is left out:
   * its initial mint is not a rate.
   */
  rate(windowBlocks: number): BurnRate | null {
    const n = this.ring.length;
    let from = Math.max(0, n - Math.max(1, windowBlocks));
    if (this.ring.at(from)?.height === 0n) from++;
    if (from >= n) return null;
    let burned = 0n;
    let minted = 0n;
    for (let i = from; i < n; i++) {
      const p = this.ring.at(i)!;
      burned += p.burned;
      minted += p.minted;
    }
    const oldest = this.ring.at(from)!;
    const newest = this.ring.at(-1)!;
    // Time runs from the end of the block before the window; without it, from the oldest block (one interval less).
    const before = from > 0 ? this.ring.at(from - 1)! : undefined;
    const blocks = newest.height - (before?.height ?? oldest.height - 1n);
    const windowMs = newest.timestampMs - (before?.timestampMs ?? oldest.timestampMs);
    return {
      windowBlocks: blocks,
      windowMs,
      burned,
      minted,
      burnedPerBlock: ratio(burned, blocks),
      burnedPerMinute: ratio(burned * 60_000n, windowMs),
      mintedPerBlock: ratio(minted, blocks),
    };
  }
}
