/** Table layout and number formatting of the seed's outputs. */
import { describe, expect, it } from 'vitest';
import { formatBps, formatRate, formatTime, formatTokens } from '../../../src/cli/format.ts';
import { fields, grid, rows, section } from '../../../src/cli/table.ts';

describe('CLI tables', () => {
  it('formats amounts with thousands separators, never through Number', () => {
    expect(formatTokens(0n)).toBe('0');
    expect(formatTokens(1_000n)).toBe('1,000');
    expect(formatTokens(18_446_744_073_709_551_615n)).toBe('18,446,744,073,709,551,615');
    expect(formatTokens(-1_234_567n)).toBe('-1,234,567');
    expect(formatBps(1_000n)).toBe('10.00%');
    expect(formatRate(500n)).toBe('5%');
    expect(formatRate(125n)).toBe('1.25%');
    expect(formatRate(150n)).toBe('1.5%');
    expect(formatTime(0n)).toBe('1970-01-01 00:00:00Z');
  });

  it('aligns label/value rows on one column, like the seed', () => {
    expect(section('💰 Token Supply Statistics')).toEqual(['💰 Token Supply Statistics', '='.repeat(60)]);
    expect(rows([['Circulating Supply', '100,000,000,000', 'tokens'], ['Max Supply', '1,000,000,000,000', 'tokens (10.00% issued)']])).toEqual([
      'Circulating Supply:        100,000,000,000 tokens',
      'Max Supply:              1,000,000,000,000 tokens (10.00% issued)',
    ]);
    expect(rows([['Balance', '1,000,000', 'tokens']], 34)).toEqual(['Balance:                 1,000,000 tokens']);
    expect(fields([['Name', 'dev'], ['Wallet ID', 'x']])).toEqual(['Name:      dev', 'Wallet ID: x']);
  });

  it('sizes grid columns to their widest cell, between rules as wide as the table', () => {
    const lines = grid([{ header: 'Name', align: 'left' }, { header: 'Total', align: 'right' }], [['Digital Goods', '50,000,000 tokens'], ['Stickers', '5 tokens']]);
    expect(lines).toEqual([
      '='.repeat(32),
      'Name                       Total',
      '='.repeat(32),
      'Digital Goods  50,000,000 tokens',
      'Stickers                5 tokens',
    ]);
  });
});
