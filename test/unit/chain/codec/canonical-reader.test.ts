/**
 * The canonical reader accepts exactly the encodings docs/protocol.md §1 allows: every value written by an
 * independent literal encoder (codec-fixture `mp`) reads back as itself, and whatever it accepts from
 * a general-purpose encoder (msgpackr: floats, negative ints, maps, long forms) encodes again to the
 * very input bytes. Every refusal is MalformedBytes.
 */
import fc from 'fast-check';
import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { CanonicalReader, readCanonical } from '../../../../src/chain/codec/canonical-reader.ts';
import { pack } from '../../../../src/chain/codec/msgpack.ts';
import { ChainErrorCode } from '../../../../src/chain/errors.ts';
import { type Mp, hex, hexBytes, mp, outcomeOf } from './codec-fixture.ts';

const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
const canonicalValue = fc.letrec<{ v: Mp }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    u64,
    fc.oneof(fc.constantFrom(0n, 127n, 128n, 255n, 256n, 65_535n, 65_536n, 2n ** 32n - 1n, 2n ** 32n)),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.string({ minLength: 30, maxLength: 300 }),
    fc.uint8Array({ maxLength: 300 }),
    fc.array(tie('v'), { maxLength: 20 }),
  ),
})).v;

/** What the reader returns, in the writer's terms (numbers below 2^32 back to bigint). */
function normalize(value: unknown): Mp {
  if (typeof value === 'number') return BigInt(value);
  if (value instanceof Uint8Array) return Uint8Array.from(value);
  if (Array.isArray(value)) return value.map(normalize);
  return value as Mp;
}

const refusal = (bytesHex: string): string => outcomeOf(() => readCanonical(hexBytes(bytesHex), 'test'));

describe('CanonicalReader', () => {
  it('reads back every canonical value as itself, and pack() writes the same bytes', () => {
    fc.assert(
      fc.property(canonicalValue, (value) => {
        const bytes = hexBytes(mp(value));
        const read = readCanonical(bytes, 'test');
        expect(normalize(read)).toEqual(normalize(value));
        expect(hex(pack(read))).toBe(hex(bytes));
      }),
      { numRuns: 2_000, seed: 31 },
    );
  });

  it('integers below 2^32 read as numbers, uint 64 as bigint; binary as bytes', () => {
    expect(readCanonical(hexBytes('cdffff'), 't')).toBe(65_535);
    expect(readCanonical(hexBytes('ceffffffff'), 't')).toBe(4_294_967_295);
    expect(readCanonical(hexBytes('cf0000000100000000'), 't')).toBe(2n ** 32n);
    expect(hex(readCanonical(hexBytes('c4020102'), 't') as Uint8Array)).toBe('0102');
  });

  it.each([
    ['uint 8 below 128', 'cc05'],
    ['uint 16 below 256', 'cd00ff'],
    ['uint 32 below 65536', 'ce0000ffff'],
    ['uint 64 below 2^32', 'cf00000000ffffffff'],
    ['str 8 shorter than 32', 'd90161'],
    ['str 16 shorter than 256', 'da000161'],
    ['str 32 shorter than 65536', 'db0000000161'],
    ['bin 16 shorter than 256', 'c5000101'],
    ['bin 32 shorter than 65536', 'c60000000101'],
    ['array 16 shorter than 16', 'dc000101'],
    ['array 32 shorter than 65536', 'dd0000000101'],
    ['negative fixint', 'ff'],
    ['int 8', 'd005'],
    ['float 32', 'ca40a00000'],
    ['float 64', 'cb4014000000000000'],
    ['fixmap', '81a16101'],
    ['map 16', 'de0000'],
    ['fixext 1', 'd40101'],
    ['the never-used 0xc1', 'c1'],
    ['invalid UTF-8', 'a2c328'],
    ['a UTF-16 surrogate in UTF-8', 'a3eda080'],
    ['an overlong UTF-8 form', 'a2c0af'],
    ['trailing bytes', '0101'],
    ['nothing', ''],
    ['a string cut short', 'a36162'],
    ['an array claiming more items than bytes', 'dd7fffffff01'],
    ['a bin claiming more bytes than there are', 'c6ffffffff00'],
  ])('refuses %s (MalformedBytes)', (_name, bytesHex) => {
    expect(refusal(bytesHex)).toBe(ChainErrorCode.MalformedBytes);
  });

  it('keeps a byte-order mark in a string (so it encodes again to the same bytes)', () => {
    const bytes = hexBytes('a6efbbbf616263');
    expect(hex(pack(readCanonical(bytes, 't')))).toBe(hex(bytes));
  });

  it('refuses nesting deeper than 32 arrays instead of recursing without bound', () => {
    expect(refusal(`${'91'.repeat(31)}c0`)).toBe('ok');
    expect(refusal(`${'91'.repeat(100_000)}c0`)).toBe(ChainErrorCode.MalformedBytes);
  });

  it('whatever it accepts from a general-purpose encoder is that encoding again; the rest is MalformedBytes', () => {
    const packr = new Packr({ useRecords: false, variableMapSize: true } as ConstructorParameters<typeof Packr>[0]);
    const leaf = fc.oneof(fc.constant(null), fc.boolean(), fc.integer(), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }), fc.double(), fc.string({ maxLength: 40 }), fc.uint8Array({ maxLength: 40 }));
    const anyValue = fc.letrec<{ v: unknown }>((tie) => ({
      v: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('v'), { maxLength: 5 }), fc.dictionary(fc.string({ maxLength: 5 }), tie('v'), { maxKeys: 3 })),
    })).v;
    fc.assert(
      fc.property(anyValue, (value) => {
        const bytes = packr.pack(value) as Uint8Array;
        const code = outcomeOf(() => {
          const read = readCanonical(bytes, 'test');
          expect(hex(pack(read))).toBe(hex(bytes));
        });
        expect(['ok', ChainErrorCode.MalformedBytes]).toContain(code);
      }),
      { numRuns: 3_000, seed: 37 },
    );
  });

  it('random bytes: accepted only if they encode again to themselves', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const code = outcomeOf(() => expect(hex(pack(readCanonical(bytes, 'test')))).toBe(hex(bytes)));
        expect(['ok', ChainErrorCode.MalformedBytes]).toContain(code);
      }),
      { numRuns: 5_000, seed: 41 },
    );
  });

  it('arrayHeader and slice let a caller hash a part exactly as read', () => {
    const bytes = hexBytes(mp([1n, 'ab', [2n, 3n]]));
    const reader = new CanonicalReader(bytes, 'test');
    expect(reader.arrayHeader()).toBe(3);
    reader.value();
    const start = reader.pos;
    reader.value();
    expect(hex(reader.slice(start, reader.pos))).toBe(mp('ab'));
    reader.value();
    reader.end();
  });
});
