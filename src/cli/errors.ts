/**
 * CLI errors and the one table that maps them to exit codes. Every failure prints
 * `error <Code>: <sentence>` on stderr; scripts branch on the exit code, people read the sentence.
 */
import { groupNumbers } from './format.ts';

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

/** What to print and which exit code, for any error that reaches the top; `code` is null for an error that names none. */
export function describeError(err: unknown): { line: string; exitCode: number; code: string | null; message: string } {
  if (err instanceof CliError) {
    const message = groupNumbers(err.message);
    return { line: `error ${err.code}: ${message}`, exitCode: EXIT_CODES[err.kind], code: err.code, message };
  }
  const code = (err as { code?: unknown }).code;
  const message = groupNumbers(err instanceof Error ? err.message : String(err));
  return typeof code === 'string'
    ? { line: `error ${code}: ${message}`, exitCode: EXIT_CODES.failure, code, message }
    : { line: `error: ${message}`, exitCode: EXIT_CODES.failure, code: null, message };
}

/** The same error under --json, on stdout, so a script reads one JSON document whatever happened. */
export function errorJson(code: string | null, message: string, exitCode: number): string {
  return `${JSON.stringify({ error: { code: code ?? 'Error', message, exit_code: exitCode } }, null, 2)}\n`;
}
