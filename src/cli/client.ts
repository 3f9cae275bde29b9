/**
 * The CLI's client of the node API is the SDK's (src/client): one client, not two. This wrapper
 * turns the SDK's errors into the CLI's exit codes: no node answered (unreachable), the node
 * answered with an error `{ code, message }` (refused), its own fault or a body that is no JSON
 * (failure), or waiting ran out (timeout); and it remembers which chain the node said it serves
 * (the `x-dchat-chain-id` header, docs/protocol.md §16), for the line every table starts with.
 * Bodies stay JSON with amounts as strings; views turn them into bigint.
 */
import { DchatClient, DchatClientError, type Json } from '../client/index.ts';
import { CliError, type ErrorKind } from './errors.ts';
import type { CliIo } from './io.ts';

export type { Json };

/** The header every node response carries (docs/protocol.md §16). */
const CHAIN_ID_HEADER = 'x-dchat-chain-id';

const EXIT_KINDS: Record<DchatClientError['kind'], ErrorKind> = {
  unreachable: 'unreachable',
  'bad-response': 'failure',
  refused: 'refused',
  'node-fault': 'failure',
  timeout: 'timeout',
};

export class NodeClient {
  readonly baseUrl: string;
  readonly sdk: DchatClient;
  /** Where baseUrl came from, for the unreachable sentence ("--node", "<dir>/api-url", ...). */
  readonly source: string;
  /** The chain id the node named in its last answer (null before any answer, or from a node that names none). */
  chainId: string | null = null;

  constructor(baseUrl: string, io: CliIo, source = '--node') {
    this.baseUrl = baseUrl;
    this.source = source;
    // Every answer the SDK reads passes here, so the chain id is the last node's whatever call made it.
    const fetchAndNote: typeof io.fetch = async (input, init) => {
      const res = await io.fetch(input, init);
      this.chainId = res.headers.get(CHAIN_ID_HEADER) ?? this.chainId;
      return res;
    };
    this.sdk = new DchatClient({ baseUrl, fetch: fetchAndNote });
  }

  /** The line a table starts with: which node answered and on which chain. */
  answeredBy(): string {
    return `Node: ${this.baseUrl}${this.chainId === null ? '' : `  Chain: ${this.chainId}`}`;
  }

  get<T = Json>(path: string): Promise<T> {
    return this.call(() => this.sdk.http.get<T>(path));
  }

  post<T = Json>(path: string, body?: Uint8Array): Promise<T> {
    return this.call(() => this.sdk.http.post<T>(path, body));
  }

  /** Runs an SDK call, its failure as the CliError of the matching exit code. */
  async call<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if (!(err instanceof DchatClientError)) throw err;
      const hint = err.kind === 'unreachable' ? ` (URL from ${this.source}.) Is it running? Set --node or DCHAT_NODE.` : '';
      throw new CliError(EXIT_KINDS[err.kind], err.code, `${err.message}${hint}`);
    }
  }
}
