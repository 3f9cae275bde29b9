/**
 * The SDK's client logic against a scripted fetch: waiting falls back to polling when the node has
 * no event stream, a rejection comes back with the node's code, and a subscription the node ends
 * (SlowConsumer) reconnects with the last id it saw as Last-Event-ID.
 */
import { describe, expect, it } from 'vitest';
import { DchatClient, DchatClientError, type StreamEvent } from '../../../src/client/index.ts';

const json = (status: number, body: unknown): Response => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const sse = (text: string): Response => new Response(text, { status: 200, headers: { 'content-type': 'text/event-stream' } });

interface Call {
  readonly url: string;
  readonly headers: Headers;
}

/** A fetch answering by path from `answer`, recording each call. */
function scripted(answer: (path: string, call: number) => Response): { fetch: typeof fetch; calls: Call[] } {
  const calls: Call[] = [];
  const fake = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    calls.push({ url, headers: new Headers(init?.headers) });
    const path = new URL(url).pathname;
    return answer(path, calls.filter((c) => new URL(c.url).pathname === path).length);
  }) as typeof fetch;
  return { fetch: fake, calls };
}

const NODE = { chain_id: 'dchat-test', block_time_ms: '40' };

describe('waitForInclusion', () => {
  it('polls GET /v1/txs/{hash} when the node has no event stream', async () => {
    const node = scripted((path, call) => {
      if (path === '/v1/node') return json(200, NODE);
      if (path === '/v1/events') return json(404, { code: 'NotFound', message: 'no such route' });
      return call < 3 ? json(200, { hash: 'ab', status: 'pending' }) : json(200, { hash: 'ab', status: 'included', height: '9' });
    });
    const client = new DchatClient({ baseUrl: 'http://node.test', fetch: node.fetch });
    const status = await client.waitForInclusion('ab', { timeoutMs: 5_000 });
    expect(status).toMatchObject({ status: 'included', height: '9' });
    expect(node.calls.filter((c) => c.url.endsWith('/v1/txs/ab'))).toHaveLength(3);
  });

  it('throws the node’s code when the tx is rejected, and Timeout when it stays pending', async () => {
    const node = scripted((path) => {
      if (path === '/v1/node') return json(200, NODE);
      if (path === '/v1/events') return json(404, { code: 'NotFound', message: 'no such route' });
      if (path === '/v1/txs/bad') return json(200, { hash: 'bad', status: 'rejected', code: 'InvalidNonce', message: 'Nonce 3 was expected.' });
      return json(200, { hash: 'slow', status: 'pending' });
    });
    const client = new DchatClient({ baseUrl: 'http://node.test', fetch: node.fetch });
    await expect(client.waitForInclusion('bad')).rejects.toMatchObject({ kind: 'refused', code: 'InvalidNonce', message: 'Nonce 3 was expected. (tx bad)' });
    const slow = await client.waitForInclusion('slow', { timeoutMs: 100 }).catch((err: unknown) => err);
    expect(slow).toBeInstanceOf(DchatClientError);
    expect(slow).toMatchObject({ kind: 'timeout', code: 'Timeout' });
  });
});

describe('subscribe', () => {
  it('reconnects after a SlowConsumer end with the last id as Last-Event-ID', async () => {
    const node = scripted((_path, call) => call === 1
      ? sse('event: hello\ndata: {"height":"4"}\n\nid: 5:0\nevent: block\ndata: {"height":"5"}\n\nevent: end\ndata: {"code":"SlowConsumer","message":"too slow"}\n\n')
      : sse('event: hello\ndata: {"height":"6"}\n\nid: 6:0\nevent: block\ndata: {"height":"6"}\n\n'));
    const client = new DchatClient({ baseUrl: 'http://node.test', fetch: node.fetch });
    const controller = new AbortController();
    const seen: StreamEvent[] = [];
    for await (const event of client.subscribe(['blocks'], { signal: controller.signal, retryMs: 1 })) {
      seen.push(event);
      if (event.id === '6:0') break;
    }
    expect(seen.map((e) => `${e.type} ${e.id}`)).toEqual(['hello null', 'block 5:0', 'hello null', 'block 6:0']);
    expect(node.calls[0]!.headers.get('last-event-id')).toBeNull();
    expect(node.calls[1]!.headers.get('last-event-id')).toBe('5:0');
    expect(node.calls[1]!.url).toBe('http://node.test/v1/events?topics=blocks');
  });

  it('closes the stream when the consumer stops early', async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('event: hello\ndata: {"height":"1"}\n\n'));
      },
      cancel() {
        cancelled = true;
      },
    });
    const node = scripted(() => new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } }));
    const client = new DchatClient({ baseUrl: 'http://node.test', fetch: node.fetch });
    for await (const event of client.subscribe(['txs'])) {
      expect(event.type).toBe('hello');
      break;
    }
    expect(cancelled).toBe(true);
  });

  it('ends with the node’s code for a refusal that no retry mends', async () => {
    const node = scripted(() => json(410, { code: 'ResumeTooOld', message: 'The resume point is too old.' }));
    const client = new DchatClient({ baseUrl: 'http://node.test', fetch: node.fetch });
    const events = client.subscribe(['txs'], { lastEventId: '1:0' });
    await expect(events.next()).rejects.toMatchObject({ kind: 'refused', code: 'ResumeTooOld', status: 410 });
  });
});
