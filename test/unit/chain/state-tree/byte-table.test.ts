import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteTable } from '../../../../src/chain/state-tree/byte-table.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('ByteTable', () => {
  it('answers what a Map keyed by the bytes answers, through growth, overwrites and deletes (property)', () => {
    const op = fc.tuple(fc.constantFrom('set', 'delete'), fc.uint8Array({ minLength: 1, maxLength: 3 }), fc.nat());
    fc.assert(
      fc.property(fc.array(op, { maxLength: 3_000 }), (ops) => {
        const table = new ByteTable();
        const reference = new Map<string, number>();
        for (const [kind, key, value] of ops) {
          if (kind === 'set') {
            table.set(key, value);
            reference.set(hex(key), value);
          } else {
            table.delete(key);
            reference.delete(hex(key));
          }
        }
        expect(table.size).toBe(reference.size);
        for (const [, key] of ops) expect(table.get(key)).toBe(reference.get(hex(key)));
      }),
      { numRuns: 40 },
    );
  });

  it('keeps 100,000 distinct keys apart and reuses the slots of deleted ones', () => {
    const table = new ByteTable();
    const key = (i: number): Uint8Array => Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 1, 0, 20, i >> 16, (i >> 8) & 0xff, i & 0xff);
    for (let i = 0; i < 100_000; i++) table.set(key(i), i * 3);
    for (let i = 0; i < 100_000; i += 2) table.delete(key(i));
    const bytesBefore = table.bytes;
    // As many keys again, each deleted and set: the table does not keep growing on tombstones.
    for (let round = 0; round < 5; round++) for (let i = 0; i < 100_000; i += 2) {
      table.set(key(i), round);
      table.delete(key(i));
    }
    expect(table.size).toBe(50_000);
    for (let i = 0; i < 100_000; i++) expect(table.get(key(i))).toBe(i % 2 === 0 ? undefined : i * 3);
    // Only the key arena grows (deleted keys' bytes are not reused); the slots do not.
    expect(table.bytes - bytesBefore).toBeLessThanOrEqual(5 * 50_000 * 13 + (1 << 20));
  });
});
