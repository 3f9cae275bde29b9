/** The ring and the supply series: bounded memory, samples whose sums stay true, burn rate by BigInt. */
import { describe, expect, it } from 'vitest';
import { Ring } from '../../../../src/node/dashboard/ring.ts';
import { type SupplyPoint, SupplySeries, ratio } from '../../../../src/node/dashboard/supply-series.ts';

function point(height: number, burned = 0n, minted = 10n): SupplyPoint {
  const h = BigInt(height);
  return {
    height: h, timestampMs: 1_000n * h, totalMinted: 1_000n + 10n * h, totalBurned: burned * h, supply: 1_000n + 10n * h - burned * h,
    minted, burned, txs: 1, blocks: 1,
  };
}

describe('Ring', () => {
  it('keeps the newest items, oldest first', () => {
    const ring = new Ring<number>(3);
    for (let i = 1; i <= 5; i++) ring.push(i);
    expect(ring.toArray()).toEqual([3, 4, 5]);
    expect(ring.at(0)).toBe(3);
    expect(ring.at(-1)).toBe(5);
    expect(ring.at(3)).toBeUndefined();
    ring.popWhile((n) => n > 3);
    expect(ring.toArray()).toEqual([3]);
    ring.reset([7, 8, 9, 10]);
    expect(ring.toArray()).toEqual([8, 9, 10]);
  });
});

describe('SupplySeries', () => {
  it('samples evenly with the newest point last, summing minted, burned, txs and blocks per sample', () => {
    const series = new SupplySeries(100);
    for (let h = 1; h <= 10; h++) series.record(point(h, 3n));
    const sample = series.sample(3);
    expect(sample.map((p) => p.height)).toEqual([3n, 6n, 10n]);
    expect(sample.map((p) => p.blocks)).toEqual([3, 3, 4]);
    expect(sample.reduce((s, p) => s + p.burned, 0n)).toBe(30n);
    expect(sample.reduce((s, p) => s + p.txs, 0)).toBe(10);
    expect(sample.at(-1)!.totalMinted).toBe(1_100n); // the totals are those of the sampled block
    expect(series.sample(50)).toHaveLength(10);
  });

  it('stays bounded, and a block at or below the newest height replaces what followed it', () => {
    const series = new SupplySeries(5);
    for (let h = 1; h <= 8; h++) series.record(point(h));
    expect(series.sample(10).map((p) => p.height)).toEqual([4n, 5n, 6n, 7n, 8n]);
    series.record(point(6, 1n));
    expect(series.sample(10).map((p) => p.height)).toEqual([4n, 5n, 6n]);
    expect(series.last()!.burned).toBe(1n);
  });

  it('puts backfilled points before the live ones, live winning where they overlap', () => {
    const series = new SupplySeries(10);
    series.record(point(5, 9n));
    series.prepend([point(3), point(4), point(5)]);
    expect(series.sample(10).map((p) => [p.height, p.burned])).toEqual([[3n, 0n], [4n, 0n], [5n, 9n]]);
  });

  it('gives the burn rate per block and per minute over the window, leaving genesis out', () => {
    const series = new SupplySeries(100);
    series.record({ ...point(0), minted: 1_000_000n });
    for (let h = 1; h <= 3; h++) series.record(point(h, 7n));
    const all = series.rate(100)!;
    expect(all.windowBlocks).toBe(3n);
    expect(all.burned).toBe(21n);
    expect(all.minted).toBe(30n); // not the genesis mint
    expect(all.burnedPerBlock).toBe('7.00');
    expect(all.windowMs).toBe(3_000n); // from the end of genesis to block 3
    expect(all.burnedPerMinute).toBe('420.00');
    const last2 = series.rate(2)!;
    expect(last2.windowBlocks).toBe(2n);
    expect(last2.burned).toBe(14n);
    expect(new SupplySeries(5).rate(10)).toBeNull();
  });

  it('divides with BigInt, rounding toward zero', () => {
    expect(ratio(10n, 3n)).toBe('3.33');
    expect(ratio(2n, 3n, 4)).toBe('0.6666');
    expect(ratio(18_446_744_073_709_551_615n, 1n)).toBe('18446744073709551615.00');
    expect(ratio(5n, 0n)).toBe('0');
  });
});
