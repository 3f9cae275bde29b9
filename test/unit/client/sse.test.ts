/** The SSE parser on the event-stream rules the node's stream uses (docs/protocol.md §16.1), split anywhere. */
import { describe, expect, it } from 'vitest';
import { SseParser, readSse } from '../../../src/client/sse.ts';

const STREAM = 'event: hello\ndata: {"height":"3"}\n\n: keep-alive\n\nid: 4:0\nevent: block\ndata: {"height":"4"}\n\nid: 4:1\r\nevent: tx\r\ndata: a\r\ndata: b\r\n\r\ndata:no-space\rid\r\r\n';
const EXPECTED = [
  { event: 'hello', data: '{"height":"3"}', id: null },
  { event: 'block', data: '{"height":"4"}', id: '4:0' },
  { event: 'tx', data: 'a\nb', id: '4:1' },
  { event: 'message', data: 'no-space', id: '' },
];

describe('SseParser', () => {
  it('parses events, ids, multi-line data, comments and every line ending', () => {
    expect(new SseParser().push(STREAM)).toEqual(EXPECTED);
  });

  it('gives the same messages however the text is split, even inside a CRLF', () => {
    for (let cut = 1; cut < STREAM.length; cut++) {
      const parser = new SseParser();
      expect([...parser.push(STREAM.slice(0, cut)), ...parser.push(STREAM.slice(cut))]).toEqual(EXPECTED);
    }
  });

  it('dispatches nothing for a message without data', () => {
    expect(new SseParser().push('event: x\nid: 1\n\n')).toEqual([]);
  });
});

describe('readSse', () => {
  it('reads a byte stream split inside a multi-byte character', async () => {
    const bytes = new TextEncoder().encode('event: tip\ndata: {"memo":"café"}\n\n');
    const at = bytes.indexOf(0xc3) + 1;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.slice(0, at));
        controller.enqueue(bytes.slice(at));
        controller.close();
      },
    });
    const messages = [];
    for await (const m of readSse(body)) messages.push(m);
    expect(messages).toEqual([{ event: 'tip', data: '{"memo":"café"}', id: null }]);
  });
});
