/**
 * Node configuration: config/default.json, then a config file (--config, else the data dir's own
 * config.json if it has one), then DCHAT_* environment variables, then command-line flags; later
 * wins. The data dir's file is what lets `dchat start --data-dir <dir>` restart a node of
 * `dchat testnet` (or a host bundle) with its genesis, key, ports and peers. Every value is checked, and a bad one stops the
 * node with a sentence naming it. A key no layer knows is refused by name (config-keys.ts), and a
 * relative path in a config file is taken from the file's own directory, so a host bundle of
 * `dchat testnet init` works wherever it is copied.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ChainError, ChainErrorCode } from '../chain/errors.ts';
import { DEFAULT_SHARED_ADDRESS_BAN_THRESHOLD } from './network/address-bans.ts';
import { type ApiLimits, DEFAULT_API_LIMITS } from './api/limits.ts';
import { checkConfigKeys } from './config-keys.ts';
import { DEFAULT_PAIRS_PER_CHUNK } from './snapshots/snapshot-taker.ts';

export interface NodeConfig {
  readonly dataDir: string;
  readonly apiHost: string;
  readonly apiPort: number;
  readonly p2pPort: number;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** json: one JSON object a line (for a log collector); pretty: coloured lines; null: pretty on a terminal, else json. */
  readonly logFormat: LogFormat | null;
  readonly dev: boolean;
  /** Dev mode only: block time of a newly generated dev genesis. */
  readonly blockTimeMs: bigint | null;
  readonly genesisFile: string | null;
  readonly validatorKeyFile: string | null;
  readonly bootstrap: readonly string[];
  /** Whether the libp2p network runs: yes unless set otherwise, except in dev mode (one node alone). */
  readonly p2pEnabled: boolean;
  /** Address the p2p port listens on (0.0.0.0: every interface). */
  readonly p2pHost: string;
  /** Multiaddrs peers should dial instead of our listen addresses (NAT, containers). */
  readonly p2pAnnounce: readonly string[];
  readonly mempool: { readonly maxTxs: number; readonly maxPerSender: number };
  /** Banned peers from one loopback or private address before the address itself is refused (README "Network"). */
  readonly p2pSharedAddressBanThreshold: number;
  /** The API's client, connection and timeout bounds (config `api`, snake_case keys). */
  readonly api: ApiLimits;
  /** State snapshots for joining nodes (docs/protocol.md §20): every `interval` heights (0: none), the newest `keep` kept. */
  readonly snapshots: { readonly interval: number; readonly keep: number; readonly pairsPerChunk: number };
  /**
   * How a node whose chain is at its genesis catches up (docs/protocol.md §20.5): `snapshot`
   * restores a peer's state snapshot when one is offered (else replays), `full` replays every block.
   */
  readonly sync: 'snapshot' | 'full';
  /** A block hash trusted for a snapshot restore instead of the finality check (hex, 32 bytes), or null. */
  readonly trustedHash: string | null;
  /** Blocks kept below the head by pruning (docs/protocol.md §20.6), or null: archive (keep every block). */
  readonly pruneKeep: number | null;
}

/** Raw settings as they come from files, env and flags (snake_case keys). */
export type RawSettings = Record<string, unknown>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];
/** Keys holding paths: relative ones in a config file are resolved from the file's directory. */
const PATH_KEYS = ['data_dir', 'genesis_file', 'validator_key_file'] as const;
/** The fewest blocks a pruning node keeps (docs/protocol.md §20.6). */
export const MIN_PRUNE_KEEP = 100;
const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function bad(name: string, problem: string): never {
  throw new ChainError(ChainErrorCode.InvalidConfig, `Config ${name}: ${problem}`);
}

function readJson(path: string, name: string): RawSettings {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) bad(name, `${path} must hold a JSON object.`);
    return value as RawSettings;
  } catch (err) {
    if (err instanceof ChainError) throw err;
    return bad(name, `cannot read ${path}: ${(err as Error).message}`);
  }
}

const ENV: Record<string, string> = {
  DCHAT_DATA_DIR: 'data_dir',
  DCHAT_API_HOST: 'api_host',
  DCHAT_API_PORT: 'api_port',
  DCHAT_P2P_PORT: 'p2p_port',
  DCHAT_LOG_LEVEL: 'log_level',
  DCHAT_LOG_FORMAT: 'log_format',
  DCHAT_BLOCK_TIME: 'block_time_ms',
  DCHAT_GENESIS_FILE: 'genesis_file',
  DCHAT_VALIDATOR_KEY_FILE: 'validator_key_file',
  DCHAT_P2P_HOST: 'p2p_host',
  DCHAT_P2P_ANNOUNCE: 'p2p_announce',
};

function port(value: unknown, name: string): number {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 65_535) bad(name, `expected a port number 0-65535, got ${JSON.stringify(value)}.`);
  return n;
}

