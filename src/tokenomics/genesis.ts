/**
 * docs/protocol.md §14.1: the genesis of a chain. `validateGenesis` refuses a genesis that breaks an invariant,
 * naming the field; `buildGenesisState` mints the distribution (reason `genesis`), opens the initial
 * pools and schedules and fixes the first inflation year's provision, all at height 0.
 */
import { U64_MAX } from './amount.ts';
import { ErrorCode, TokenError, isTokenError } from './errors.ts';
import type { TokenEvent } from './events.ts';
import { IdSource, type Uuid, isPublicKeyHex, isUuid } from './ids.ts';
import { checkStateInvariants } from './invariants.ts';
import { Ledger } from './ledger.ts';
import { validateAuthorityKeys } from './ops/authority.ts';
import { openPool } from './ops/pools.ts';
import { openSchedule } from './ops/schedules.ts';
import type { CreateScheduleOp } from './operations.ts';
import { type ChainParams, LIST_BOUND_LIMITS, MAX_VALIDATORS } from './params.ts';
import type { AutoReplenish, Validator } from './records.ts';
import * as K from './state/keys.ts';
import { MemoryState, type StateValue, type WriteSet } from './state/store.ts';
import { startInflationYear } from './steps/inflation.ts';
import { GOV_BOUNDS, GOV_PARAM_NAMES, type GovParams } from './gov/params.ts';
import { EMPTY_STAKING } from './gov/records.ts';

export interface GenesisPool {
  readonly name: string;
  readonly amount: bigint;
  readonly operator: Uuid | null;
  readonly autoReplenish: AutoReplenish | null;
}

/** A schedule opened at genesis: the fields of create-schedule (a null pool_id = the first genesis pool). */
export type GenesisSchedule = Omit<CreateScheduleOp, 'type'>;

/**
 * A genesis from an exported state (docs/protocol.md §14.3): the whole state, pair by pair, in
 * place of the distribution, pools and schedules; the chain continues at `initialHeight`.
 */
export interface InitialState {
  /** The first block's height; the genesis block stands at `initialHeight - 1`. */
  readonly initialHeight: bigint;
  /** Every state pair, keys ascending in byte order, each value its canonical §8 bytes. */
  readonly pairs: readonly (readonly [key: string, value: Uint8Array])[];
}

export interface GenesisConfig {
  readonly params: ChainParams;
  readonly validators: readonly Validator[];
  readonly authority: readonly string[];
  readonly distribution: readonly { readonly account: Uuid; readonly amount: bigint }[];
  readonly pools: readonly GenesisPool[];
  readonly schedules: readonly GenesisSchedule[];
  /** Absent for a genesis of a new economy; see InitialState. */
  readonly initialState?: InitialState;
}

/** The height of the genesis block: 0, or one below an exported state's initial height (docs/protocol.md §14.3). */
export function genesisHeightOf(config: GenesisConfig): bigint {
  return config.initialState === undefined ? 0n : config.initialState.initialHeight - 1n;
}

export interface GenesisResult {
  readonly state: MemoryState;
  /** Every genesis key: the genesis state root hashes these (docs/protocol.md §7). */
  readonly writes: WriteSet;
  /** The genesis events in order; empty when `onEvents` took them. */
  readonly events: readonly TokenEvent[];
}

export interface GenesisBuildOptions {
  /**
   * Takes the genesis events in order, a slice at a time, as they are made, instead of returning
   * them: a genesis funding a million accounts makes a million mint events, and a caller that
   * stores them at once never needs them all in memory together.
   */
  readonly onEvents?: (events: readonly TokenEvent[]) => void;
}

/** Events handed to `onEvents` per call: large enough to be cheap, small enough to die young. */
const EVENT_SLICE = 4_096;

function invalid(field: string, problem: string): never {
  throw new TokenError(ErrorCode.InvalidGenesis, `genesis ${field}: ${problem}`);
}

function requireRange(field: string, value: bigint, min: bigint, max: bigint = U64_MAX): void {
  if (typeof value !== 'bigint' || value < min || value > max) invalid(field, `must be a whole number from ${min} to ${max}, got ${value}.`);
}

