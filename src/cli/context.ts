/**
 * What every command shares once its flags are read: where the node is, where the keystore is,
 * whether to print JSON, and how to print. Building it validates --node and --data-dir, so a bad
 * value stops the command before anything else happens.
 */
import { join } from 'node:path';
import { API_URL_FILE, readApiUrl } from '../node/files/api-url-file.ts';
import { type ModeChange, describeModeChange } from '../node/files/private-mode.ts';
import { NodeClient } from './client.ts';
import { usageError } from './errors.ts';
import type { CliIo } from './io.ts';
import { Keystore } from './keystore/keystore.ts';
import { type KeyNames, parseNodeUrl } from './values.ts';

export const DEFAULT_NODE = 'http://127.0.0.1:7545';

export interface CommonFlags {
  node?: string;
  json?: boolean;
  dataDir?: string;
}

export interface Context {
  readonly io: CliIo;
  readonly json: boolean;
  readonly client: NodeClient;
  readonly keystore: Keystore;
  /** Prints `json` under --json, else the human lines after a line naming the node and chain that answered. */
  print(json: unknown, lines: readonly string[]): void;
}

/**
 * <data-dir>: --data-dir, else DCHAT_DATA_DIR, else ~/.dchat (the node's default too). An empty
 * value (which would put the keystore in the current directory) or one with a NUL byte is a usage
 * error, refused before anything is read or written.
 */
export function dataDirOf(io: CliIo, flag: string | undefined): string {
  const dir = flag ?? io.env.DCHAT_DATA_DIR ?? '~/.dchat';
  if (dir.length === 0 || dir.includes('\0')) {
    throw usageError('InvalidDataDir', `${flag === undefined ? 'DCHAT_DATA_DIR' : '--data-dir'} must be a directory path, got ${JSON.stringify(dir)}.`);
  }
  return dir === '~' || dir.startsWith('~/') ? join(io.homeDir, dir.slice(1)) : dir;
}

/** Each keystore path that had to be closed to group/others is said on stderr. */
export function noteModeChange(io: CliIo): (change: ModeChange) => void {
  return (change) => io.stderr(`note: ${describeModeChange(change)}.\n`);
}

/**
 * Which node: --node, else DCHAT_NODE, else the URL a node running in the data dir left there
 * (<data-dir>/api-url), else the default; with where it came from, for the unreachable sentence.
 */
function nodeOf(io: CliIo, flags: CommonFlags): { url: string; source: string } {
  if (flags.node !== undefined) return { url: flags.node, source: '--node' };
  if (io.env.DCHAT_NODE !== undefined) return { url: io.env.DCHAT_NODE, source: 'DCHAT_NODE' };
  const dir = dataDirOf(io, flags.dataDir);
  const left = readApiUrl(dir);
  if (left !== undefined) return { url: left, source: join(dir, API_URL_FILE) };
  return { url: DEFAULT_NODE, source: `the default; no node runs in ${dir}` };
}

/** Key names as accounts (--to, --user-id, ...), as --from takes them: the keystore is read only when a name is given. */
export function keyNames(io: CliIo, flags: CommonFlags): KeyNames {
  return (name) => new Keystore(join(dataDirOf(io, flags.dataDir), 'keystore'), noteModeChange(io)).list().find((k) => k.name === name)?.walletId;
}

export function makeContext(io: CliIo, flags: CommonFlags): Context {
  const json = flags.json === true;
  const node = nodeOf(io, flags);
  const client = new NodeClient(parseNodeUrl(node.url), io, node.source);
  return {
    io,
    json,
    client,
    keystore: new Keystore(join(dataDirOf(io, flags.dataDir), 'keystore'), noteModeChange(io)),
    print(value, lines) {
      io.stdout(json ? `${JSON.stringify(value, null, 2)}\n` : `${[client.answeredBy(), ...lines].join('\n')}\n`);
    },
  };
}
