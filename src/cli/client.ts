/**
 * The CLI's client of the node API is the SDK's (src/client): one client, not two. This wrapper
 * only turns the SDK's errors into the CLI's exit codes: no node answered (unreachable), the node
 * answered with an error `{ code, message }` (refused), its own fault or a body that is no JSON
 * (failure), or waiting ran out (timeout). Bodies stay JSON with amounts as strings; views turn
 * them into bigint.
 */
import { DchatClient, DchatClientError, type Json } from '../client/index.ts';
import { CliError, type ErrorKind } from './errors.ts';
import type { CliIo } from './io.ts';

export type { Json };

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

  constructor(baseUrl: string, io: CliIo) {
    this.baseUrl = baseUrl;
    this.sdk = new DchatClient({ baseUrl, fetch: io.fetch });
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
      const hint = err.kind === 'unreachable' ? ' Is it running? Set --node or DCHAT_NODE.' : '';
      throw new CliError(EXIT_KINDS[err.kind], err.code, `${err.message}${hint}`);
    }
  }
}
