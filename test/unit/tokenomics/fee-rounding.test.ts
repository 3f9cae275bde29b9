/**
 * docs/protocol.md §10 (the fee rounds up since 2026-12): fee = max(ceil(amount * burn_rate_bps /
 * 10,000), min_fee), capped at the amount. Rounding up makes splitting a payment never pay.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { U64_MAX, transferFee } from '../../../src/tokenomics/index.ts';
import { TestChain, eventsOf, smallGenesis, walletOf } from './chain-harness.ts';

describe('the fee rounds up (docs/protocol.md §10)', () => {
  it.each([
    // [amount, fee, delivered] at 100 bps, min_fee 1: the examples of docs/protocol.md §10
    [1_000n, 10n, 990n],
    [150n, 2n, 148n],
    [99n, 1n, 98n],
    [1n, 1n, 0n],
    [199n, 2n, 197n],
    [1_990n, 20n, 1_970n],
  ])('a transfer of %s burns %s and delivers %s on a chain', (amount, fee, delivered) => {
    const chain = new TestChain(smallGenesis({ balances: { alice: 10_000n }, burnRateBps: 100n, minFee: 1n }));
    const outcome = chain.run('alice', { type: 'transfer', to: walletOf('bob'), amount });
    expect(eventsOf(outcome.events, 'burn').map((e) => e.amount)).toEqual([fee]);
    expect(chain.balance('bob')).toBe(delivered);
  });

  it('ten transfers of 199 burn at least what one of 1,990 burns (they burned 10 against 19 when the fee rounded down)', () => {
    expect(10n * transferFee(199n, 100n, 1n)).toBe(20n);
    expect(transferFee(1_990n, 100n, 1n)).toBe(20n);
  });

  it('is exact on multiples, never above the amount, and 0 only for a free chain', () => {
    expect(transferFee(10_000n, 100n, 0n)).toBe(100n);
    expect(transferFee(10_001n, 100n, 0n)).toBe(101n);
    expect(transferFee(5n, 10_000n, 0n)).toBe(5n);
    expect(transferFee(U64_MAX, 10_000n, 1n)).toBe(U64_MAX);
    expect(transferFee(7n, 0n, 0n)).toBe(0n);
  });

  it('property: splitting a payment into parts never lowers the total fee', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.bigInt(1n, 10_000n), fc.bigInt(1n, U64_MAX / 64n)), { minLength: 1, maxLength: 12 }),
        fc.oneof(fc.bigInt(0n, 10_000n), fc.constantFrom(1n, 100n, 9_999n)),
        fc.bigInt(0n, 100n),
        (parts, bps, minFee) => {
          const whole = parts.reduce((a, b) => a + b, 0n);
          const split = parts.reduce((sum, part) => sum + transferFee(part, bps, minFee), 0n);
          expect(split).toBeGreaterThanOrEqual(transferFee(whole, bps, minFee));
          // The configured rate is the least any transfer burns (up to the cap at the amount).
          for (const part of parts) expect(transferFee(part, bps, minFee) * 10_000n).toBeGreaterThanOrEqual(part * bps);
        },
      ),
      { numRuns: 500 },
    );
  });
});
