/** A small Server-Sent Events client for tests: reads a GET /v1/events stream and waits on its events. */
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

function parse(block: string): SseEvent | null {
  let type = 'message';
  let id: string | null = null;
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':') || line === '') continue;
    const at = line.indexOf(':');
    const field = at < 0 ? line : line.slice(0, at);
    const value = at < 0 ? '' : line.slice(at + 1).replace(/^ /, '');
    if (field === 'event') type = value;
    else if (field === 'id') id = value;
    else if (field === 'data') data.push(value);
  }
  return data.length === 0 ? null : { type, id, data: JSON.parse(data.join('\n')) as Record<string, unknown> };
}

export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseStream> {
  const controller = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal });
  const events: SseEvent[] = [];
  const waiters = new Set<() => void>();
  if (res.ok && res.body !== null) {
    void (async () => {
      const decoder = new TextDecoder();
      let buffered = '';
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          buffered += decoder.decode(chunk, { stream: true });
          let end: number;
          while ((end = buffered.indexOf('\n\n')) >= 0) {
            const event = parse(buffered.slice(0, end));
            buffered = buffered.slice(end + 2);
            if (event !== null) events.push(event);
          }
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
