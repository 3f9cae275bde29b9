/**
 * Server-Sent Events parsed from a fetch body stream (the WHATWG "event stream interpretation"),
 * so no EventSource is needed and a resume id can travel as a header: lines end in LF, CR or CRLF;
 * `event`, `data` (joined by LF) and `id` fields; a blank line dispatches; `:` lines are comments.
 */

export interface SseMessage {
  readonly event: string;
  readonly data: string;
  /** The message's own id, or null when it had none (hello, tx-pending). */
  readonly id: string | null;
}

export class SseParser {
  private pending = '';
  private event = '';
  private data: string[] = [];
  private id: string | null = null;

  /** Feeds decoded text; returns the messages it completed. */
  push(text: string): SseMessage[] {
    this.pending += text;
    const out: SseMessage[] = [];
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.pending);
      // A lone CR at the end may be the first half of CRLF: wait for the next chunk.
      if (match === null || (match[0] === '\r' && match.index === this.pending.length - 1)) break;
      const line = this.pending.slice(0, match.index);
      this.pending = this.pending.slice(match.index + match[0].length);
      const message = this.line(line);
      if (message !== null) out.push(message);
    }
    return out;
  }

  private line(line: string): SseMessage | null {
    if (line === '') {
      const message = this.data.length === 0 ? null : { event: this.event || 'message', data: this.data.join('\n'), id: this.id };
      this.event = '';
      this.data = [];
      this.id = null;
      return message;
    }
    if (line.startsWith(':')) return null;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + (line[colon + 1] === ' ' ? 2 : 1));
    if (field === 'event') this.event = value;
    else if (field === 'data') this.data.push(value);
    else if (field === 'id' && !value.includes('\0')) this.id = value;
    return null;
  }
}

/** The messages of a response body, as they arrive. */
export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseMessage> {
  const parser = new SseParser();
  const decoder = new TextDecoder();
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      yield* parser.push(decoder.decode(value, { stream: true }));
    }
    yield* parser.push(`${decoder.decode()}\n\n`);
  } finally {
    // Cancelled, not just released: a consumer that stops early closes the body.
    await reader.cancel().catch(() => undefined);
  }
}
