/**
 * The genesis file format (config/genesis.json): snake_case, amounts as decimal strings (or safe
 * JSON integers), accounts as UUIDs or system account names. `parseGenesisJson` names the field of
 * anything malformed; `genesisToJson` writes the same format back, so the two round-trip.
 */
import { ErrorCode, TokenError } from './errors.ts';
import type { GenesisConfig, GenesisPool, GenesisSchedule, InitialState } from './genesis.ts';
import { SYSTEM_ACCOUNTS, SYSTEM_ACCOUNT_IDS, type SystemAccountName, type Uuid } from './ids.ts';
import { DEFAULT_PARAMS } from './params.ts';
import { GOV_PARAM_NAMES, type GovParams, defaultGovFor } from './gov/params.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

function invalid(field: string, problem: string): never {
  throw new TokenError(ErrorCode.InvalidGenesis, `genesis ${field}: ${problem}`);
}

function object(value: unknown, field: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) invalid(field, 'must be an object.');
  return value as JsonObject;
}

function array(value: unknown, field: string): Json[] {
  if (!Array.isArray(value)) invalid(field, 'must be a list.');
  return value as Json[];
}

function string(value: unknown, field: string): string {
  if (typeof value !== 'string') invalid(field, 'must be a string.');
  return value;
}

function integer(value: unknown, field: string): bigint {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  if (typeof value === 'string' && /^\d+$/.test(value)) return BigInt(value);
  invalid(field, `must be a whole number (a decimal string for large values), got ${JSON.stringify(value)}.`);
}

function optional<T>(obj: JsonObject, key: string, read: (value: Json, field: string) => T, fallback: T, field: string): T {
  const value = obj[key];
  return value === undefined || value === null ? fallback : read(value, `${field}.${key}`);
}

/** A UUID, or a system account name such as "treasury". */
function account(value: unknown, field: string): Uuid {
  const text = string(value, field).trim().toLowerCase();
  if ((SYSTEM_ACCOUNTS as readonly string[]).includes(text)) return SYSTEM_ACCOUNT_IDS[text as SystemAccountName];
  return text;
}

function genesisTime(value: unknown): bigint {
  if (typeof value === 'string' && !/^\d+$/.test(value)) {
    const ms = Date.parse(value);
    if (Number.isNaN(ms)) invalid('genesis_time', `"${value}" is not an ISO 8601 time or milliseconds since 1970.`);
    return BigInt(ms);
  }
  return integer(value, 'genesis_time');
}

/** The gov_* fields; those left out take the defaults for the file's unbonding period. */
function govParams(param: (key: string, fallback: bigint) => bigint): GovParams {
  const defaults = defaultGovFor(param('unbonding_blocks', DEFAULT_PARAMS.unbondingBlocks));
  const keys = Object.keys(GOV_PARAM_NAMES) as (keyof GovParams)[];
  return Object.fromEntries(keys.map((key) => [key, param(GOV_PARAM_NAMES[key], defaults[key])])) as unknown as GovParams;
}

/** `initial_state` as `[key, value hex]` pairs (docs/protocol.md §14.3); the values stay bytes here. */
function initialState(root: JsonObject): InitialState | null {
  const pairs = root.initial_state;
  if (pairs === undefined || pairs === null) {
    if (root.initial_height !== undefined && root.initial_height !== null) invalid('initial_height', 'is only allowed with an initial_state.');
    return null;
  }
  return {
    initialHeight: integer(root.initial_height, 'initial_height'),
    pairs: array(pairs, 'initial_state').map((p, i) => {
      const field = `initial_state[${i}]`;
      const pair = array(p, field);
      if (pair.length !== 2) invalid(field, 'must be a [key, value hex] pair.');
      const value = string(pair[1], `${field}[1]`);
      if (!/^(?:[0-9a-f]{2})+$/.test(value)) invalid(`${field}[1]`, 'must be the value\'s bytes as lowercase hex.');
      return [string(pair[0], `${field}[0]`), Uint8Array.from(Buffer.from(value, 'hex'))] as const;
    }),
  };
}

