/** The evidence a node keeps is bounded (docs/protocol.md §9): one per (slot, proposer), oldest dropped. */
import { describe, expect, it } from 'vitest';
import { EvidenceLog } from '../../../src/chain/evidence-log.ts';

describe('EvidenceLog', () => {
  it('keeps the first evidence per (slot, proposer) however many more blocks that validator signs for the slot', () => {
    const log = new EvidenceLog<{ slot: bigint; proposer: string; n: number }>(10);
    expect(log.add({ slot: 5n, proposer: 'aa', n: 1 })).toBe(true);
    for (let n = 2; n < 1_000; n++) expect(log.add({ slot: 5n, proposer: 'aa', n })).toBe(false);
    expect(log.add({ slot: 5n, proposer: 'bb', n: 0 })).toBe(true);
    expect(log.list().map((e) => `${e.proposer}:${e.n}`)).toEqual(['aa:1', 'bb:0']);
  });

  it('holds at most its capacity, dropping the oldest', () => {
    const log = new EvidenceLog<{ slot: bigint; proposer: string }>(3);
    for (let slot = 0n; slot < 100n; slot++) log.add({ slot, proposer: 'aa' });
    expect(log.list().map((e) => e.slot)).toEqual([97n, 98n, 99n]);
  });
});
