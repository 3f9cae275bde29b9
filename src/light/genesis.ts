/**
 * The trusted part of a genesis file (config/genesis.json format, src/tokenomics/genesis-json.ts):
 * chain id, slot timing and the validators, read without the rest of the node so that a page or a
 * chat app can load the very file the nodes start from. A test checks it reads what the node's
 * parser reads.
 */
import { LightError, LightErrorCode } from './errors.ts';
import type { TrustedGenesis } from './finality.ts';

/** The node's default block time (src/tokenomics/params.ts DEFAULT_PARAMS), for a file that omits it. */
const DEFAULT_BLOCK_TIME_MS = 6_000n;

const bad = (field: string, problem: string): never => {
  throw new LightError(LightErrorCode.MalformedAnswer, `genesis ${field}: ${problem}`);
};

function whole(value: unknown, field: string): bigint {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  if (typeof value === 'string' && /^\d{1,20}$/.test(value)) return BigInt(value);
  return bad(field, 'must be a whole number.');
}

export function trustedGenesisFromJson(json: unknown): TrustedGenesis {
  if (typeof json !== 'object' || json === null) return bad('(root)', 'must be an object.');
  const root = json as Record<string, unknown>;
  if (typeof root.chain_id !== 'string') bad('chain_id', 'must be a string.');
  const time = root.genesis_time;
  const genesisTimeMs = typeof time === 'string' && !/^\d+$/.test(time)
    ? (Number.isNaN(Date.parse(time)) ? bad('genesis_time', 'is not an ISO 8601 time.') : BigInt(Date.parse(time)))
    : whole(time, 'genesis_time');
  const blockTimeMs = root.block_time_ms === undefined || root.block_time_ms === null ? DEFAULT_BLOCK_TIME_MS : whole(root.block_time_ms, 'block_time_ms');
  if (blockTimeMs === 0n) bad('block_time_ms', 'must be at least 1.');
  if (!Array.isArray(root.validators) || root.validators.length === 0) bad('validators', 'must be a non-empty list.');
  const validators = (root.validators as unknown[]).map((v, i) => {
    const key = (v as { public_key?: unknown } | null)?.public_key;
    if (typeof key !== 'string' || !/^[0-9a-fA-F]{64}$/.test(key)) bad(`validators[${i}].public_key`, 'is not a 32-byte hex key.');
    return (key as string).toLowerCase();
  });
  return { chainId: root.chain_id as string, genesisTimeMs, blockTimeMs, validators };
}
