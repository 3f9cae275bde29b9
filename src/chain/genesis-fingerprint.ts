/**
 * The fingerprint of a genesis config: SHA-256 over its canonical msgpack encoding. The store keeps
 * it in the genesis block's batch, so a restart with the same config is recognised without building
 * the genesis again (for a million funded accounts that takes most of a minute and gigabytes).
 *
 * The encoding keeps every string as a string and every amount as a u64, so two configs that differ
 * in anything, valid or not, encode differently. It is hashed piece by piece, the distribution as its
 * length followed by chunks of entries: each piece is one self-delimiting msgpack value, so the bytes
 * are unambiguous, and no buffer of a million entries is ever built.
 */
import { type Hash, createHash } from 'node:crypto';
import { type AutoReplenish, type GenesisConfig, type GenesisPool, type GenesisSchedule, type InitialState, META_PARAMS, type Validator } from '../tokenomics/index.ts';
import { encodeStateValue } from './codec/state.ts';
import { pack } from './codec/msgpack.ts';
import { bin, list, nullable, record, str, u64 } from './codec/schema.ts';
import { PROTOCOL_VERSION } from './protocol-version.ts';

/**
 * Bump when the genesis built from one config changes (tokenomics/genesis.ts, genesis-block.ts):
 * a stored fingerprint of another version never matches, so the restart builds and compares.
 */
export const GENESIS_RULES_VERSION = 1;

// The protocol version too (docs/protocol.md §12): a fingerprint stored by another version never matches.
const DOMAIN = pack(['dchat-genesis-config', GENESIS_RULES_VERSION, PROTOCOL_VERSION]);
const DISTRIBUTION_CHUNK = 4_096;
const ANY = Number.MAX_SAFE_INTEGER;

const text = str(ANY);
const validators = list(record<Validator>({ publicKey: text, rewardWallet: text }), ANY);
const authority = list(text, ANY);
const allocation = record<GenesisConfig['distribution'][number]>({ account: text, amount: u64 });
const pools = list(
  record<GenesisPool>({ name: text, amount: u64, operator: nullable(text), autoReplenish: nullable(record<AutoReplenish>({ below: u64, upTo: u64 })) }),
  ANY,
);
const schedules = list(
  record<GenesisSchedule>({
    recipientType: text,
    amountPerInterval: u64,
    intervalBlocks: u64,
    startBlock: nullable(u64),
    durationBlocks: nullable(u64),
    poolId: nullable(text),
  }),
  ANY,
);

const statePair = record<{ key: string; value: Uint8Array }>({ key: text, value: bin() });

/** One hashing step per config field, in this order; a new GenesisConfig field fails to compile here. */
const PARTS: { readonly [K in keyof GenesisConfig]: (value: GenesisConfig[K], hash: Hash) => void } = {
  // The params as the state stores them (meta:params): strings and u64s only.
  params: (value, hash) => hash.update(encodeStateValue(META_PARAMS, value)),
  validators: (value, hash) => hash.update(pack(validators.enc([...value]))),
  authority: (value, hash) => hash.update(pack(authority.enc([...value]))),
  distribution(value, hash) {
    hash.update(pack(value.length));
    for (let at = 0; at < value.length; at += DISTRIBUTION_CHUNK) {
      hash.update(pack(value.slice(at, at + DISTRIBUTION_CHUNK).map((entry) => allocation.enc(entry))));
    }
  },
  pools: (value, hash) => hash.update(pack(pools.enc([...value]))),
  schedules: (value, hash) => hash.update(pack(schedules.enc([...value]))),
  // Nothing for a genesis without one, so the fingerprints of those configs are what they were.
  initialState(value: InitialState | undefined, hash) {
    if (value === undefined) return;
    hash.update(pack(['initial_state', u64.enc(value.initialHeight), value.pairs.length]));
    for (let at = 0; at < value.pairs.length; at += DISTRIBUTION_CHUNK) {
      hash.update(pack(value.pairs.slice(at, at + DISTRIBUTION_CHUNK).map(([key, v]) => statePair.enc({ key, value: v }))));
    }
  },
};

/**
 * The config's fingerprint, or null if it holds a value the encoding has no form for (an amount
 * outside u64): such a config matches no stored fingerprint, and building it names the bad field.
 */
export function genesisFingerprint(config: GenesisConfig): Uint8Array | null {
  const hash = createHash('sha256').update(DOMAIN);
  try {
    for (const field of Object.keys(PARTS) as (keyof GenesisConfig)[]) {
      (PARTS[field] as (value: unknown, hash: Hash) => void)(config[field], hash);
    }
  } catch (err) {
    if (err instanceof RangeError || err instanceof TypeError) return null;
    throw err;
  }
  return hash.digest();
}
