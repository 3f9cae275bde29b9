/**
 * JSON over HTTP to one node (docs/protocol.md §16) on the platform's fetch, so the same code runs
 * in a browser and in Node. Bodies stay JSON with amounts as decimal strings; a failure becomes a
 * DchatClientError with the node's code.
 */
import { DchatClientError, errorFromAnswer } from './errors.ts';

export type Json = Record<string, unknown>;

export interface HttpOptions {
  /** The node's API root, e.g. http://127.0.0.1:8545 (no trailing slash needed). */
  readonly baseUrl: string;
  /** Defaults to globalThis.fetch; the CLI passes its own (tests count requests through it). */
  readonly fetch?: typeof fetch;
  /** Per request, default 15 s. Streams have none. */
  readonly timeoutMs?: number;
}

/** A page of a list route and the cursor that continues it (the `x-next-cursor` header), if full. */
export interface Page<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
}

const DEFAULT_TIMEOUT_MS = 15_000;

export class NodeHttp {
  readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;

  constructor(options: HttpOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    // Bound to globalThis: a browser's fetch throws "Illegal invocation" when called as a method.
    this.fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** A GET of an absolute URL on the client's fetch, answered as is (the light client reads its own answers). */
  fetchUrl(url: string): Promise<Response> {
    return this.fetchImpl(url);
  }

  async get<T = Json>(path: string): Promise<T> {
    return (await this.request<T>(path, { method: 'GET' })).body;
  }

  async getPage<T = Json>(path: string): Promise<Page<T>> {
    const { body, headers } = await this.request<T[]>(path, { method: 'GET' });
    return { items: body, nextCursor: headers.get('x-next-cursor') };
  }

  /** POSTs msgpack bytes (a signed tx, a batch) or nothing. */
  async post<T = Json>(path: string, body?: Uint8Array): Promise<T> {
    const init: RequestInit = body === undefined ? { method: 'POST' } : { method: 'POST', headers: { 'content-type': 'application/msgpack' }, body: body };
    return (await this.request<T>(path, init)).body;
  }

  /** Opens a long-lived response (the event stream): no timeout, the caller's signal ends it. */
  async open(path: string, headers: Record<string, string>, signal: AbortSignal): Promise<Response> {
    const res = await this.send(path, { method: 'GET', headers, signal });
    if (!res.ok) throw errorFromAnswer(res.status, await readJson(res).catch(() => null), path);
    return res;
  }

  private async request<T>(path: string, init: RequestInit): Promise<{ body: T; headers: Headers }> {
    const res = await this.send(path, { ...init, signal: AbortSignal.timeout(this.timeoutMs) });
    let body: unknown;
    try {
      body = await readJson(res);
    } catch {
      throw new DchatClientError('bad-response', 'BadResponse', `${this.baseUrl}${path} answered ${res.status} with a body that is not JSON; is this a dchat node?`, res.status);
    }
    if (!res.ok) throw errorFromAnswer(res.status, body, path);
    return { body: body as T, headers: res.headers };
  }

  private async send(path: string, init: RequestInit): Promise<Response> {
    try {
      return await this.fetchImpl(`${this.baseUrl}${path}`, init);
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
      throw new DchatClientError('unreachable', 'NodeUnreachable', `No dchat node answered at ${this.baseUrl} (${cause}).`);
    }
  }
}

async function readJson(res: Response): Promise<unknown> {
  const text = await res.text();
  return text.length === 0 ? null : JSON.parse(text);
}
