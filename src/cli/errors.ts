/**
 * CLI errors and the one table that maps them to exit codes. Every failure prints
 * `error <Code>: <sentence>` on stderr; scripts branch on the exit code, people read the sentence.
 */
export type ErrorKind = 'usage' | 'refused' | 'unreachable' | 'keystore' | 'timeout' | 'failure';

export const EXIT_CODES: Readonly<Record<ErrorKind | 'ok', number>> = {
  ok: 0,
  /** Anything unexpected (a bug, a node answering 500). */
  failure: 1,
  /** A bad command, flag or value: refused before any network call. */
  usage: 2,
  /** The node answered and said no (validation, a rejected transaction, not found). */
  refused: 3,
  /** No node answered at --node. */
  unreachable: 4,
  /** The keystore: unknown key, wrong passphrase, no passphrase available. */
  keystore: 5,
  /** The transaction was accepted but not included before --timeout. */
  timeout: 6,
};

export class CliError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;

  constructor(kind: ErrorKind, code: string, message: string) {
    super(message);
    this.name = 'CliError';
    this.kind = kind;
    this.code = code;
  }
}

export const usageError = (code: string, message: string): CliError => new CliError('usage', code, message);

/** What to print and which exit code, for any error that reaches the top. */
export function describeError(err: unknown): { line: string; exitCode: number } {
  if (err instanceof CliError) return { line: `error ${err.code}: ${err.message}`, exitCode: EXIT_CODES[err.kind] };
  const code = (err as { code?: unknown }).code;
  const message = err instanceof Error ? err.message : String(err);
  return { line: typeof code === 'string' ? `error ${code}: ${message}` : `error: ${message}`, exitCode: EXIT_CODES.failure };
}
