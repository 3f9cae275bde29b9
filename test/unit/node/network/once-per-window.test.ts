/** One log line per key per window, carrying the count of what was kept quiet (src/node/network/once-per-window.ts). */
import { describe, expect, it } from 'vitest';
import { OncePerWindow } from '../../../../src/node/network/once-per-window.ts';

describe('OncePerWindow', () => {
  it('reports the first occurrence, keeps the rest of the window quiet, then reports them all at once', () => {
    const clock = { now: 0 };
    const once = new OncePerWindow({ windowMs: 1_000 }, () => clock.now);
    expect(once.occur('a')).toBe(1);
    for (let i = 0; i < 99; i++) expect(once.occur('a')).toBe(0);
    expect(once.occur('b'), 'another key has its own window').toBe(1);
    clock.now = 1_000;
    expect(once.occur('a')).toBe(100);
    expect(once.occur('a')).toBe(0);
  });

  it('remembers at most maxKeys keys', () => {
    const once = new OncePerWindow({ windowMs: 1_000, maxKeys: 2 }, () => 0);
    once.occur('a');
    once.occur('b');
    once.occur('c');
    expect(once.occur('a'), 'a was forgotten, so it reports again').toBe(1);
  });
});
