/**
 * Directories that hold keys or chain data are 0700 and key files 0600: only the node's user may
 * list or read them. A path created by an older node, by hand or under a loose umask may be wider;
 * it is tightened (and the change returned, for the caller to log), or, when this user may not
 * change its mode (someone else owns it, a read-only mount), refused with what to do instead.
 */
import { chmodSync, statSync } from 'node:fs';
import { ChainError, ChainErrorCode } from '../../chain/errors.ts';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

export interface ModeChange {
  readonly path: string;
  /** Octal strings, as `ls -l` and chmod spell them: "755" -> "700". */
  readonly from: string;
  readonly to: string;
}

const octal = (mode: number): string => mode.toString(8).padStart(3, '0');

/**
 * Makes `path` (which must exist) closed to group and others: null when it already is, else the
 * change made. Throws `UnsafePermissions` when the mode cannot be changed.
 */
export function tightenMode(path: string, mode: typeof PRIVATE_DIR_MODE | typeof PRIVATE_FILE_MODE): ModeChange | null {
  // POSIX modes only: on Windows the bits are synthesized from the read-only flag and mean nothing here.
  if (process.platform === 'win32') return null;
  const stat = statSync(path);
  const current = stat.mode & 0o777;
  if ((current & 0o077) === 0) return null;
  try {
    chmodSync(path, mode);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    const uid = process.getuid?.();
    throw new ChainError(
      ChainErrorCode.UnsafePermissions,
      `${path} is open to group or others (mode ${octal(current)}, owner uid ${stat.uid}) and this user (uid ${uid ?? '?'}) cannot tighten it to ${octal(mode)} (${reason}): `
        + `run \`chmod ${octal(mode)} ${path}\` as its owner, or \`chown\` it to the user that runs dchat.`,
    );
  }
  return { path, from: octal(current), to: octal(mode) };
}

/** The sentence a log or the CLI prints for a change. */
export function describeModeChange(change: ModeChange): string {
  return `${change.path} was mode ${change.from} (open to group or others); tightened to ${change.to}`;
}
