/** The rejected-tx cache is bounded: it forgets the least recently remembered hash once full. */
import { describe, expect, it } from 'vitest';
import { REJECTED_TXS_KEPT, RejectedTxs } from '../../../src/chain/rejected-txs.ts';

const why = (code: string) => ({ code, message: `refused: ${code}` });

describe('RejectedTxs', () => {
  it('keeps at most its capacity, forgetting the oldest first', () => {
    const cache = new RejectedTxs(3);
    for (const hash of ['a', 'b', 'c', 'd']) cache.remember(hash, why(`E${hash}`));
    expect(cache.size).toBe(3);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('d')).toEqual({ code: 'Ed', message: 'refused: Ed' });
  });

  it('makes a hash remembered again the newest, so it outlives older ones', () => {
    const cache = new RejectedTxs(2);
    cache.remember('a', why('First'));
    cache.remember('b', why('B'));
    cache.remember('a', why('Second'));
    cache.remember('c', why('C'));
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toEqual({ code: 'Second', message: 'refused: Second' });
  });

  it('forgets a hash that was accepted after all, and defaults to the documented size', () => {
    const cache = new RejectedTxs();
    cache.remember('a', why('X'));
    cache.forget('a');
    expect(cache.get('a')).toBeUndefined();
    expect(cache.capacity).toBe(REJECTED_TXS_KEPT);
    expect(() => new RejectedTxs(0)).toThrow(RangeError);
  });
});
