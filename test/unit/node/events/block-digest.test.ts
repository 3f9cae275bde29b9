/**
 * What a block offers each stream (docs/protocol.md §16.1): only the subscribed accounts, pools and
 * proposals the block wrote, in a fixed order with ids `<height>:<index>`, and an account's token
 * events in the order the store reads them back (mints, burns, distributions), whatever order they
 * happened in, so a replayed event equals the live one.
 */
import { describe, expect, it } from 'vitest';
import type { Block } from '../../../../src/chain/codec/block.ts';
import { BlockDigest } from '../../../../src/node/events/block-digest.ts';
import { parseTopics } from '../../../../src/node/events/topics.ts';
import type { TokenEvent } from '../../../../src/tokenomics/index.ts';

const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';
const P = '33333333-3333-4333-8333-333333333333';
const zero = new Uint8Array(32);
const block = { hash: zero, header: { height: 7n, slot: 7n, timestampMs: 7000n, parentHash: zero, stateRoot: zero, proposer: '00'.repeat(32) }, signature: new Uint8Array(64), txs: [] } as unknown as Block;
const base = { height: 7n, timestampMs: 7000n, txHash: null };
const events: TokenEvent[] = [
  { ...base, kind: 'distribution', id: 'd', scheduleId: null, recipientType: 'voters', recipient: A, amount: 3n },
  { ...base, kind: 'burn', id: 'b', amount: 2n, reason: 'fee', burner: A },
  { ...base, kind: 'mint', id: 'm', amount: 1n, reason: 'reward', recipient: A, poolId: null },
  { ...base, kind: 'mint', id: 'x', amount: 9n, reason: 'reward', recipient: B, poolId: null },
] as TokenEvent[];

describe('BlockDigest', () => {
  it('sends only what the topics name and the block wrote, in a fixed order with per-stream ids', () => {
    const digest = new BlockDigest(block, [`account:${A}`, `proposal:${P}`, `pool:${P}`], events);
    const out = digest.eventsFor(parseTopics(`proposals,account:${B},pool:${P},account:${A},blocks`));
    expect(out.map((e) => [e.id, e.type])).toEqual([['7:0', 'block'], ['7:1', 'account'], ['7:2', 'pool'], ['7:3', 'proposal']]);
    const account = out[1]!.data as { account: string; events: { id: string }[] };
    expect(account.account).toBe(A);
    expect(account.events.map((e) => e.id)).toEqual(['m', 'b', 'd']);
    expect(digest.eventsFor(parseTopics(`account:${B}`))).toEqual([]);
  });

  it('refuses topics it does not know, ids that are no UUID, and too many topics', () => {
    expect(() => parseTopics('blocks,chat')).toThrow(/not a topic/);
    expect(() => parseTopics('account:123')).toThrow(/not a UUID/);
    expect(() => parseTopics(Array.from({ length: 33 }, () => 'blocks').join(','))).toThrow(/at most 32/);
    expect(() => parseTopics('')).toThrow(/at least one topic/);
  });
});
