/** A small Server-Sent Events client for tests: reads a GET /v1/events stream and waits on its events. */
import { readSse } from '../../src/client/index.ts';
export interface SseEvent {
  readonly type: string;
  readonly id: string | null;
  readonly data: Record<string, unknown>;
}

export interface SseStream {
  readonly status: number;
  readonly events: SseEvent[];
  /** The JSON body of a refusal (a non-200 answer), else null. */
  readonly refusal: { code: string; message: string } | null;
  /** The first event (from the start of the stream) that matches, waiting for it. */
  next(match: (e: SseEvent) => boolean, what: string, timeoutMs?: number): Promise<SseEvent>;
  close(): void;
}

export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseStream> {
  const controller = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal });
  const events: SseEvent[] = [];
  const waiters = new Set<() => void>();
  if (res.ok && res.body !== null) {
    void (async () => {
      try {
        // The SDK's SSE reader (src/client/sse.ts): one parser of the format, not two.
        for await (const m of readSse(res.body!)) {
          events.push({ type: m.event, id: m.id, data: JSON.parse(m.data) as Record<string, unknown> });
          for (const wake of waiters) wake();
        }
      } catch {
        // aborted by close()
      }
    })();
  }
  const refusal = res.ok ? null : ((await res.json()) as { code: string; message: string });
  return {
    status: res.status,
    events,
    refusal,
    next(match, what, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const found = events.find(match);
          if (found === undefined) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for ${what}; got ${events.map((e) => e.type).join(',')}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () => controller.abort(),
  };
}