/** Refuses a genesis that breaks an invariant, with a message naming the field. */
export function validateGenesis(config: GenesisConfig): void {
  const p = config.params;
  if (typeof p.chainId !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(p.chainId)) {
    invalid('chain_id', 'must be 1 to 64 letters, digits, ".", "_" or "-".');
  }
  requireRange('genesis_time', p.genesisTimeMs, 0n);
  requireRange('block_time_ms', p.blockTimeMs, 1n);
  requireRange('blocks_per_year', p.blocksPerYear, 1n);
  requireRange('supply.initial_supply', p.supply.initialSupply, 0n);
  if (p.supply.maxSupply !== null) {
    requireRange('supply.max_supply', p.supply.maxSupply, 0n);
    if (p.supply.initialSupply > p.supply.maxSupply) {
      invalid('supply.initial_supply', `${p.supply.initialSupply} is above supply.max_supply ${p.supply.maxSupply}.`);
    }
  }
  requireRange('supply.inflation_rate_bps', p.supply.inflationRateBps, 0n, 10_000n);
  requireRange('supply.burn_rate_bps', p.supply.burnRateBps, 0n, 10_000n);
  requireRange('min_fee', p.minFee, 0n);
  requireRange('unbonding_blocks', p.unbondingBlocks, 1n);
  requireRange('relay_min_stake', p.relayMinStake, 0n);
  requireRange('escrow_timeout_blocks', p.escrowTimeoutBlocks, 1n);
  requireRange('max_block_txs', p.maxBlockTxs, 1n);
  requireRange('max_block_bytes', p.maxBlockBytes, 1024n);
  requireRange('max_unbonding_entries', p.maxUnbondingEntries, 1n, LIST_BOUND_LIMITS.maxUnbondingEntries);
  requireRange('max_relays', p.maxRelays, 0n, LIST_BOUND_LIMITS.maxRelays);
  requireRange('max_pools', p.maxPools, 0n, LIST_BOUND_LIMITS.maxPools);
  requireRange('max_schedules', p.maxSchedules, 0n, LIST_BOUND_LIMITS.maxSchedules);
  requireRange('max_deadlines_per_height', p.maxDeadlinesPerHeight, 1n, LIST_BOUND_LIMITS.maxDeadlinesPerHeight);
  if (typeof p.gov !== 'object' || p.gov === null) invalid('gov', 'the governance parameters are missing.');
  for (const key of Object.keys(GOV_BOUNDS) as (keyof GovParams)[]) {
    requireRange(GOV_PARAM_NAMES[key], p.gov[key], GOV_BOUNDS[key].min, GOV_BOUNDS[key].max);
  }
  // docs/protocol.md §17: a stake unstaked while a proposal is voted on is still unbonding at its tally.
  if (p.gov.votingBlocks > p.unbondingBlocks) {
    invalid('gov_voting_blocks', `${p.gov.votingBlocks} is above unbonding_blocks ${p.unbondingBlocks}: a stake could vote twice.`);
  }

  if (config.validators.length === 0) invalid('validators', 'needs at least one validator.');
  if (config.validators.length > MAX_VALIDATORS) invalid('validators', `lists ${config.validators.length}; at most ${MAX_VALIDATORS}.`);
  config.validators.forEach((v, i) => {
    if (!isPublicKeyHex(v.publicKey)) invalid(`validators[${i}].public_key`, 'is not a 32-byte hex ed25519 public key.');
    if (!isUuid(v.rewardWallet)) invalid(`validators[${i}].reward_wallet`, 'is not a UUID.');
  });
  if (new Set(config.validators.map((v) => v.publicKey)).size !== config.validators.length) {
    invalid('validators', 'lists a public key twice.');
  }
  try {
    validateAuthorityKeys(config.authority, 'authority');
  } catch (err) {
    if (isTokenError(err)) invalid('authority', err.message);
    throw err;
  }
  const validatorKeys = new Set(config.validators.map((v) => v.publicKey));
  if (config.authority.some((key) => validatorKeys.has(key))) invalid('authority', 'a validator key may not also be an authority key.');

  if (config.initialState !== undefined) {
    validateInitialState(config);
    return;
  }
  let allocated = 0n;
  config.distribution.forEach((d, i) => {
    if (!isUuid(d.account)) invalid(`distribution[${i}].account`, 'is not a UUID or system account name.');
    requireRange(`distribution[${i}].amount`, d.amount, 0n);
    allocated += d.amount;
  });
  config.pools.forEach((pool, i) => {
    requireRange(`pools[${i}].amount`, pool.amount, 0n);
    allocated += pool.amount;
  });
  if (allocated !== p.supply.initialSupply) {
    invalid('distribution', `the distribution and pools add up to ${allocated}, but supply.initial_supply is ${p.supply.initialSupply}.`);
  }
}

