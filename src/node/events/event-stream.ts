/**
 * One client's Server-Sent Events stream (docs/protocol.md §16.1). Memory is bounded: what the
 * socket has not taken yet stays in Node's write buffer, and once that passes `maxBufferedBytes`
 * the stream ends with a typed `end` event (`SlowConsumer`) instead of growing; while it replays
 * retained blocks it waits for the socket to drain, and the live blocks that arrive meanwhile wait
 * in a bounded list (past `maxHeldBlocks` the stream ends the same way). A comment line every
 * `heartbeatMs` keeps idle proxies and the API's idle timeout from closing a quiet stream.
 */
import type { ServerResponse } from 'node:http';
import type { BlockDigest, StreamEvent } from './block-digest.ts';
import type { Topics } from './topics.ts';

export interface StreamLimits {
  /** Bytes the socket may leave unsent before the stream ends with SlowConsumer. */
  readonly maxBufferedBytes: number;
  /** Live blocks held while a replay runs, before the stream ends with SlowConsumer. */
  readonly maxHeldBlocks: number;
  readonly heartbeatMs: number;
}

/** The SSE text of one event: `id` (when it has one), `event` and one `data` line of JSON. */
export function sseText(event: Pick<StreamEvent, 'type' | 'id' | 'data'>): string {
  const id = event.id === null ? '' : `id: ${event.id}\n`;
  return `${id}event: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`;
}

export class EventStream {
  readonly topics: Topics;
  private readonly res: ServerResponse;
  private readonly limits: StreamLimits;
  private readonly heartbeat: NodeJS.Timeout;
  /** Live blocks that arrived while the replay ran (null: no replay running). */
  private held: BlockDigest[] | null = null;
  private ended = false;

  constructor(res: ServerResponse, topics: Topics, limits: StreamLimits, onClose: (stream: EventStream) => void) {
    this.res = res;
    this.topics = topics;
    this.limits = limits;
    this.heartbeat = setInterval(() => this.write(': keep-alive\n\n'), limits.heartbeatMs);
    this.heartbeat.unref();
    res.once('close', () => {
      this.ended = true;
      clearInterval(this.heartbeat);
      onClose(this);
    });
  }

  get closed(): boolean {
    return this.ended;
  }

  /** A live block: sent now, or held until the running replay is done. */
  deliverBlock(digest: BlockDigest): void {
    if (this.ended) return;
    if (this.held !== null) {
      if (this.held.length >= this.limits.maxHeldBlocks) this.end('SlowConsumer', `More than ${this.limits.maxHeldBlocks} new blocks arrived while this stream replayed; reconnect with Last-Event-ID to resume.`);
      else this.held.push(digest);
      return;
    }
    this.sendAll(digest.eventsFor(this.topics));
  }

  /** An event that belongs to no block (a tx entering the mempool): sent at once, never replayed. */
  deliverLive(event: StreamEvent): void {
    if (this.ended || this.held !== null) return;
    this.write(sseText(event));
  }

  /**
   * Replays retained blocks from `fromHeight` (its events after index `afterIndex`) up to the head
   * at the time it is reached, waiting for the socket between blocks; then sends the live blocks
   * held meanwhile that come after it.
   */
  async replay(fromHeight: bigint, afterIndex: number, head: () => bigint, digestAt: (height: bigint) => Promise<BlockDigest | null>): Promise<void> {
    this.held = [];
    let last = fromHeight - 1n;
    for (let h = fromHeight; h <= head() && !this.ended; h++) {
      const digest = await digestAt(h);
      if (digest === null) break;
      const events = digest.eventsFor(this.topics);
      this.sendAll(h === fromHeight ? events.filter((_, i) => i > afterIndex) : events);
      last = h;
      await this.drained();
    }
    const held = this.held;
    this.held = null;
    for (const digest of held) if (digest.height > last) this.deliverBlock(digest);
  }

  /** Ends the stream with a typed `end` event (the client may reconnect and resume). */
  end(code: string, message: string): void {
    if (this.ended) return;
    this.ended = true;
    this.res.write(sseText({ type: 'end', id: null, data: { code, message } }));
    clearInterval(this.heartbeat);
    this.res.end();
    // A client that reads nothing does not keep the socket either.
    setTimeout(() => this.res.destroy(), 5_000).unref();
  }

  private sendAll(events: readonly StreamEvent[]): void {
    if (events.length === 0 || this.overflowed()) return;
    this.res.write(events.map(sseText).join(''));
  }

  private write(text: string): void {
    if (!this.overflowed()) this.res.write(text);
  }

  /** Ends the stream (and says so) when the client is too far behind to be written more. */
  private overflowed(): boolean {
    if (this.ended) return true;
    if (this.res.writableLength <= this.limits.maxBufferedBytes) return false;
    this.end('SlowConsumer', `This stream fell more than ${this.limits.maxBufferedBytes} bytes behind; reconnect with Last-Event-ID to resume.`);
    return true;
  }

  /** Resolves once the socket has taken most of what was written (or the stream ended). */
  private drained(): Promise<void> {
    if (this.ended || this.res.writableLength <= this.limits.maxBufferedBytes / 2) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        this.res.off('drain', done);
        this.res.off('close', done);
        resolve();
      };
      this.res.once('drain', done);
      this.res.once('close', done);
    });
  }
}
