/** `dchat simulate`: its defaults last a year, and its figures equal the closed form of a year. */
import { describe, expect, it } from 'vitest';
import { SIMULATION_DEFAULTS, senderSpends, simulate } from '../../../src/cli/simulate.ts';
import { DEFAULT_PARAMS, DEFAULT_SPLIT_BPS, DEFAULT_SUPPLY, applyBps, transferFee } from '../../../src/tokenomics/index.ts';

describe('dchat simulate', () => {
  it('the defaults run one inflation year, and the sender (the validator wallet, 20 % of the supply) can pay for all of it', () => {
    expect(SIMULATION_DEFAULTS.blocks).toBe(DEFAULT_PARAMS.blocksPerYear);
    const senderFunds = applyBps(DEFAULT_SUPPLY.initialSupply, DEFAULT_SPLIT_BPS.validators);
    expect(senderSpends(SIMULATION_DEFAULTS)).toBe((DEFAULT_PARAMS.blocksPerYear / 100n) * 300_000n);
    expect(senderSpends(SIMULATION_DEFAULTS)).toBeLessThanOrEqual(senderFunds);
    // The old default (1,000,000 per transfer) ran the sender dry within the year.
    expect(senderSpends({ ...SIMULATION_DEFAULTS, transferAmount: 1_000_000n })).toBeGreaterThan(senderFunds);
  });

  it('refuses, before any block, a run the sender cannot pay for', () => {
    expect(() => simulate({ ...SIMULATION_DEFAULTS, transferAmount: 1_000_000n, write: () => undefined })).toThrow(/lower --transfer-amount/);
  });

  it('a short year: minted, burned and reserve equal the closed form', () => {
    const blocks = 2_000n;
    const lines: string[] = [];
    const result = simulate({ blocks, transferEvery: 10n, transferAmount: 300_000n, blocksPerYear: blocks, write: (l) => lines.push(l) });
    const initial = DEFAULT_SUPPLY.initialSupply;
    // Over a whole year the per-block floors and carries telescope: the year mints its provision exactly.
    const provision = applyBps(initial, DEFAULT_SUPPLY.inflationRateBps);
    expect(result.transfers).toBe(blocks / 10n);
    expect(result.totalMinted).toBe(initial + provision);
    expect(result.totalBurned).toBe(result.transfers * transferFee(300_000n, DEFAULT_SUPPLY.burnRateBps, DEFAULT_PARAMS.minFee));
    // The treasury schedule (10,000,000 every 14,400 blocks from the reserve) runs once in a
    // 2,000-block run, at block 2, when the reserve (empty at genesis) holds two blocks' inflation.
    const paid = (2n * provision) / blocks < 10_000_000n ? (2n * provision) / blocks : 10_000_000n;
    expect(result.reserve).toBe(provision - paid);
    expect(lines.at(-1)).toMatch(/invariants .* hold/);
    // The span is said in inflation years (blocks_per_year blocks) with its wall-clock length.
    expect(lines[0]).toMatch(/^dchat token economy: 1 inflation year = 2,000 blocks, about .+ at [\d,]+ ms blocks, of the default genesis/);
  });
});
