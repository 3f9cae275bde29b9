/**
 * The supply projection (docs/protocol.md §13.1) against the real thing: real blocks applied by the token
 * economy, and a naive block-by-block walk for regimes real blocks cannot reach cheaply (the cap
 * under a steady burn, a supply burned to zero).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Account, type Schedule, type Uuid, SYSTEM_ACCOUNT_IDS, accountKey } from '../../../src/tokenomics/index.ts';
import { projectSupply, runsBetween } from '../../../src/tokenomics/projection.ts';
import { MemoryState } from '../../../src/tokenomics/state/store.ts';
import { AUTHORITY, TREASURY, TestChain, smallGenesis } from './chain-harness.ts';

const RESERVE = SYSTEM_ACCOUNT_IDS.reserve;

function reserveOf(chain: TestChain): bigint {
  return ((chain.state.get(accountKey(RESERVE)) as Account | undefined)?.balance ?? 0n);
}

function schedulePaid(chain: TestChain): bigint {
  // Every schedule record, finished ones included (they leave meta:schedules, docs/protocol.md §9).
  return chain.idsWithPrefix('schedule:').reduce((sum, id) => sum + chain.schedule(id).paidTotal, 0n);
}

/** Applies `blocks` real blocks, each burning `burn` from the treasury (an authority deflation burn, no fee). */
function runReal(chain: TestChain, blocks: bigint, burn: bigint): Map<bigint, { supply: bigint; minted: bigint; burned: bigint; reserve: bigint; paid: bigint }> {
  const seen = new Map<bigint, { supply: bigint; minted: bigint; burned: bigint; reserve: bigint; paid: bigint }>();
  for (let i = 0n; i < blocks; i++) {
    const txs = burn === 0n ? [] : [chain.tx(AUTHORITY, { type: 'burn', amount: burn, reason: 'deflation', account: TREASURY })];
    chain.block(txs);
    const s = chain.supply();
    seen.set(chain.height, { supply: chain.totalSupply(), minted: s.totalMinted, burned: s.totalBurned, reserve: reserveOf(chain), paid: schedulePaid(chain) });
  }
  return seen;
}

