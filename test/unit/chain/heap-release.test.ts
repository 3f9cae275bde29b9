/** releaseFreedHeap (heap-release.ts): V8 in this Node gives the last-resort collection the first start relies on. */
import { describe, expect, it } from 'vitest';
import { releaseFreedHeap } from '../../../src/chain/heap-release.ts';

describe('releaseFreedHeap', () => {
  it('runs a last-resort major GC, again on a second call, and exposes no global gc', () => {
    const before = (globalThis as { gc?: unknown }).gc;
    expect(releaseFreedHeap()).toBe(true);
    expect(releaseFreedHeap()).toBe(true);
    expect((globalThis as { gc?: unknown }).gc).toBe(before);
  });
});