/**
 * The checks of docs/protocol.md §14.3 that need no decoding: the state replaces the distribution,
 * pools and schedules, and its keys are ascending without repeats. The chain layer decodes the values.
 */
function validateInitialState(config: GenesisConfig): void {
  const { initialHeight, pairs } = config.initialState!;
  requireRange('initial_height', initialHeight, 1n);
  for (const field of ['distribution', 'pools', 'schedules'] as const) {
    if (config[field].length > 0) invalid(field, 'must be empty in a genesis with an initial_state: the state holds every balance, pool and schedule.');
  }
  if (pairs.length === 0) invalid('initial_state', 'is empty.');
  let previous: Buffer | null = null;
  pairs.forEach(([key], i) => {
    if (typeof key !== 'string' || !/^[\x21-\x7e]{1,256}$/.test(key)) invalid(`initial_state[${i}]`, 'the key must be 1 to 256 printable ASCII characters.');
    const bytes = Buffer.from(key, 'ascii');
    if (previous !== null && Buffer.compare(previous, bytes) >= 0) invalid(`initial_state[${i}]`, `the key "${key}" is not above the one before it: keys must be ascending in byte order, each once.`);
    previous = bytes;
  });
}

/**
 * Builds the height-0 state. Errors in pools or schedules name their genesis field. A change here
 * that gives another genesis for the same config must bump GENESIS_RULES_VERSION
 * (chain/genesis-fingerprint.ts), or nodes restarting on an existing data dir would not notice it.
 */
export function buildGenesisState(config: GenesisConfig, options: GenesisBuildOptions = {}): GenesisResult {
  validateGenesis(config);
  // An exported state's values are decoded by the chain's codec, which this pure package does not hold.
  if (config.initialState !== undefined) invalid('initial_state', 'a genesis from an exported state is built by the chain (importGenesisState), not here.');
  const l = new Ledger(new MemoryState(), { height: 0n, timestampMs: config.params.genesisTimeMs }, IdSource.forBlock(0n));
  const { onEvents } = options;
  const drain = (): void => {
    if (onEvents !== undefined && l.events.length > 0) onEvents(l.events.splice(0));
  };
  l.overlay.set(K.META_PARAMS, config.params);
  l.setHead(l.position);
  l.setSupply({ totalMinted: 0n, totalBurned: 0n, annualProvision: 0n, carry: 0n });
  l.setAuthority({ keys: [...config.authority], pending: null });
  l.overlay.set(K.META_VALIDATORS, config.validators.map((v) => ({ publicKey: v.publicKey, rewardWallet: v.rewardWallet })));
  l.overlay.set(K.META_POOLS, []);
  l.overlay.set(K.META_SCHEDULES, []);
  l.overlay.set(K.META_RETIRED_SCHEDULES, []);
  l.overlay.set(K.META_RELAYS, []);
  l.overlay.set(K.META_PROPOSALS, []);
  l.overlay.set(K.META_STAKING, EMPTY_STAKING);
  for (const { account, amount } of config.distribution) {
    l.mint(amount, 'genesis', { account });
    if (l.events.length >= EVENT_SLICE) drain();
  }
  config.pools.forEach((pool, i) =>
    inField(`pools[${i}]`, () => openPool(l, { name: pool.name, initialAmount: pool.amount, operator: pool.operator, autoReplenish: pool.autoReplenish }, 'genesis')),
  );
  config.schedules.forEach((schedule, i) => inField(`schedules[${i}]`, () => openSchedule(l, schedule)));
  l.setSupply(startInflationYear(l.supply(), config.params.supply.inflationRateBps));
  drain();
  // The ledger ran on an empty state, so the state is exactly the writes: built from them directly,
  // without the undo record `commit` would make (a million nulls for a million accounts).
  const writes = l.overlay.writes;
  const state = new MemoryState(presentEntries(writes));
  checkStateInvariants(state);
  return { state, writes, events: l.events };
}

function* presentEntries(writes: WriteSet): Generator<[string, StateValue]> {
  for (const [key, value] of writes) if (value !== null) yield [key, value];
}

function inField<T>(field: string, build: () => T): T {
  try {
    return build();
  } catch (err) {
    if (isTokenError(err)) invalid(field, `${err.code}: ${err.message}`);
    throw err;
  }
}
