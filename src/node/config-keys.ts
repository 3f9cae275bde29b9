/**
 * The keys a config file (or the flags) may hold, and the check that refuses any other by name:
 * a misspelt key (`"log_levl"`) silently ignored would leave the node running on the default the
 * operator meant to change. README "Configuration reference" lists every key.
 */
import { ChainError, ChainErrorCode } from '../chain/errors.ts';

export const TOP_LEVEL_KEYS = [
  'data_dir', 'api_host', 'api_port', 'p2p_port', 'log_level', 'log_format', 'dev', 'block_time_ms', 'genesis_file',
  'validator_key_file', 'bootstrap', 'p2p_enabled', 'p2p_host', 'p2p_announce', 'mempool', 'p2p_shared_address_ban_threshold', 'api',
  'snapshot_interval', 'snapshot_keep', 'snapshot_chunk_pairs', 'sync', 'trusted_hash', 'prune',
] as const;

/** Sections whose own keys are checked too. */
export const SECTION_KEYS: Readonly<Record<string, readonly string[]>> = {
  mempool: ['max_txs', 'max_per_sender'],
  api: [
    'max_connections', 'max_in_flight', 'loop_budget_ms', 'client_max_in_flight', 'client_rate_per_second', 'client_burst',
    'exempt_clients', 'cors_origins', 'headers_timeout_ms', 'request_timeout_ms', 'idle_timeout_ms', 'keep_alive_timeout_ms',
  ],
};

/** Levenshtein distance, for the "did you mean" of a misspelt key. */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next.push(Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    row = next;
  }
  return row[b.length]!;
}

function refuseUnknown(key: string, known: readonly string[], prefix: string, source: string): never {
  const near = known.filter((k) => distance(key, k) <= 2);
  const hint = near.length > 0 ? ` (did you mean "${prefix}${near[0]}"?)` : '';
  throw new ChainError(ChainErrorCode.UnknownConfigKey, `Config ${source}: unknown key "${prefix}${key}"${hint}; README "Configuration reference" lists every key.`);
}

/** Throws `UnknownConfigKey` naming the first key of `settings` (or of its sections) that is not a config key. */
export function checkConfigKeys(settings: Record<string, unknown>, source: string, extra: readonly string[] = []): void {
  const known: readonly string[] = [...TOP_LEVEL_KEYS, ...extra];
  for (const [key, value] of Object.entries(settings)) {
    if (!known.includes(key)) refuseUnknown(key, known, '', source);
    const section = SECTION_KEYS[key];
    if (section === undefined || typeof value !== 'object' || value === null || Array.isArray(value)) continue;
    for (const inner of Object.keys(value)) if (!section.includes(inner)) refuseUnknown(inner, section, `${key}.`, source);
  }
}
