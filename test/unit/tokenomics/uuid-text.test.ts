/** The portable hex and UUID text helpers give exactly what Buffer gives, at every length class. */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bytesToHex, formatUuid, hexToBytes, uuidBytes } from '../../../src/tokenomics/uuid-text.ts';

describe('uuid-text', () => {
  it('bytesToHex and hexToBytes match Buffer for short, long and chunked lengths', () => {
    for (const n of [0, 1, 16, 32, 64, 65, 4096, 4097, 10_000]) {
      const bytes = Uint8Array.from(randomBytes(n));
      const hex = Buffer.from(bytes).toString('hex');
      expect(bytesToHex(bytes)).toBe(hex);
      expect(hexToBytes(hex)).toEqual(bytes);
      expect(hexToBytes(hex.toUpperCase())).toEqual(bytes);
    }
  });

  it('refuses text that is not whole bytes of hex', () => {
    expect(() => hexToBytes('abc')).toThrow(TypeError);
    expect(() => hexToBytes('zz')).toThrow(TypeError);
  });

  it('formatUuid and uuidBytes are inverse and in the canonical form', () => {
    const bytes = Uint8Array.from(randomBytes(16));
    const hex = Buffer.from(bytes).toString('hex');
    const text = formatUuid(bytes);
    expect(text).toBe(`${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`);
    expect(uuidBytes(text)).toEqual(bytes);
    expect(() => uuidBytes(text.toUpperCase().replace(/[0-9]/g, 'A'))).toThrow(TypeError);
  });
});
