import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS, inflationStep, issuedAfter, annualProvisionFor } from '../../../src/tokenomics/index.ts';
import { AUTHORITY, RESERVE, TREASURY, TestChain, eventsOf, smallGenesis } from './chain-harness.ts';

const Y = DEFAULT_PARAMS.blocksPerYear; // 5,256,000
const SUPPLY = 100_000_000_000n;

describe('exact per-block inflation (docs/protocol.md §13.1)', () => {
  it('a whole year of 5,256,000 blocks issues exactly the annual provision with carry 0 (arithmetic path)', () => {
    const provision = annualProvisionFor(SUPPLY, 500n);
    expect(provision).toBe(5_000_000_000n);
    let carry = 0n;
    let issued = 0n;
    let checkpoints = 0;
    for (let i = 1n; i <= Y; i++) {
      const step = inflationStep(provision, carry, Y);
      issued += step.mint;
      carry = step.carry;
      if (i % 438_000n === 0n) {
        expect(issued).toBe(issuedAfter(provision, i, Y)); // each month agrees with the closed form
        checkpoints++;
      }
    }
    expect(checkpoints).toBe(12);
    expect(issued).toBe(provision);
    expect(carry).toBe(0n);
  });

  it('a provision that does not divide by Y loses no dust: 12,345,678,901 over a year', () => {
    const provision = 12_345_678_901n;
    let carry = 0n;
    let issued = 0n;
    let max = 0n;
    for (let i = 1n; i <= Y; i++) {
      const step = inflationStep(provision, carry, Y);
      issued += step.mint;
      carry = step.carry;
      if (step.mint > max) max = step.mint;
    }
    expect(issued).toBe(provision);
    expect(carry).toBe(0n);
    expect(max).toBe(provision / Y + 1n); // per-block mints differ by at most one token
  });

  it('100,000 real block applications agree with the closed form block by block', () => {
    const chain = new TestChain(smallGenesis({ treasury: SUPPLY, inflationRateBps: 500n, blocksPerYear: Y, maxSupply: null }));
    chain.fullInvariantCheck = false; // the per-block writes check still runs inside every block
    const provision = chain.supply().annualProvision;
    expect(provision).toBe(5_000_000_000n);
    for (let h = 1n; h <= 100_000n; h++) {
      chain.block();
      if (h % 10_000n === 0n) {
        expect(chain.balance(RESERVE)).toBe(issuedAfter(provision, h, Y));
        expect(chain.supply().totalMinted).toBe(SUPPLY + issuedAfter(provision, h, Y));
      }
    }
    expect(chain.supply().carry).toBe((provision * 100_000n) % Y);
    expect(chain.balance(RESERVE)).toBe(95_129_375n); // floor(5e9 * 100,000 / 5,256,000)
  });

  it('fixes the next provision from the supply after block k*Y, including burns', () => {
    const chain = new TestChain(smallGenesis({ treasury: 1_000_000n, inflationRateBps: 1_000n, blocksPerYear: 10n, maxSupply: null }));
    expect(chain.supply().annualProvision).toBe(100_000n);
    chain.advance(9);
    // a burn in block 10 (the last block of year 0) counts toward year 1's provision
    chain.run(AUTHORITY, { type: 'burn', amount: 100_000n, reason: 'deflation', account: TREASURY });
    expect(chain.height).toBe(10n);
    expect(chain.balance(RESERVE)).toBe(100_000n); // year 0 issued exactly its provision
    expect(chain.totalSupply()).toBe(1_000_000n);
    expect(chain.supply()).toMatchObject({ annualProvision: 100_000n, carry: 0n });
    chain.advance(10);
    expect(chain.balance(RESERVE)).toBe(200_000n);
    expect(chain.supply().annualProvision).toBe(110_000n); // 10 % of 1,100,000 after block 20
  });

  it('clips at the cap while the carry advances as if unclipped; a clipped 0 writes no event', () => {
    // provision 1,000 over 3 blocks: unclipped 333, 333, 334; the cap leaves room for 500
    const chain = new TestChain(smallGenesis({ treasury: 10_000n, inflationRateBps: 1_000n, blocksPerYear: 3n, maxSupply: 10_500n }));
    const mints: bigint[] = [];
    for (let i = 0; i < 3; i++) {
      const out = chain.block();
      mints.push(eventsOf(out.events, 'mint').reduce((sum, e) => sum + e.amount, 0n));
      if (i === 2) expect(eventsOf(out.events, 'mint')).toEqual([]);
    }
    expect(mints).toEqual([333n, 167n, 0n]);
    expect(chain.totalSupply()).toBe(10_500n);
    expect(chain.supply().carry).toBe(0n);
    expect(chain.supply().annualProvision).toBe(1_050n); // from the capped supply
  });

  it('inflation mints carry reason inflation, go to the reserve, and come before schedules in the block', () => {
    const chain = new TestChain(smallGenesis({ treasury: 1_000_000n, inflationRateBps: 1_000n, blocksPerYear: 1_000n }));
    chain.run(AUTHORITY, { type: 'create-schedule', recipientType: 'treasury', amountPerInterval: 100n, intervalBlocks: 1n, startBlock: null, durationBlocks: null, poolId: null });
    const out = chain.block();
    // the reserve was empty before this block: the schedule pays out of this block's inflation
    expect(out.events.map((e) => e.kind)).toEqual(['mint', 'distribution']);
    expect(out.events[0]).toMatchObject({ reason: 'inflation', recipient: RESERVE, amount: 100n });
    expect(out.events[1]).toMatchObject({ amount: 100n });
  });
});
