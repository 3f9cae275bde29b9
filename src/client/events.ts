/**
 * Subscriptions over GET /v1/events (docs/protocol.md §16.1) as an async iterator. After a drop (the
 * network, or the node ending the stream with SlowConsumer or NodeStopping) it reconnects with the
 * last id it saw as Last-Event-ID, so the node replays what was missed: no gap, no repeat.
 */
import { DchatClientError } from './errors.ts';
import type { Json, NodeHttp } from './http.ts';
import { readSse } from './sse.ts';

export type Topic = 'blocks' | 'txs' | 'proposals' | `account:${string}` | `pool:${string}`;

export interface StreamEvent<T = Json> {
  /** hello, block, tx, tx-pending, account, pool, proposal. */
  readonly type: string;
  /** `<height>:<index>`, or null for hello and tx-pending (they are not replayed). */
  readonly id: string | null;
  readonly data: T;
}

export interface SubscribeOptions {
  /** Resume after this id (one a previous subscription yielded). */
  readonly lastEventId?: string;
  /** Ends the subscription: the iterator returns. */
  readonly signal?: AbortSignal;
  /** Reconnect after a drop (default true); false ends the iterator instead. */
  readonly reconnect?: boolean;
  /** Pause before a reconnect, default 500 ms. */
  readonly retryMs?: number;
}

/** Stream ends after which a resume continues losslessly. */
const RESUMABLE_ENDS = new Set(['SlowConsumer', 'NodeStopping']);
/** Refusals that pass with time (too many streams now): retried like a drop. */
const RETRIED_CODES = new Set(['RateLimited', 'Overloaded']);

export async function* subscribe(http: NodeHttp, topics: readonly Topic[], options: SubscribeOptions = {}): AsyncGenerator<StreamEvent> {
  // Its own controller, so a consumer that breaks out of the loop closes the connection too.
  const own = new AbortController();
  const stop = (): void => own.abort();
  options.signal?.addEventListener('abort', stop, { once: true });
  if (options.signal?.aborted) own.abort();
  const signal = own.signal;
  let lastId = options.lastEventId ?? null;
  const path = `/v1/events?topics=${encodeURIComponent(topics.join(','))}`;
  try {
    while (!signal.aborted) {
      try {
        const res = await http.open(path, { accept: 'text/event-stream', ...(lastId === null ? {} : { 'last-event-id': lastId }) }, signal);
        for await (const message of readSse(res.body!)) {
          const data = JSON.parse(message.data) as Json;
          if (message.event === 'end') {
            const code = String(data.code);
            if (!RESUMABLE_ENDS.has(code)) throw new DchatClientError('refused', code, String(data.message));
            break;
          }
          if (message.id !== null) lastId = message.id;
          yield { type: message.event, id: message.id, data };
        }
      } catch (err) {
        if (signal.aborted) return;
        const retried = err instanceof DchatClientError ? err.kind === 'unreachable' || RETRIED_CODES.has(err.code) : isNetworkDrop(err);
        if (!retried) throw err;
      }
      if (options.reconnect === false || signal.aborted) return;
      await pause(options.retryMs ?? 500, signal);
    }
  } finally {
    options.signal?.removeEventListener('abort', stop);
    own.abort();
  }
}

/** A body read that failed mid-stream (the connection closed): fetch gives a TypeError there. */
function isNetworkDrop(err: unknown): boolean {
  return err instanceof TypeError || (err as { name?: string }).name === 'AbortError';
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
