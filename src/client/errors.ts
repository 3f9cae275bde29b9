/**
 * The SDK's one error type. `code` is the node's own code when the node answered (`{code, message}`
 * of docs/protocol.md §15/§16, e.g. InsufficientBalance, InvalidNonce, MempoolFull), or one of the
 * SDK's: NodeUnreachable, BadResponse, Timeout, StreamEnded. `kind` says which side failed, so a
 * caller (the dchat CLI) can branch without knowing every code.
 */
export type ClientErrorKind =
  /** No node answered (connection refused, DNS, abort by timeout). */
  | 'unreachable'
  /** The node answered something that is not the API's JSON. */
  | 'bad-response'
  /** The node refused the request (4xx, 501, 503) or rejected the transaction. */
  | 'refused'
  /** The node's own fault (5xx other than 501 and 503). */
  | 'node-fault'
  /** Waiting ran out of time; the transaction may still be included later. */
  | 'timeout';

export class DchatClientError extends Error {
  readonly code: string;
  readonly kind: ClientErrorKind;
  /** The HTTP status when the node answered, else null. */
  readonly status: number | null;

  constructor(kind: ClientErrorKind, code: string, message: string, status: number | null = null) {
    super(message);
    this.name = 'DchatClientError';
    this.kind = kind;
    this.code = code;
    this.status = status;
  }
}

/** What a non-2xx answer means: the node's `{code, message}` when it sent one. */
export function errorFromAnswer(status: number, body: unknown, what: string): DchatClientError {
  const error = body as { code?: unknown; message?: unknown } | null;
  const code = typeof error?.code === 'string' ? error.code : `Http${status}`;
  const message = typeof error?.message === 'string' ? error.message : `The node answered ${status} to ${what}.`;
  return new DchatClientError(status >= 500 && status !== 501 && status !== 503 ? 'node-fault' : 'refused', code, message, status);
}
