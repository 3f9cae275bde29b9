import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { internalHashOf } from '../../../../src/chain/state-tree/hash.ts';
import { sha256Into, sha256Of64, sha256Of65 } from '../../../../src/chain/state-tree/sha256.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const reference = (...parts: Uint8Array[]): string => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
};

describe("the node tree's SHA-256", () => {
  it('matches node:crypto on every length across the padding boundaries, written at an offset', () => {
    for (let length = 0; length <= 300; length++) {
      const data = randomBytes(length);
      const out = new Uint8Array(40).fill(0xaa);
      sha256Into(data, out, 5);
      expect(hex(out.subarray(5, 37))).toBe(reference(data));
      // Nothing outside the 32 bytes is touched.
      expect([...out.subarray(0, 5), ...out.subarray(37)]).toEqual([0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa]);
    }
  });

  it('hashes a leaf, prefix ‖ 32 bytes ‖ 32 bytes read at offsets, as node:crypto does, even into one of its inputs', () => {
    for (let i = 0; i < 200; i++) {
      const a = randomBytes(70);
      const b = randomBytes(70);
      const aAt = i % 38;
      const bAt = (i * 7) % 38;
      const prefix = i % 2;
      const expected = reference(Uint8Array.of(prefix), a.subarray(aAt, aAt + 32), b.subarray(bAt, bAt + 32));
      const out = new Uint8Array(32);
      sha256Of65(prefix, a, aAt, b, bAt, out, 0);
      expect(hex(out)).toBe(expected);
      sha256Of65(prefix, a, aAt, b, bAt, a, aAt);
      expect(hex(a.subarray(aAt, aAt + 32))).toBe(expected);
    }
  });

  it('hashes an internal pair, 32 bytes ‖ 32 bytes read at offsets, as node:crypto does: the JS one and the native one, even into one of its inputs', () => {
    for (let i = 0; i < 200; i++) {
      const a = randomBytes(70);
      const b = randomBytes(70);
      const aAt = i % 38;
      const bAt = (i * 7) % 38;
      const expected = reference(a.subarray(aAt, aAt + 32), b.subarray(bAt, bAt + 32));
      const out = new Uint8Array(36).fill(0xaa);
      sha256Of64(a, aAt, b, bAt, out, 4);
      expect(hex(out.subarray(4))).toBe(expected);
      const native = new Uint8Array(36).fill(0xaa);
      internalHashOf(a, aAt, b, bAt, native, 4);
      expect(hex(native.subarray(4))).toBe(expected);
      expect([...native.subarray(0, 4)]).toEqual([0xaa, 0xaa, 0xaa, 0xaa]);
      const a2 = Uint8Array.from(a);
      internalHashOf(a2, aAt, b, bAt, a2, aAt);
      expect(hex(a2.subarray(aAt, aAt + 32))).toBe(expected);
      sha256Of64(a, aAt, b, bAt, a, aAt);
      expect(hex(a.subarray(aAt, aAt + 32))).toBe(expected);
    }
  });
});
