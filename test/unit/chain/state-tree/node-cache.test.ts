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
