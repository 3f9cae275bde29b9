/**
 * Waiting for transactions to be included: one shared `txs` event stream per client (§16.1) wakes
 * the waiters of the hashes it names, and each waiter then reads GET /v1/txs/{hash} for the height
 * and events. Without a stream (an older node, a proxy that buffers) waiters poll that route every
 * `pollMs`; with one they still poll rarely, since a tx the mempool drops has no event.
 */
import { DchatClientError } from './errors.ts';
import { subscribe } from './events.ts';
import type { Json, NodeHttp } from './http.ts';

export interface TxStatusJson extends Json {
  readonly hash: string;
  readonly status: 'pending' | 'included' | 'rejected';
  readonly height?: string;
  readonly code?: string;
  readonly message?: string;
}

/** How often a waiter asks while the stream is live: only to see drops, which send no event. */
const LIVE_POLL_FACTOR = 8;

export class InclusionWatcher {
  private readonly http: NodeHttp;
  private readonly pollMs: number;
  private readonly wakers = new Map<string, Set<() => void>>();
  private stream: AbortController | null = null;
  private live = false;

  constructor(http: NodeHttp, pollMs: number) {
    this.http = http;
    this.pollMs = pollMs;
  }

  /** Resolves with the included status; throws `refused` with the node's code when rejected, `timeout` at the deadline. */
  async wait(hash: string, timeoutMs: number, signal?: AbortSignal): Promise<TxStatusJson> {
    const deadline = Date.now() + timeoutMs;
    let wake = (): void => {};
    // Set when the stream names the hash while a request is in flight: ask again at once.
    let kicked = false;
    const woken = (): void => {
      kicked = true;
      wake();
    };
    this.watch(hash, woken);
    try {
      for (;;) {
        const status = await this.http.get<TxStatusJson>(`/v1/txs/${hash}`);
        if (status.status === 'included') return status;
        if (status.status === 'rejected') {
          throw new DchatClientError('refused', status.code ?? 'Rejected', `${status.message ?? 'The node dropped the transaction.'} (tx ${hash})`);
        }
        const left = deadline - Date.now();
        if (left <= 0) {
          throw new DchatClientError('timeout', 'Timeout', `Transaction ${hash} is still pending after ${timeoutMs / 1000} s; check it later with GET /v1/txs/${hash}.`);
        }
        if (signal?.aborted) throw signal.reason;
        if (kicked) {
          kicked = false;
          continue;
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, Math.min(left, this.live ? this.pollMs * LIVE_POLL_FACTOR : this.pollMs));
          function done(): void {
            clearTimeout(timer);
            signal?.removeEventListener('abort', done);
            kicked = false;
            resolve();
          }
          wake = done;
          signal?.addEventListener('abort', done, { once: true });
        });
      }
    } finally {
      this.unwatch(hash, woken);
    }
  }

  private watch(hash: string, waker: () => void): void {
    let set = this.wakers.get(hash);
    if (set === undefined) this.wakers.set(hash, (set = new Set()));
    set.add(waker);
    if (this.stream === null) this.startStream();
  }

  private unwatch(hash: string, waker: () => void): void {
    const set = this.wakers.get(hash);
    set?.delete(waker);
    if (set?.size === 0) this.wakers.delete(hash);
    if (this.wakers.size === 0 && this.stream !== null) {
      this.stream.abort();
      this.stream = null;
      this.live = false;
    }
  }

  private startStream(): void {
    const controller = new AbortController();
    this.stream = controller;
    void (async () => {
      try {
        for await (const event of subscribe(this.http, ['txs'], { signal: controller.signal })) {
          if (event.type === 'hello') {
            // Live from here on: whoever asked before the stream opened asks once more.
            this.live = true;
            for (const set of this.wakers.values()) for (const waker of set) waker();
          } else if (event.type === 'tx' && event.data.status === 'included') {
            for (const waker of this.wakers.get(String(event.data.hash)) ?? []) waker();
          }
        }
      } catch {
        // No stream from this node: the waiters poll.
      }
      if (this.stream === controller) this.live = false;
    })();
  }
}
