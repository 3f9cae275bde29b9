/**
 * An event stream's memory bound (docs/protocol.md §16.1): a client that reads nothing ends with a
 * typed SlowConsumer end event once the unsent bytes pass the bound, instead of growing; live
 * blocks during a replay are held up to a bound, then sent after the replayed ones, never twice.
 */
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { BlockDigest } from '../../../../src/node/events/block-digest.ts';
import { EventStream, sseText } from '../../../../src/node/events/event-stream.ts';
import { parseTopics } from '../../../../src/node/events/topics.ts';
import type { Block } from '../../../../src/chain/codec/block.ts';

/** A response whose socket never takes a byte (everything written stays buffered), or takes all at once. */
class FakeResponse extends EventEmitter {
  writableLength = 0;
  readonly written: string[] = [];
  ended = false;
  private readonly stuck: boolean;
  constructor(stuck: boolean) {
    super();
    this.stuck = stuck;
  }
  write(text: string): boolean {
    this.written.push(text);
    if (this.stuck) this.writableLength += Buffer.byteLength(text);
    return !this.stuck;
  }
  end(): void {
    this.ended = true;
  }
  destroy(): void {
    this.emit('close');
  }
}

function block(height: bigint): Block {
  const zero = new Uint8Array(32);
  return {
    hash: Uint8Array.of(Number(height), ...zero.subarray(1)),
    header: { height, slot: height, timestampMs: height * 1000n, parentHash: zero, stateRoot: zero, txRoot: zero, proposer: '00'.repeat(32) },
    signature: new Uint8Array(64),
    txs: [],
  } as unknown as Block;
}

const limits = { maxBufferedBytes: 2_000, maxHeldBlocks: 3, heartbeatMs: 60_000 };

describe('EventStream bounds', () => {
  it('ends a consumer that reads nothing with SlowConsumer once the bound is passed, and writes nothing more', () => {
    const res = new FakeResponse(true);
    const stream = new EventStream(res as unknown as ServerResponse, parseTopics('blocks'), limits, () => undefined);
    let h = 1n;
    while (!stream.closed && h < 1_000n) stream.deliverBlock(new BlockDigest(block(h++), [], []));
    expect(stream.closed).toBe(true);
    expect(h).toBeLessThan(30n);
    const last = res.written.at(-1)!;
    expect(last).toContain('event: end');
    expect(last).toContain('SlowConsumer');
    expect(res.ended).toBe(true);
    const count = res.written.length;
    stream.deliverBlock(new BlockDigest(block(h), [], []));
    expect(res.written.length).toBe(count);
    // Bounded: the bound plus at most one event and the end event.
    expect(res.writableLength).toBeLessThan(limits.maxBufferedBytes + 1_000);
  });

  it('holds live blocks during a replay and sends only those after the replayed heights', async () => {
    const res = new FakeResponse(false);
    const stream = new EventStream(res as unknown as ServerResponse, parseTopics('blocks'), limits, () => undefined);
    let head = 3n;
    const replay = stream.replay(2n, -1, () => head, async (height) => {
      if (height === 2n) {
        // Blocks 3 (replayed too) and 4 (not yet) arrive live while the replay reads block 2.
        stream.deliverBlock(new BlockDigest(block(3n), [], []));
        stream.deliverBlock(new BlockDigest(block(4n), [], []));
        head = 4n;
      }
      return new BlockDigest(block(height), [], []);
    });
    await replay;
    const heights = res.written.filter((t) => t.includes('event: block')).map((t) => /"height":"(\d+)"/.exec(t)![1]);
    expect(heights).toEqual(['2', '3', '4']);
  });

  it('ends the stream when more live blocks arrive during a replay than it holds', async () => {
    const res = new FakeResponse(false);
    const stream = new EventStream(res as unknown as ServerResponse, parseTopics('blocks'), limits, () => undefined);
    await stream.replay(1n, -1, () => 1n, async () => {
      for (let h = 10n; h < 15n; h++) stream.deliverBlock(new BlockDigest(block(h), [], []));
      return new BlockDigest(block(1n), [], []);
    });
    expect(stream.closed).toBe(true);
    expect(res.written.at(-1)).toContain('SlowConsumer');
  });

  it('writes SSE text: id only for events that have one, one JSON data line', () => {
    expect(sseText({ type: 'tx', id: '5:1', data: { a: 1 } })).toBe('id: 5:1\nevent: tx\ndata: {"a":1}\n\n');
    expect(sseText({ type: 'tx-pending', id: null, data: {} })).toBe('event: tx-pending\ndata: {}\n\n');
  });
});
