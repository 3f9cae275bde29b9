import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChainErrorCode } from '../../../../src/chain/errors.ts';
import { nodeKey } from '../../../../src/chain/state-tree/node.ts';
import { decodeStaleList, encodeStaleList, legacyList } from '../../../../src/chain/state-tree/stale-list.ts';
import { codeOf } from '../../../support/error-code.ts';

const keyArb = (version: bigint): fc.Arbitrary<Uint8Array> =>
  fc.tuple(fc.bigInt({ min: 0n, max: version }), fc.integer({ min: 0, max: 256 }), fc.uint8Array({ minLength: 32, maxLength: 32 })).map(([v, depth, path]) => nodeKey(v, depth, path));

const hexes = (keys: readonly Uint8Array[]): string[] => keys.map((k) => Buffer.from(k).toString('hex'));

describe('state tree stale records', () => {
  it('read back exactly the keys written, of any version up to the record\'s and any depth (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).chain((v) => fc.tuple(fc.constant(v), fc.array(keyArb(v), { maxLength: 40 }))), ([version, keys]) => {
        expect(hexes(decodeStaleList(version, encodeStaleList(version, keys)))).toEqual(hexes(keys));
      }),
    );
  });

  it('cost about 4 bytes a key for the previous nodes of a block\'s paths, against 13 before', () => {
    const keys = Array.from({ length: 31 }, (_, i) => nodeKey(499n - BigInt(i % 3), 1 + (i % 12), Uint8Array.of(i * 8, 0xff)));
    const compact = encodeStaleList(500n, keys);
    expect(compact.length).toBeLessThanOrEqual(1 + 31 * 4);
    expect(legacyList(keys).length).toBeGreaterThanOrEqual(31 * 12);
  });

  it('read records written by older nodes, and keep a key newer than its record in that layout', () => {
    const keys = [nodeKey(3n, 9, Uint8Array.of(0x80, 0x80)), nodeKey(1n, 0, new Uint8Array(0))];
    expect(hexes(decodeStaleList(4n, legacyList(keys)))).toEqual(hexes(keys));
    const newer = [nodeKey(5n, 2, Uint8Array.of(0x40))];
    expect(Buffer.from(encodeStaleList(4n, newer))).toEqual(Buffer.from(legacyList(newer)));
    expect(hexes(decodeStaleList(4n, encodeStaleList(4n, newer)))).toEqual(hexes(newer));
  });

  it('refuse a damaged record as StoreCorrupt', () => {
    const record = encodeStaleList(9n, [nodeKey(8n, 16, Uint8Array.of(1, 2))]);
    expect(codeOf(() => decodeStaleList(9n, record.subarray(0, record.length - 1)))).toBe(ChainErrorCode.StoreCorrupt);
    // A version difference above the record's version, a depth past 256, a varint cut short.
    expect(codeOf(() => decodeStaleList(9n, Uint8Array.of(0xff, 10, 0)))).toBe(ChainErrorCode.StoreCorrupt);
    expect(codeOf(() => decodeStaleList(9n, Uint8Array.of(0xff, 0, 0x81, 0x02)))).toBe(ChainErrorCode.StoreCorrupt);
    expect(codeOf(() => decodeStaleList(9n, Uint8Array.of(0xff, 0x80)))).toBe(ChainErrorCode.StoreCorrupt);
    expect(codeOf(() => decodeStaleList(9n, Uint8Array.of(12, 0, 0)))).toBe(ChainErrorCode.StoreCorrupt);
  });
});
