/** Flag value parsers: bigint end to end, u64 bounds, aliases, and a usage error naming the flag. */
import { describe, expect, it } from 'vitest';
import { CliError, EXIT_CODES, describeError } from '../../../src/cli/errors.ts';
import { parseAccount, parseAmount, parseBurnReasonFlag, parseCount, parseMintReasonFlag, parseNodeUrl, parseRecipientTypeFlag, parseUuid } from '../../../src/cli/values.ts';
import { SYSTEM_ACCOUNT_IDS } from '../../../src/tokenomics/index.ts';

function refusal(fn: () => unknown): { code: string; kind: string; message: string } {
  try {
    fn();
  } catch (err) {
    if (err instanceof CliError) return { code: err.code, kind: err.kind, message: err.message };
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('CLI value parsers', () => {
  it('amounts: digits or grouped digits, as bigint, within u64, at least the minimum', () => {
    expect(parseAmount('--amount', '1000')).toBe(1000n);
    expect(parseAmount('--amount', '1,000,000')).toBe(1_000_000n);
    expect(parseAmount('--amount', '1_000_000')).toBe(1_000_000n);
    expect(parseAmount('--amount', '18446744073709551615')).toBe(18_446_744_073_709_551_615n);
    expect(parseAmount('--initial-amount', '0', 0n)).toBe(0n);
    expect(refusal(() => parseAmount('--amount', '18446744073709551616'))).toMatchObject({ code: 'AmountOverflow', kind: 'usage' });
    expect(refusal(() => parseAmount('--amount', '-1'))).toMatchObject({ code: 'InvalidAmount', message: expect.stringContaining('cannot be negative') });
    expect(refusal(() => parseAmount('--amount', '2.5'))).toMatchObject({ code: 'InvalidAmount', message: expect.stringContaining('whole number') });
    expect(refusal(() => parseAmount('--amount', '1e6'))).toMatchObject({ code: 'InvalidAmount' });
    expect(refusal(() => parseAmount('--amount', '1,00'))).toMatchObject({ code: 'InvalidAmount' });
    expect(refusal(() => parseAmount('--amount', '0'))).toMatchObject({ code: 'InvalidAmount', message: '--amount must be at least 1, got 0.' });
    expect(refusal(() => parseAmount('--amount', ''))).toMatchObject({ code: 'InvalidAmount' });
  });

  it('counts: within their range', () => {
    expect(parseCount('--limit', '1000', 1n, 1000n)).toBe(1000n);
    expect(refusal(() => parseCount('--limit', '1001', 1n, 1000n))).toMatchObject({ code: 'InvalidParameter', message: '--limit must be from 1 to 1000, got 1001.' });
  });

  it('accounts: UUIDs (normalized to lowercase) or system account names', () => {
    expect(parseAccount('--to', 'Treasury')).toBe(SYSTEM_ACCOUNT_IDS.treasury);
    expect(parseAccount('--to', 'relay-fund')).toBe(SYSTEM_ACCOUNT_IDS['relay-fund']);
    expect(parseAccount('--to', '550E8400-E29B-41D4-A716-446655440000')).toBe('550e8400-e29b-41d4-a716-446655440000');
    expect(refusal(() => parseAccount('--to', 'bob'))).toMatchObject({ code: 'InvalidAccount' });
    // With the keystore's names: a key name is its wallet; system names and UUIDs still come first.
    const keys = (name: string): string | undefined => (name === 'bob' ? '6f1c3b52-7d4e-4c3a-9b1a-2f5e8d7c6b5a' : undefined);
    expect(parseAccount('--to', 'bob', keys)).toBe('6f1c3b52-7d4e-4c3a-9b1a-2f5e8d7c6b5a');
    expect(parseAccount('--to', 'treasury', keys)).toBe(SYSTEM_ACCOUNT_IDS.treasury);
    expect(refusal(() => parseAccount('--to', 'carol', keys))).toMatchObject({
      code: 'InvalidAccount',
      message: expect.stringContaining('nor the name of a key in the keystore'),
    });
    expect(refusal(() => parseUuid('--pool-id', 'treasury'))).toMatchObject({ code: 'InvalidId' });
  });

  it('reasons and recipient types: the seed aliases, unknown ones refused with the list', () => {
    expect(parseMintReasonFlag('marketplace')).toBe('marketplace-liquidity');
    expect(parseMintReasonFlag('Governance-Reward')).toBe('governance');
    expect(parseBurnReasonFlag('transactionfee')).toBe('transaction-fee');
    expect(parseRecipientTypeFlag('marketplace-liquidity')).toBe('marketplace');
    expect(refusal(() => parseMintReasonFlag('gift'))).toMatchObject({ code: 'InvalidReason', kind: 'usage', message: expect.stringContaining('block-reward') });
    expect(refusal(() => parseRecipientTypeFlag('miners'))).toMatchObject({ kind: 'usage', message: expect.stringContaining('dev-fund') });
  });

  it('node URLs: http(s) only, trailing slash dropped, the banner\'s /v1 accepted', () => {
    expect(parseNodeUrl('http://127.0.0.1:7545/')).toBe('http://127.0.0.1:7545');
    expect(parseNodeUrl('http://127.0.0.1:7545/v1')).toBe('http://127.0.0.1:7545');
    expect(parseNodeUrl('http://127.0.0.1:7545/v1/')).toBe('http://127.0.0.1:7545');
    // A node behind a path prefix keeps it.
    expect(parseNodeUrl('https://example.org/dchat/v1')).toBe('https://example.org/dchat');
    expect(refusal(() => parseNodeUrl('127.0.0.1:7545'))).toMatchObject({ code: 'InvalidNodeUrl' });
    expect(refusal(() => parseNodeUrl('ftp://x'))).toMatchObject({ code: 'InvalidNodeUrl' });
  });

  it('every error kind has its own exit code, mapped in one place', () => {
    expect(EXIT_CODES).toEqual({ ok: 0, failure: 1, usage: 2, refused: 3, unreachable: 4, keystore: 5, timeout: 6 });
    expect(describeError(new CliError('refused', 'InsufficientBalance', 'Not enough.'))).toEqual({ line: 'error InsufficientBalance: Not enough.', exitCode: 3, code: 'InsufficientBalance', message: 'Not enough.' });
    expect(describeError(Object.assign(new Error('boom'), { code: 'InvalidConfig' }))).toEqual({ line: 'error InvalidConfig: boom', exitCode: 1, code: 'InvalidConfig', message: 'boom' });
  });
});
