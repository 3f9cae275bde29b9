/** The system accounts' series: one snapshot per head, bounded, a head that moved back replaces its successors, even samples with the newest last. */
import { describe, expect, it } from 'vitest';
import { SystemAccountSeries } from '../../../../src/node/dashboard/system-accounts.ts';
import { EMPTY_ACCOUNT, SYSTEM_ACCOUNT_IDS, type StateValue, accountKey } from '../../../../src/tokenomics/index.ts';

/** A state in which the treasury holds `treasury` and the other system accounts nothing. */
const stateWith = (treasury: bigint) => ({
  get: (key: string): StateValue | undefined => (key === accountKey(SYSTEM_ACCOUNT_IDS.treasury) ? ({ ...EMPTY_ACCOUNT, balance: treasury } as unknown as StateValue) : undefined),
});

describe('SystemAccountSeries', () => {
  it('records every system account per head, drops what a lower head replaces, keeps the newest capacity', () => {
    const series = new SystemAccountSeries(4);
    for (let h = 1n; h <= 5n; h++) series.snapshot(h, 1_000n * h, stateWith(100n * h));
    expect(series.length).toBe(4);
    expect(series.sample(10).map((p) => p.height)).toEqual([2n, 3n, 4n, 5n]);
    expect(series.sample(1)[0]!.balances).toEqual({ treasury: 500n, 'dev-fund': 0n, airdrop: 0n, 'relay-fund': 0n, reserve: 0n });
    // A reorg back to height 4: the old 4 and 5 go, the new 4 is the newest.
    series.snapshot(4n, 4_500n, stateWith(7n));
    expect(series.sample(10).map((p) => [p.height, p.balances.treasury])).toEqual([[2n, 200n], [3n, 300n], [4n, 7n]]);
  });

  it('samples evenly with the newest snapshot last', () => {
    const series = new SystemAccountSeries(100);
    for (let h = 1n; h <= 10n; h++) series.snapshot(h, h, stateWith(h));
    expect(series.sample(3).map((p) => p.height)).toEqual([3n, 6n, 10n]);
    expect(new SystemAccountSeries(5).sample(3)).toEqual([]);
  });
});
