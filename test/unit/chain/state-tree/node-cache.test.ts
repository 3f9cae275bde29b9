import { describe, expect, it } from 'vitest';
import { NodeCache } from '../../../../src/chain/state-tree/node-cache.ts';

describe('NodeCache', () => {
  it('holds at most its limit, keeps what is read again, forgets deleted entries', () => {
    const cache = new NodeCache(8);
    const bytes = (i: number): Uint8Array => Uint8Array.of(i);
    for (let i = 0; i < 100; i++) {
      cache.set(`k${i}`, bytes(i));
      // k0 is read after every write: it survives every generation change.
      expect(cache.get('k0')).toEqual(bytes(0));
      expect(cache.size).toBeLessThanOrEqual(8);
    }
    expect(cache.get('k1')).toBeUndefined();
    expect(cache.get('k99')).toEqual(bytes(99));
    cache.delete('k99');
    cache.delete('k0');
    expect(cache.get('k99')).toBeUndefined();
    expect(cache.get('k0')).toBeUndefined();
  });
});

describe('NodeCache byte limit', () => {
  it('drops the old generation once the young one holds half the bytes, and answers copies of what was set', () => {
    const cache = new NodeCache(1_000_000, 10 * (83 + 2 + 64));
    const record = (i: number): Uint8Array => new Uint8Array(83).fill(i);
    const written = record(7);
    cache.set('k7', written);
    written.fill(0);
    expect(cache.get('k7')).toEqual(record(7));
    for (let i = 10; i < 30; i++) cache.set(`k${i}`, record(i));
    // 21 records of ~149 bytes against a limit of 10: no more than ~10 remain, the latest among them.
    expect(cache.size).toBeLessThanOrEqual(10);
    expect(cache.get('k7')).toBeUndefined();
    expect(cache.get('k29')).toEqual(record(29));
  });
});