function count(value: unknown, name: string): number {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) bad(name, `expected a whole number of at least 1, got ${JSON.stringify(value)}.`);
  return n;
}

/** A whole number of at least 0 (0 turns the feature off). */
function whole(value: unknown, name: string): number {
  return value === 0 || value === '0' ? 0 : count(value, name);
}

function optionalPath(value: unknown, name: string): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value !== 'string') bad(name, 'expected a path.');
  return expandHome(value);
}

export function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : resolve(path);
}

/** A config file's settings: its keys checked, its relative paths made absolute from its directory. */
function fileLayer(path: string): RawSettings {
  const file = readJson(path, '--config');
  checkConfigKeys(file, path);
  for (const key of PATH_KEYS) {
    const value = file[key];
    if (typeof value === 'string' && value.length > 0 && !value.startsWith('~') && !isAbsolute(value)) file[key] = resolve(dirname(path), value);
  }
  return file;
}

/** The config file in a data dir, read when no --config is given. */
export const DATA_DIR_CONFIG_FILE = 'config.json';

/** `--config` (or DCHAT_CONFIG), else `<data dir>/config.json` if it exists (the data dir as flags, env or defaults give it). */
function configFilePath(flags: RawSettings, env: NodeJS.ProcessEnv, defaults: RawSettings): string | null {
  const explicit = (flags.config ?? env.DCHAT_CONFIG) as string | undefined;
  if (explicit !== undefined) return expandHome(explicit);
  const dataDir = flags.data_dir ?? env.DCHAT_DATA_DIR ?? defaults.data_dir;
  if (typeof dataDir !== 'string' || dataDir.length === 0) return null;
  const path = join(expandHome(dataDir), DATA_DIR_CONFIG_FILE);
  return existsSync(path) ? path : null;
}

/** Builds the config from the layers; `flags` are the command-line values given (snake_case). */
export function loadConfig(flags: RawSettings, env: NodeJS.ProcessEnv = process.env): NodeConfig {
  const defaults = readJson(join(PROJECT_ROOT, 'config/default.json'), 'config/default.json');
  const configPath = configFilePath(flags, env, defaults);
  const file = configPath === null ? {} : fileLayer(configPath);
  checkConfigKeys(flags, 'flags', ['config']);
  const fromEnv: RawSettings = {};
  for (const [variable, key] of Object.entries(ENV)) if (env[variable] !== undefined) fromEnv[key] = env[variable];
  const merged: RawSettings = { ...defaults, ...file, ...fromEnv };
  for (const [key, value] of Object.entries(flags)) if (value !== undefined) merged[key] = value;

  const logLevel = merged.log_level;
  if (typeof logLevel !== 'string' || !(LOG_LEVELS as readonly string[]).includes(logLevel)) bad('log_level', `expected one of ${LOG_LEVELS.join(', ')}.`);
  const logFormat = merged.log_format ?? null;
  if (logFormat !== null && !(LOG_FORMATS as readonly unknown[]).includes(logFormat)) bad('log_format', `expected ${LOG_FORMATS.join(' or ')}.`);
  const apiHost = merged.api_host;
  if (typeof apiHost !== 'string' || apiHost.length === 0) bad('api_host', 'expected a host name or address.');
  const blockTime = merged.block_time_ms;
  let blockTimeMs: bigint | null = null;
  if (blockTime !== undefined && blockTime !== null) blockTimeMs = BigInt(count(blockTime, 'block_time_ms (--block-time)'));
  const bootstrap = merged.bootstrap ?? [];
  if (!Array.isArray(bootstrap) || bootstrap.some((b) => typeof b !== 'string')) bad('bootstrap', 'expected a list of multiaddrs.');
  const announce = typeof merged.p2p_announce === 'string' ? merged.p2p_announce.split(',').filter((a) => a.length > 0) : (merged.p2p_announce ?? []);
  if (!Array.isArray(announce) || announce.some((a) => typeof a !== 'string')) bad('p2p_announce', 'expected a list of multiaddrs.');
  const p2pHost = merged.p2p_host ?? '0.0.0.0';
  if (typeof p2pHost !== 'string' || p2pHost.length === 0) bad('p2p_host', 'expected an IP address to listen on.');
  const p2pEnabled = merged.p2p_enabled ?? merged.dev !== true;
  if (typeof p2pEnabled !== 'boolean') bad('p2p_enabled', 'expected true or false.');
  const mempool = (merged.mempool ?? {}) as RawSettings;
  const dataDir = merged.data_dir;
  if (typeof dataDir !== 'string' || dataDir.length === 0) bad('data_dir', 'expected a directory path.');
  return {
    dataDir: expandHome(dataDir),
    apiHost,
    apiPort: port(merged.api_port, 'api_port'),
    p2pPort: port(merged.p2p_port, 'p2p_port'),
    logLevel: logLevel as NodeConfig['logLevel'],
    logFormat: logFormat as LogFormat | null,
    dev: merged.dev === true,
    blockTimeMs,
    genesisFile: optionalPath(merged.genesis_file, 'genesis_file'),
    validatorKeyFile: optionalPath(merged.validator_key_file, 'validator_key_file'),
    bootstrap: bootstrap as string[],
    p2pEnabled,
    p2pHost,
    p2pAnnounce: announce as string[],
    mempool: { maxTxs: count(mempool.max_txs ?? 50_000, 'mempool.max_txs'), maxPerSender: count(mempool.max_per_sender ?? 256, 'mempool.max_per_sender') },
    p2pSharedAddressBanThreshold: count(merged.p2p_shared_address_ban_threshold ?? DEFAULT_SHARED_ADDRESS_BAN_THRESHOLD, 'p2p_shared_address_ban_threshold'),
    api: apiLimits((merged.api ?? {}) as RawSettings),
    snapshots: {
      interval: whole(merged.snapshot_interval ?? 1_000, 'snapshot_interval'),
      keep: count(merged.snapshot_keep ?? 2, 'snapshot_keep'),
      pairsPerChunk: count(merged.snapshot_chunk_pairs ?? DEFAULT_PAIRS_PER_CHUNK, 'snapshot_chunk_pairs'),
    },
    sync: syncMode(merged.sync ?? 'snapshot'),
    trustedHash: trustedHash(merged.trusted_hash ?? null),
    pruneKeep: prune(merged.prune ?? 'archive'),
  };
}

