import { describe, expect, it } from 'vitest';
import { describeBlockSpan, formatDuration, groupNumbers } from '../../../src/cli/format.ts';
import { describeError, CliError } from '../../../src/cli/errors.ts';

describe('numbers in sentences', () => {
  it('groups amounts and heights as the tables do', () => {
    expect(groupNumbers('Account 550e8400-e29b-41d4-a716-446655440000 holds 12500 tokens but 1000000 are needed.'))
      .toBe('Account 550e8400-e29b-41d4-a716-446655440000 holds 12,500 tokens but 1,000,000 are needed.');
    expect(groupNumbers('--amount 18446744073709551616 is larger than the u64 maximum 18446744073709551615.'))
      .toBe('--amount 18,446,744,073,709,551,616 is larger than the u64 maximum 18,446,744,073,709,551,615.');
    expect(groupNumbers('Listing x has 3 left, 999 were asked for.')).toBe('Listing x has 3 left, 999 were asked for.');
  });

  it('leaves ids, hashes, URLs, paths, decimals, dates and ports alone', () => {
    for (const text of [
      'tx 0123456789abcdef0123456789abcdef',
      'id 6f1c3b52-7d4e-4c3a-9b1a-2f5e8d7c6b5a and 1234-5678',
      'No dchat node answered at http://127.0.0.1:7545 (ECONNREFUSED).',
      'Cannot listen for API requests on 127.0.0.1 port 45123: the port is in use.',
      'No file /tmp/dchat-12345/api-url.',
      '--amount "1234.5" is not a whole number',
      'at 2026-12-01',
    ]) expect(groupNumbers(text)).toBe(text);
  });

  it('every error sentence the CLI prints is grouped, in its line and its --json message', () => {
    const described = describeError(new CliError('refused', 'InsufficientBalance', 'Account a holds 12500 tokens but 20000 are needed.'));
    expect(described.line).toBe('error InsufficientBalance: Account a holds 12,500 tokens but 20,000 are needed.');
    expect(described.message).toBe('Account a holds 12,500 tokens but 20,000 are needed.');
  });
});

describe('one meaning of "year"', () => {
  it('a span of blocks in inflation years, with its wall-clock length at the block time', () => {
    // The case: blocks_per_year 5,256,000 at 2 s blocks is about 121.6 days, not a calendar year.
    expect(describeBlockSpan(5_256_000n, 5_256_000n, 2_000n)).toBe('1 inflation year = 5,256,000 blocks, about 121.6 days at 2,000 ms blocks');
    expect(describeBlockSpan(52_560_000n, 5_256_000n, 6_000n)).toBe('10 inflation years = 52,560,000 blocks, about 9.9 calendar years at 6,000 ms blocks');
    // Not a whole number of inflation years: blocks only.
    expect(describeBlockSpan(1_000n, 5_256_000n, 250n)).toBe('1,000 blocks, about 4 min at 250 ms blocks');
  });

  it('durations', () => {
    expect(formatDuration(90_000n)).toBe('1 min');
    expect(formatDuration(108_000_000n)).toBe('30.0 hours');
    expect(formatDuration(31_536_000_000n)).toBe('365.0 days');
    expect(formatDuration(3n * 31_557_600_000n)).toBe('3.0 calendar years');
  });
});
