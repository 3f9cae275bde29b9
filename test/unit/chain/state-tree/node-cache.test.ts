import { describe, expect, it } from 'vitest';
import { NodeCache } from '../../../../src/chain/state-tree/node-cache.ts';

const k = (name: string): Uint8Array => Buffer.from(name, 'latin1');

describe('NodeCache', () => {
  it('holds at most its limit, keeps what is read again, forgets deleted entries', () => {
    const cache = new NodeCache(8);
    const bytes = (i: number): Uint8Array => Uint8Array.of(i);
    for (let i = 0; i < 100; i++) {
      cache.set(k(`k${i}`), bytes(i));
      // k0 is read after every write: it survives every generation change.
      expect(cache.get(k('k0'))).toEqual(bytes(0));
      expect(cache.size).toBeLessThanOrEqual(8);
    }
    expect(cache.get(k('k1'))).toBeUndefined();
    expect(cache.get(k('k99'))).toEqual(bytes(99));
    cache.delete(k('k99'));
    cache.delete(k('k0'));
    expect(cache.get(k('k99'))).toBeUndefined();
    expect(cache.get(k('k0'))).toBeUndefined();
  });
});

describe('NodeCache byte limit', () => {
  it('drops the old generation once the young one holds half the bytes, and answers copies of what was set', () => {
    const cache = new NodeCache(1_000_000, 10 * (83 + 3 + 40));
    const record = (i: number): Uint8Array => new Uint8Array(83).fill(i);
    const written = record(7);
    cache.set(k('k7'), written);
    written.fill(0);
    expect(cache.get(k('k7'))).toEqual(record(7));
    for (let i = 10; i < 30; i++) cache.set(k(`k${i}`), record(i));
    // 21 records of ~126 bytes against a limit of 10: no more than ~10 remain, the latest among them.
    expect(cache.size).toBeLessThanOrEqual(10);
    expect(cache.get(k('k7'))).toBeUndefined();
    expect(cache.get(k('k29'))).toEqual(record(29));
  });
});