function syncMode(value: unknown): NodeConfig['sync'] {
  if (value !== 'snapshot' && value !== 'full') bad('sync (--sync)', 'expected snapshot or full.');
  return value;
}

/** `archive`, or the number of recent blocks to keep (at least MIN_PRUNE_KEEP: finality and reorgs stay far inside it). */
function prune(value: unknown): number | null {
  if (value === 'archive') return null;
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < MIN_PRUNE_KEEP) bad('prune (--prune)', `expected archive or a number of blocks to keep, at least ${MIN_PRUNE_KEEP}.`);
  return n;
}

function trustedHash(value: unknown): string | null {
  if (value === null || value === '') return null;
  if (typeof value !== 'string' || !/^[0-9a-fA-F]{64}$/.test(value)) bad('trusted_hash (--trusted-hash)', 'expected a block hash: 64 hex digits.');
  return value.toLowerCase();
}

/** `api.max_connections` ... `api.keep_alive_timeout_ms`: whole numbers >= 1; `api.exempt_clients` a list of addresses; `api.cors_origins` a list of origins. */
function apiLimits(raw: RawSettings): ApiLimits {
  const d = DEFAULT_API_LIMITS;
  const n = (key: string, fallback: number): number => count(raw[key] ?? fallback, `api.${key}`);
  const exempt = raw.exempt_clients ?? d.exemptClients;
  if (!Array.isArray(exempt) || exempt.some((a) => typeof a !== 'string')) bad('api.exempt_clients', 'expected a list of client IP addresses.');
  const cors = raw.cors_origins ?? d.corsOrigins;
  if (!Array.isArray(cors) || cors.some((o) => typeof o !== 'string' || !(o === '*' || /^https?:\/\/[^/\s]+$/.test(o)))) {
    bad('api.cors_origins', 'expected a list of origins such as "https://chat.example.org" (scheme and host, no path), or ["*"].');
  }
  // node:http refuses a headers timeout longer than the whole request's.
  if (n('headers_timeout_ms', d.headersTimeoutMs) > n('request_timeout_ms', d.requestTimeoutMs)) bad('api.headers_timeout_ms', 'must be at most api.request_timeout_ms.');
  return {
    maxConnections: n('max_connections', d.maxConnections),
    maxInFlight: n('max_in_flight', d.maxInFlight),
    loopBudgetMs: n('loop_budget_ms', d.loopBudgetMs),
    clientMaxInFlight: n('client_max_in_flight', d.clientMaxInFlight),
    clientRatePerSecond: n('client_rate_per_second', d.clientRatePerSecond),
    clientBurst: n('client_burst', d.clientBurst),
    exemptClients: exempt as string[],
    corsOrigins: cors as string[],
    headersTimeoutMs: n('headers_timeout_ms', d.headersTimeoutMs),
    requestTimeoutMs: n('request_timeout_ms', d.requestTimeoutMs),
    idleTimeoutMs: n('idle_timeout_ms', d.idleTimeoutMs),
    keepAliveTimeoutMs: n('keep_alive_timeout_ms', d.keepAliveTimeoutMs),
  };
}
