/**
 * At every start the node closes its private paths to group and others (issue 12, item 5): the data
 * dir, its chain dir (LevelDB would create it 0755 under the usual umask), its keys and keystore
 * dirs, and the key files in them (0600). A data dir made by an older node, copied or restored
 * with wider modes is tightened, each change returned for the caller to log; one this user cannot
 * change stops the start with `UnsafePermissions` (private-mode.ts). A data or chain dir this user
 * may not read and write (made by another user, say a run under sudo) is refused here, by name,
 * rather than surfacing from LevelDB as a store that "failed to open".
 */
import { accessSync, constants, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ChainError, ChainErrorCode } from '../../chain/errors.ts';
import { P2P_KEY_FILE } from '../network/p2p-key.ts';
import { type ModeChange, PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, tightenMode } from './private-mode.ts';

const CHAIN_DIR = 'chain';
const KEY_DIRS = ['keys', 'keystore'] as const;

function requireAccess(dir: string): void {
  try {
    accessSync(dir, constants.R_OK | constants.W_OK | constants.X_OK);
  } catch (err) {
    const stat = statSync(dir);
    throw new ChainError(
      ChainErrorCode.InvalidConfig,
      `${dir} is not readable and writable by this user (uid ${process.getuid?.() ?? '?'}; owner uid ${stat.uid}, mode ${(stat.mode & 0o777).toString(8)}): `
        + `\`chown -R\` the data dir to the user that runs dchat, or pass another --data-dir.`,
      { cause: err },
    );
  }
}

/** Creates `dataDir` and its chain dir (0700) when missing; tightens what exists; `keyFiles` are key files kept elsewhere. */
export function secureDataDir(dataDir: string, keyFiles: readonly string[] = []): ModeChange[] {
  const changes: ModeChange[] = [];
  const tighten = (path: string, mode: typeof PRIVATE_DIR_MODE | typeof PRIVATE_FILE_MODE): void => {
    const change = tightenMode(path, mode);
    if (change !== null) changes.push(change);
  };
  const chainDir = join(dataDir, CHAIN_DIR);
  for (const dir of [dataDir, chainDir]) {
    mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    tighten(dir, PRIVATE_DIR_MODE);
    requireAccess(dir);
  }
  for (const name of KEY_DIRS) {
    const dir = join(dataDir, name);
    if (!existsSync(dir)) continue;
    tighten(dir, PRIVATE_DIR_MODE);
    for (const file of readdirSync(dir)) if (statSync(join(dir, file)).isFile()) tighten(join(dir, file), PRIVATE_FILE_MODE);
  }
  for (const file of [join(dataDir, P2P_KEY_FILE), ...keyFiles]) if (existsSync(file)) tighten(file, PRIVATE_FILE_MODE);
  return changes;
}