export function parseGenesisJson(input: unknown): GenesisConfig {
  const root = object(input, '(root)');
  const supply = object(root.supply, 'supply');
  const params = optional(root, 'params', (v, f) => object(v, f), {} as JsonObject, '');
  const param = (key: string, fallback: bigint): bigint =>
    optional(params, key, integer, optional(root, key, integer, fallback, ''), 'params');
  const pools: GenesisPool[] = optional(root, 'pools', array, [], '').map((p, i) => {
    const field = `pools[${i}]`;
    const pool = object(p, field);
    const rule = optional(pool, 'auto_replenish', (v, f) => object(v, f), null, field);
    return {
      name: string(pool.name, `${field}.name`),
      amount: integer(pool.amount, `${field}.amount`),
      operator: optional(pool, 'operator', account, null, field),
      autoReplenish: rule === null ? null : { below: integer(rule.below, `${field}.auto_replenish.below`), upTo: integer(rule.up_to, `${field}.auto_replenish.up_to`) },
    };
  });
  const schedules: GenesisSchedule[] = optional(root, 'schedules', array, [], '').map((s, i) => {
    const field = `schedules[${i}]`;
    const schedule = object(s, field);
    return {
      recipientType: string(schedule.recipient_type, `${field}.recipient_type`),
      amountPerInterval: integer(schedule.amount_per_interval, `${field}.amount_per_interval`),
      intervalBlocks: integer(schedule.interval_blocks, `${field}.interval_blocks`),
      startBlock: optional(schedule, 'start_block', integer, null, field),
      durationBlocks: optional(schedule, 'duration_blocks', integer, null, field),
      poolId: optional(schedule, 'pool_id', string, null, field),
    };
  });
  const imported = initialState(root);
  return {
    params: {
      chainId: string(root.chain_id, 'chain_id'),
      genesisTimeMs: genesisTime(root.genesis_time),
      blockTimeMs: optional(root, 'block_time_ms', integer, DEFAULT_PARAMS.blockTimeMs, ''),
      blocksPerYear: optional(root, 'blocks_per_year', integer, DEFAULT_PARAMS.blocksPerYear, ''),
      supply: {
        initialSupply: integer(supply.initial_supply, 'supply.initial_supply'),
        maxSupply: optional(supply, 'max_supply', integer, null, 'supply'),
        inflationRateBps: integer(supply.inflation_rate_bps, 'supply.inflation_rate_bps'),
        burnRateBps: integer(supply.burn_rate_bps, 'supply.burn_rate_bps'),
      },
      minFee: param('min_fee', DEFAULT_PARAMS.minFee),
      unbondingBlocks: param('unbonding_blocks', DEFAULT_PARAMS.unbondingBlocks),
      relayMinStake: param('relay_min_stake', DEFAULT_PARAMS.relayMinStake),
      escrowTimeoutBlocks: param('escrow_timeout_blocks', DEFAULT_PARAMS.escrowTimeoutBlocks),
      maxBlockTxs: param('max_block_txs', DEFAULT_PARAMS.maxBlockTxs),
      maxBlockBytes: param('max_block_bytes', DEFAULT_PARAMS.maxBlockBytes),
      maxUnbondingEntries: param('max_unbonding_entries', DEFAULT_PARAMS.maxUnbondingEntries),
      maxRelays: param('max_relays', DEFAULT_PARAMS.maxRelays),
      maxPools: param('max_pools', DEFAULT_PARAMS.maxPools),
      maxSchedules: param('max_schedules', DEFAULT_PARAMS.maxSchedules),
      maxDeadlinesPerHeight: param('max_deadlines_per_height', DEFAULT_PARAMS.maxDeadlinesPerHeight),
      gov: govParams(param),
    },
    validators: array(root.validators, 'validators').map((v, i) => {
      const validator = object(v, `validators[${i}]`);
      return {
        publicKey: string(validator.public_key, `validators[${i}].public_key`).toLowerCase(),
        rewardWallet: account(validator.reward_wallet, `validators[${i}].reward_wallet`),
      };
    }),
    authority: array(root.authority, 'authority').map((k, i) => string(k, `authority[${i}]`).toLowerCase()),
    distribution: array(root.distribution, 'distribution').map((d, i) => {
      const entry = object(d, `distribution[${i}]`);
      return { account: account(entry.account, `distribution[${i}].account`), amount: integer(entry.amount, `distribution[${i}].amount`) };
    }),
    pools,
    schedules,
    ...(imported === null ? {} : { initialState: imported }),
  };
}

const text = (value: bigint | null): string | null => (value === null ? null : value.toString());

export function genesisToJson(config: GenesisConfig): JsonObject {
  const p = config.params;
  return {
    chain_id: p.chainId,
    genesis_time: new Date(Number(p.genesisTimeMs)).toISOString(),
    block_time_ms: text(p.blockTimeMs),
    blocks_per_year: text(p.blocksPerYear),
    supply: {
      initial_supply: text(p.supply.initialSupply),
      max_supply: text(p.supply.maxSupply),
      inflation_rate_bps: text(p.supply.inflationRateBps),
      burn_rate_bps: text(p.supply.burnRateBps),
    },
    params: {
      min_fee: text(p.minFee),
      unbonding_blocks: text(p.unbondingBlocks),
      relay_min_stake: text(p.relayMinStake),
      escrow_timeout_blocks: text(p.escrowTimeoutBlocks),
      max_block_txs: text(p.maxBlockTxs),
      max_block_bytes: text(p.maxBlockBytes),
      max_unbonding_entries: text(p.maxUnbondingEntries),
      max_relays: text(p.maxRelays),
      max_pools: text(p.maxPools),
      max_schedules: text(p.maxSchedules),
      max_deadlines_per_height: text(p.maxDeadlinesPerHeight),
      ...Object.fromEntries((Object.keys(GOV_PARAM_NAMES) as (keyof GovParams)[]).map((key) => [GOV_PARAM_NAMES[key], text(p.gov[key])])),
    },
    validators: config.validators.map((v) => ({ public_key: v.publicKey, reward_wallet: v.rewardWallet })),
    authority: [...config.authority],
    distribution: config.distribution.map((d) => ({ account: d.account, amount: text(d.amount) })),
    pools: config.pools.map((pool) => ({
      name: pool.name,
      amount: text(pool.amount),
      operator: pool.operator,
      auto_replenish: pool.autoReplenish === null ? null : { below: text(pool.autoReplenish.below), up_to: text(pool.autoReplenish.upTo) },
    })),
    schedules: config.schedules.map((s) => ({
      recipient_type: s.recipientType,
      amount_per_interval: text(s.amountPerInterval),
      interval_blocks: text(s.intervalBlocks),
      start_block: text(s.startBlock),
      duration_blocks: text(s.durationBlocks),
      pool_id: s.poolId,
    })),
    // Only in a genesis from an exported state: every other genesis file keeps its bytes.
    ...(config.initialState === undefined
      ? {}
      : {
          initial_height: text(config.initialState.initialHeight),
          initial_state: config.initialState.pairs.map(([key, value]) => [key, Buffer.from(value).toString('hex')]),
        }),
  };
}
