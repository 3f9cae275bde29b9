/** API views: amounts as decimal strings, derived figures, a schedule's next run. */
import { describe, expect, it } from 'vitest';
import { accountJson, scheduleJson } from '../../../../src/node/api/json.ts';
import { type Schedule, EMPTY_ACCOUNT, SYSTEM_ACCOUNT_IDS } from '../../../../src/tokenomics/index.ts';

describe('API JSON views', () => {
  it('an account: strings for amounts, total assets, the system name, the next nonce', () => {
    const account = { ...EMPTY_ACCOUNT, balance: 18_446_744_073_709_551_615n, staked: 5n, unbonding: [{ amount: 7n, deadline: 100n }], pendingRewards: 3n, nonce: 4n };
    expect(accountJson(SYSTEM_ACCOUNT_IDS.reserve, account, 6n)).toMatchObject({
      name: 'reserve', balance: '18446744073709551615', unbonding: [{ amount: '7', deadline: '100' }], unbonding_total: '7',
      total_assets: '18446744073709551630', nonce: '4', next_nonce: '6',
    });
  });

  it('a schedule: the next due height after the head, or null once it never runs again', () => {
    const s = { startBlock: 10n, intervalBlocks: 5n, durationBlocks: 16n, cancelled: false } as Schedule;
    expect(scheduleJson(s, 0n)).toMatchObject({ next_run_height: '10' });
    expect(scheduleJson(s, 10n)).toMatchObject({ next_run_height: '15' });
    expect(scheduleJson(s, 24n)).toMatchObject({ next_run_height: '25' });
    expect(scheduleJson(s, 25n)).toMatchObject({ next_run_height: null });
    expect(scheduleJson({ ...s, cancelled: true }, 0n)).toMatchObject({ next_run_height: null });
  });
});
