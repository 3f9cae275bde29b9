/**
 * The node's event streams (GET /v1/events, docs/protocol.md §16.1): one subscription to the
 * chain's 'block' and 'tx' events, fanned out to every open stream; caps on streams per client
 * address and in total; resumption from a Last-Event-ID by replaying retained blocks from the
 * store. A block's digest is built once, whatever number of streams receive it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ChainEvents } from '../../chain/chain.ts';
import type { ChainView } from '../../chain/chain-view.ts';
import { toHex } from '../../chain/crypto.ts';
import { HISTORY_KINDS } from '../../chain/store/chain-store.ts';
import { walletIdFromPublicKey } from '../../tokenomics/index.ts';
import { ApiError } from '../http/errors.ts';
import { plain } from '../http/plain.ts';
import { BlockDigest, type StreamEvent } from './block-digest.ts';
import { EventStream, type StreamLimits } from './event-stream.ts';
import type { Topics } from './topics.ts';

export interface EventLimits extends StreamLimits {
  readonly maxStreams: number;
  readonly maxStreamsPerClient: number;
  /** How far back a Last-Event-ID may point; older is refused with ResumeTooOld (410). */
  readonly maxReplayBlocks: number;
}

export const DEFAULT_EVENT_LIMITS: EventLimits = {
  maxStreams: 256,
  maxStreamsPerClient: 4,
  maxReplayBlocks: 50_000,
  maxBufferedBytes: 1024 * 1024,
  maxHeldBlocks: 1_000,
  heartbeatMs: 15_000,
};

/** `<height>:<index>` of the last event a client saw. */
export function parseLastEventId(text: string | undefined): { height: bigint; index: number } | null {
  if (text === undefined || text === '') return null;
  const match = /^(\d{1,20}):(\d{1,6})$/.exec(text.trim());
  if (match === null) throw new ApiError('BadRequest', `Last-Event-ID "${text}" is not <height>:<index> as the stream's ids are.`);
  return { height: BigInt(match[1]!), index: Number(match[2]) };
}

export class EventHub {
  private readonly chain: ChainView;
  private readonly limits: EventLimits;
  private readonly streams = new Set<EventStream>();
  private readonly perClient = new Map<string, number>();
  private readonly onBlock = (...[block, imported]: ChainEvents['block']): void => {
    if (this.streams.size === 0) return;
    const digest = new BlockDigest(block, imported.writes.keys(), imported.events);
    for (const stream of this.streams) stream.deliverBlock(digest);
  };
  private readonly onTx = (...[tx]: ChainEvents['tx']): void => {
    let event: StreamEvent | null = null;
    for (const stream of this.streams) {
      if (!stream.topics.txs) continue;
      // Built once, for the first stream that wants it.
      if (event === null) {
        const height = this.chain.head.header.height;
        event = { type: 'tx-pending', id: null, height, data: plain({ hash: toHex(tx.hash), type: tx.tx.op.type, from: walletIdFromPublicKey(tx.tx.signer), nonce: tx.tx.nonce, height, status: 'pending' }) };
      }
      stream.deliverLive(event);
    }
  };

  constructor(chain: ChainView, limits: EventLimits = DEFAULT_EVENT_LIMITS) {
    this.chain = chain;
    this.limits = limits;
    chain.events.on('block', this.onBlock);
    chain.events.on('tx', this.onTx);
  }

  get openStreams(): number {
    return this.streams.size;
  }

  /**
   * Starts a stream on `res` (the caller hijacked the reply), after the caps and the resume point
   * are checked: a refusal throws before any byte is written, so it is an ordinary JSON error.
   */
  open(req: IncomingMessage, res: ServerResponse, topics: Topics, lastEventId: { height: bigint; index: number } | null, exempt: boolean): void {
    const client = req.socket.remoteAddress ?? 'unknown';
    const head = this.chain.head.header.height;
    if (this.streams.size >= this.limits.maxStreams) throw new ApiError('Overloaded', `The node serves ${this.limits.maxStreams} event streams already; retry later.`);
    const mine = this.perClient.get(client) ?? 0;
    if (!exempt && mine >= this.limits.maxStreamsPerClient) throw new ApiError('RateLimited', `${client} has ${this.limits.maxStreamsPerClient} event streams open, the most one client may.`);
    if (lastEventId !== null && head - lastEventId.height > BigInt(this.limits.maxReplayBlocks)) {
      throw new ApiError('ResumeTooOld', `Last-Event-ID is at height ${lastEventId.height}, more than ${this.limits.maxReplayBlocks} blocks behind the head (${head}); read the state afresh and open a new stream.`);
    }
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    // Tells the client the head it starts at (no id: it is no event to resume after).
    res.write(`retry: 2000\nevent: hello\ndata: ${JSON.stringify({ height: head.toString() })}\n\n`);
    this.perClient.set(client, mine + 1);
    const stream = new EventStream(res, topics, this.limits, (s) => {
      this.streams.delete(s);
      const left = (this.perClient.get(client) ?? 1) - 1;
      if (left === 0) this.perClient.delete(client);
      else this.perClient.set(client, left);
    });
    this.streams.add(stream);
    if (lastEventId !== null && lastEventId.height <= head) {
      void stream.replay(lastEventId.height, lastEventId.index, () => this.chain.head.header.height, (h) => this.digestAt(h))
        .catch((err: unknown) => stream.end('InternalError', `The replay failed: ${(err as Error).message}`));
    }
  }

  /** Ends every stream (the node stops) and leaves the chain's events. */
  close(): void {
    this.chain.events.off('block', this.onBlock);
    this.chain.events.off('tx', this.onTx);
    for (const stream of [...this.streams]) stream.end('NodeStopping', 'The node is stopping; reconnect with Last-Event-ID once it is back.');
  }

  /** A retained canonical block as the streams see it, read from the store. */
  private async digestAt(height: bigint): Promise<BlockDigest | null> {
    const records = await this.chain.blockRecordsAt(height, HISTORY_KINDS, true);
    return records === null ? null : new BlockDigest(records.block, records.keys ?? [], records.events);
  }
}
