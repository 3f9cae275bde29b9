/**
 * The CLI's HTTP client of the node API. Two failures matter to a user and get their own exit
 * codes: no node answered (unreachable), or the node answered with an error `{ code, message }`
 * (refused). Bodies stay JSON with amounts as strings; views turn them into bigint.
 */
import { CliError } from './errors.ts';
import type { CliIo } from './io.ts';

export type Json = Record<string, unknown>;

const REQUEST_TIMEOUT_MS = 15_000;

/** The header every node response carries (docs/protocol.md §16). */
const CHAIN_ID_HEADER = 'x-dchat-chain-id';

export class NodeClient {
  readonly baseUrl: string;
  /** Where baseUrl came from, for the unreachable sentence ("--node", "<dir>/api-url", ...). */
  readonly source: string;
  /** The chain id the node named in its last answer (null before any answer, or from a node that names none). */
  chainId: string | null = null;
  private readonly io: CliIo;

  constructor(baseUrl: string, io: CliIo, source = '--node') {
    this.baseUrl = baseUrl;
    this.io = io;
    this.source = source;
  }

  /** The line a table starts with: which node answered and on which chain. */
  answeredBy(): string {
    return `Node: ${this.baseUrl}${this.chainId === null ? '' : `  Chain: ${this.chainId}`}`;
  }

  get<T = Json>(path: string): Promise<T> {
    return this.request<T>(path, { method: 'GET' });
  }

  post<T = Json>(path: string, body?: Uint8Array): Promise<T> {
    return this.request<T>(path, {
      method: 'POST',
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/msgpack' }, body: Buffer.from(body) }),
    });
  }

  private async request<T>(path: string, init: RequestInit): Promise<T> {
    let res: Response;
    try {
      res = await this.io.fetch(`${this.baseUrl}${path}`, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
      throw new CliError('unreachable', 'NodeUnreachable', `No dchat node answered at ${this.baseUrl} (${cause}; from ${this.source}). Is it running? Set --node or DCHAT_NODE.`);
    }
    this.chainId = res.headers.get(CHAIN_ID_HEADER) ?? this.chainId;
    const text = await res.text();
    let body: unknown;
    try {
      body = text.length === 0 ? null : JSON.parse(text);
    } catch {
      throw new CliError('failure', 'BadResponse', `${this.baseUrl}${path} answered ${res.status} with a body that is not JSON; is --node a dchat node?`);
    }
    if (!res.ok) {
      const error = body as { code?: unknown; message?: unknown } | null;
      const code = typeof error?.code === 'string' ? error.code : `Http${res.status}`;
      const message = typeof error?.message === 'string' ? error.message : `The node answered ${res.status} to ${path}.`;
      throw new CliError(res.status >= 500 && res.status !== 501 && res.status !== 503 ? 'failure' : 'refused', code, message);
    }
    return body as T;
  }
}