describe('supply projection (docs/protocol.md §13.1)', () => {
  it('matches real blocks across inflation-year boundaries, with a schedule paying out of the reserve', () => {
    const chain = new TestChain(smallGenesis({ treasury: 10_000_000n, reserve: 5_000n, inflationRateBps: 500n, blocksPerYear: 20n }));
    chain.run(AUTHORITY, { type: 'create-schedule', recipientType: 'dev-fund', amountPerInterval: 700n, intervalBlocks: 3n, startBlock: null, durationBlocks: 40n, poolId: null });
    chain.block();
    const paidBefore = schedulePaid(chain);
    const reserveBefore = reserveOf(chain);
    const startHeight = chain.height;
    const projection = projectSupply(chain.state, { blocks: 65n, burnPerBlock: 1_234n, points: 13 });
    const real = runReal(chain, 65n, 1_234n);

    expect(projection.fromHeight).toBe(startHeight);
    expect(projection.points).toHaveLength(13);
    expect(projection.points.at(-1)!.height).toBe(startHeight + 65n);
    expect(projection.start.reserve).toBe(reserveBefore);
    for (const point of projection.points) {
      const actual = real.get(point.height)!;
      expect({ h: point.height, supply: point.totalSupply, minted: point.totalMinted, burned: point.totalBurned }).toEqual({
        h: point.height, supply: actual.supply, minted: actual.minted, burned: actual.burned,
      });
      expect(point.reserve).toBe(actual.reserve);
      expect(point.scheduledPaid).toBe(actual.paid - paidBefore);
      expect(point.scheduleShortfall).toBe(0n);
    }
    // heights 20, 40 and 60 close inflation years: four years touched, each with its provision
    expect(projection.years.map((y) => y.year)).toEqual([0n, 1n, 2n, 3n]);
    expect(projection.years[1]!.annualProvision).toBe(real.get(20n)!.supply * 500n / 10_000n);
  });

  it('matches real empty blocks: marketplace and validator schedules, and a pool the reserve keeps topping up', () => {
    // The pool starts far below its line and the reserve is empty: every block's inflation goes to it until it is back.
    const pools = [{ name: 'Low', amount: 100n, operator: null, autoReplenish: { below: 5_000n, upTo: 6_000n } }];
    const chain = new TestChain(smallGenesis({ treasury: 1_000_000n, reserve: 0n, inflationRateBps: 500n, blocksPerYear: 50n, pools, validators: ['v1', 'v2', 'v3'] }));
    chain.run(AUTHORITY, { type: 'create-schedule', recipientType: 'marketplace', amountPerInterval: 50n, intervalBlocks: 2n, startBlock: null, durationBlocks: null, poolId: null });
    chain.run(AUTHORITY, { type: 'create-schedule', recipientType: 'validators', amountPerInterval: 100n, intervalBlocks: 3n, startBlock: null, durationBlocks: 12n, poolId: null });
    const poolId = (chain.state.get('meta:pools') as readonly Uuid[])[0]!;
    expect(chain.pool(poolId).available).toBeLessThan(5_000n);
    const projection = projectSupply(chain.state, { blocks: 40n, burnPerBlock: 0n, points: 40 });
    const real = runReal(chain, 40n, 0n);
    for (const point of projection.points) {
      const actual = real.get(point.height)!;
      expect([point.height, point.totalSupply, point.totalMinted, point.totalBurned, point.reserve]).toEqual([point.height, actual.supply, actual.minted, actual.burned, actual.reserve]);
    }
    expect(chain.pool(poolId).available).toBeGreaterThanOrEqual(5_000n);
  });

  it('matches real blocks when the supply reaches max_supply (clipped mint, then a steady state at the cap)', () => {
    const genesis = smallGenesis({ treasury: 1_000_000n, inflationRateBps: 5_000n, blocksPerYear: 100n, maxSupply: 1_020_000n });
    const chain = new TestChain(genesis);
    const projection = projectSupply(chain.state, { blocks: 250n, burnPerBlock: 300n, points: 50 });
    const real = runReal(chain, 250n, 300n);
    for (const point of projection.points) {
      const actual = real.get(point.height)!;
      expect([point.height, point.totalSupply, point.totalMinted, point.totalBurned, point.reserve]).toEqual([
        point.height, actual.supply, actual.minted, actual.burned, actual.reserve,
      ]);
    }
    expect(projection.capReachedAt).not.toBeNull();
    expect(projection.points.at(-1)!.totalSupply).toBe(1_020_000n - 300n);
  });

  it('gives the same reserve, paid and shortfall for any number of points, with the reserve falling short', () => {
    // Schedules that want more than inflation brings: the reserve runs dry and every due block is short.
    const chain = new TestChain(smallGenesis({ treasury: 10_000_000n, reserve: 3_000n, inflationRateBps: 30n, blocksPerYear: 40n, validators: ['v1', 'v2', 'v3'] }));
    chain.run(AUTHORITY, { type: 'create-schedule', recipientType: 'dev-fund', amountPerInterval: 2_900n, intervalBlocks: 3n, startBlock: null, durationBlocks: null, poolId: null });
    chain.run(AUTHORITY, { type: 'create-schedule', recipientType: 'validators', amountPerInterval: 1_000n, intervalBlocks: 2n, startBlock: null, durationBlocks: null, poolId: null });
    const projections = [1, 2, 5, 12].map((points) => projectSupply(chain.state, { blocks: 12n, burnPerBlock: 0n, points }));
    const shortfallBefore = chain.idsWithPrefix('schedule:').reduce((sum, id) => sum + chain.schedule(id).shortfallTotal, 0n);
    const paidBefore = schedulePaid(chain);
    const real = runReal(chain, 12n, 0n);
    const shortfall = chain.idsWithPrefix('schedule:').reduce((sum, id) => sum + chain.schedule(id).shortfallTotal, 0n) - shortfallBefore;
    expect(shortfall).toBeGreaterThan(0n);
    for (const projection of projections) {
      const last = projection.points.at(-1)!;
      expect([last.reserve, last.scheduledPaid, last.scheduleShortfall]).toEqual([real.get(last.height)!.reserve, real.get(last.height)!.paid - paidBefore, shortfall]);
      for (const point of projection.points) expect(point.reserve).toBe(real.get(point.height)!.reserve);
    }
  });

  it('any points gives the figures of points = blocks at its sampled heights (schedules, pools, shortfalls)', () => {
    fc.assert(
      fc.property(
        fc.record({
          reserve: fc.bigInt({ min: 0n, max: 20_000n }),
          poolAvailable: fc.bigInt({ min: 0n, max: 8_000n }),
          rate: fc.bigInt({ min: 0n, max: 200n }),
          perYear: fc.bigInt({ min: 3n, max: 30n }),
          blocks: fc.bigInt({ min: 1n, max: 40n }),
          points: fc.integer({ min: 1, max: 40 }),
          burn: fc.bigInt({ min: 0n, max: 3_000n }),
          headroom: fc.option(fc.bigInt({ min: 0n, max: 20_000n }), { nil: null }),
          schedules: fc.array(fc.record({
            recipientType: fc.constantFrom('dev-fund' as const, 'validators' as const, 'marketplace' as const),
            amount: fc.bigInt({ min: 1n, max: 3_000n }),
            interval: fc.bigInt({ min: 1n, max: 5n }),
            duration: fc.option(fc.bigInt({ min: 1n, max: 30n }), { nil: null }),
          }), { maxLength: 3 }),
        }),
        (c) => {
          const pools = [{ name: 'P', amount: c.poolAvailable, operator: null, autoReplenish: { below: 5_000n, upTo: 6_000n } }];
          // A cap close above the initial supply: the mint clips, then sits at the cap under the burn.
          const maxSupply = c.headroom === null ? null : 1_000_000n + c.reserve + c.poolAvailable + c.headroom;
          const chain = new TestChain(smallGenesis({ treasury: 1_000_000n, reserve: c.reserve, inflationRateBps: c.rate, blocksPerYear: c.perYear, pools, validators: ['v1', 'v2'], maxSupply }));
          for (const s of c.schedules) {
            chain.run(AUTHORITY, { type: 'create-schedule', recipientType: s.recipientType, amountPerInterval: s.amount, intervalBlocks: s.interval, startBlock: null, durationBlocks: s.duration, poolId: null });
          }
          const every = projectSupply(chain.state, { blocks: c.blocks, burnPerBlock: c.burn, points: Number(c.blocks) });
          const byHeight = new Map(every.points.map((p) => [p.height, p]));
          const some = projectSupply(chain.state, { blocks: c.blocks, burnPerBlock: c.burn, points: c.points });
          for (const point of some.points) expect(point).toEqual(byHeight.get(point.height));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('counts schedule runs in a range by the due rule', () => {
    const s = { startBlock: 10n, intervalBlocks: 5n, durationBlocks: 16n, cancelled: false } as Schedule;
    expect(runsBetween(s, 0n, 100n)).toBe(4n); // 10, 15, 20, 25
    expect(runsBetween(s, 10n, 20n)).toBe(2n); // 15, 20
    expect(runsBetween(s, 25n, 100n)).toBe(0n);
    expect(runsBetween({ ...s, durationBlocks: null }, 0n, 1_000_000_000_000n)).toBe(199_999_999_999n);
  });

  it('walks decades of blocks without visiting each one', () => {
    const chain = new TestChain(smallGenesis({ treasury: 100_000_000_000n, inflationRateBps: 500n, blocksPerYear: 5_256_000n }));
    const started = performance.now();
    const projection = projectSupply(chain.state, { blocks: 5_256_000n * 50n, burnPerBlock: 10n, points: 50 });
    expect(performance.now() - started).toBeLessThan(200);
    expect(projection.years).toHaveLength(50);
    expect(projection.points.at(-1)!.blocksAhead).toBe(5_256_000n * 50n);
  });

  it('equals a naive block-by-block walk for any parameters (cap, burn to zero, year boundaries)', () => {
    fc.assert(
      fc.property(
        fc.record({
          supply: fc.bigInt({ min: 0n, max: 10_000_000n }),
          headroom: fc.option(fc.bigInt({ min: 0n, max: 200_000n }), { nil: null }),
          rate: fc.bigInt({ min: 0n, max: 20_000n }),
          perYear: fc.bigInt({ min: 1n, max: 60n }),
          burn: fc.bigInt({ min: 0n, max: 40_000n }),
          blocks: fc.bigInt({ min: 1n, max: 200n }),
          startHeight: fc.bigInt({ min: 0n, max: 100n }),
          carry: fc.bigInt({ min: 0n, max: 59n }),
        }),
        (c) => {
          const state = syntheticState(c);
          const projection = projectSupply(state, { blocks: c.blocks, burnPerBlock: c.burn, points: 7 });
          const naive = naiveWalk(c);
          for (const p of projection.points) {
            expect([p.height, p.totalSupply, p.totalMinted, p.totalBurned]).toEqual([p.height, ...naive.get(p.height)!]);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

interface Case {
  supply: bigint;
  headroom: bigint | null;
  rate: bigint;
  perYear: bigint;
  burn: bigint;
  blocks: bigint;
  startHeight: bigint;
  carry: bigint;
}

function syntheticState(c: Case): MemoryState {
  const provision = (c.supply * c.rate) / 10_000n;
  return new MemoryState([
    ['meta:params', { blocksPerYear: c.perYear, relayMinStake: 1n, supply: { maxSupply: c.headroom === null ? null : c.supply + c.headroom, inflationRateBps: c.rate } } as never],
    ['meta:supply', { totalMinted: c.supply + 1_000n, totalBurned: 1_000n, annualProvision: provision, carry: c.carry % c.perYear }],
    ['meta:head', { height: c.startHeight, timestampMs: 0n }],
  ]);
}

/** The inflation step and a burn, one block at a time, exactly as the chain runs them. */
function naiveWalk(c: Case): Map<bigint, [bigint, bigint, bigint]> {
  const cap = c.headroom === null ? null : c.supply + c.headroom;
  let supply = c.supply;
  let minted = c.supply + 1_000n;
  let burned = 1_000n;
  let provision = (c.supply * c.rate) / 10_000n;
  let carry = c.carry % c.perYear;
  const out = new Map<bigint, [bigint, bigint, bigint]>();
  for (let h = c.startHeight + 1n; h <= c.startHeight + c.blocks; h++) {
    const due = provision + carry;
    carry = due % c.perYear;
    let mint = due / c.perYear;
    if (cap !== null) mint = mint < cap - supply ? mint : cap - supply > 0n ? cap - supply : 0n;
    supply += mint;
    minted += mint;
    const burn = c.burn < supply ? c.burn : supply;
    supply -= burn;
    burned += burn;
    if (h % c.perYear === 0n) {
      provision = (supply * c.rate) / 10_000n;
      carry = 0n;
    }
    out.set(h, [supply, minted, burned]);
  }
  return out;
}
