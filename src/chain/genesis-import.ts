/**
 * The state of a genesis from an exported state (docs/protocol.md §14.3): every pair decoded by
 * the §8 codec and written back to the same bytes (so the root over the file's pairs is the root
 * of the state the node runs), the genesis fields agreeing with the state's meta keys, and the
 * invariants (§13.8) holding on the whole.
 */
import {
  CodedError, ErrorCode, type GenesisConfig, type InitialState, MemoryState, type StateValue, TokenError, type WriteSet,
  META_AUTHORITY, META_HEAD, META_PARAMS, META_POOLS, META_PROPOSALS, META_RELAYS, META_RETIRED_SCHEDULES, META_SCHEDULES,
  META_STAKING, META_SUPPLY, META_VALIDATORS, checkStateInvariants, isTokenError,
} from '../tokenomics/index.ts';
import { bytesEqual } from './codec/msgpack.ts';
import { decodeStateValue, encodeStateValue } from './codec/state.ts';

/** The keys every state holds from its genesis on (tokenomics/genesis.ts writes each). */
const REQUIRED_KEYS = [
  META_HEAD, META_PARAMS, META_SUPPLY, META_AUTHORITY, META_VALIDATORS, META_POOLS, META_SCHEDULES,
  META_RETIRED_SCHEDULES, META_RELAYS, META_PROPOSALS, META_STAKING,
] as const;

export interface ImportedGenesisState {
  readonly state: MemoryState;
  readonly writes: WriteSet;
}

function invalid(field: string, problem: string): never {
  throw new TokenError(ErrorCode.InvalidGenesis, `genesis ${field}: ${problem}`);
}

function decodePair(key: string, bytes: Uint8Array, field: string): StateValue {
  let value: StateValue;
  try {
    value = decodeStateValue(key, bytes);
  } catch (err) {
    if (err instanceof CodedError) invalid(field, `the value of "${key}" does not decode: ${err.message}`);
    throw err;
  }
  // Decoding accepts a few forms it never writes (§1.2): the root is over the written form only.
  if (!bytesEqual(encodeStateValue(key, value), bytes)) invalid(field, `the value of "${key}" is not in its canonical form (§1.1).`);
  return value;
}

/** The genesis fields whose value the state also holds must be the same value, byte for byte. */
function agree(config: GenesisConfig, initial: InitialState, writes: WriteSet): void {
  for (const key of REQUIRED_KEYS) if (!writes.has(key)) invalid('initial_state', `has no "${key}": every state holds it.`);
  const expected: [string, string, StateValue][] = [
    [META_PARAMS, 'the params, chain_id, genesis_time, block_time_ms, blocks_per_year and supply fields', config.params],
    [META_HEAD, `[initial_height - 1, genesis_time] = [${initial.initialHeight - 1n}, ${config.params.genesisTimeMs}]`, { height: initial.initialHeight - 1n, timestampMs: config.params.genesisTimeMs }],
    [META_VALIDATORS, 'the validators field', config.validators.map((v) => ({ publicKey: v.publicKey, rewardWallet: v.rewardWallet }))],
  ];
  for (const [key, what, value] of expected) {
    const stored = writes.get(key);
    if (!bytesEqual(encodeStateValue(key, stored!), encodeStateValue(key, value))) invalid('initial_state', `"${key}" is not ${what}.`);
  }
  const authority = writes.get(META_AUTHORITY) as { keys: readonly string[] };
  if (authority.keys.join() !== config.authority.join()) invalid('authority', `is not the keys of the state's "${META_AUTHORITY}".`);
}

/** Decodes and checks `config.initialState` (validateGenesis has checked its shape and key order). */
export function importGenesisState(config: GenesisConfig): ImportedGenesisState {
  const initial = config.initialState!;
  const writes: WriteSet = new Map();
  initial.pairs.forEach(([key, bytes], i) => writes.set(key, decodePair(key, bytes, `initial_state[${i}]`)));
  agree(config, initial, writes);
  const state = new MemoryState(writes as Map<string, StateValue>);
  try {
    checkStateInvariants(state);
  } catch (err) {
    if (isTokenError(err)) invalid('initial_state', `breaks an invariant: ${err.message}`);
    throw err;
  }
  return { state, writes };
}
