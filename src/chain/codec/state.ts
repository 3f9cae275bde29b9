/**
 * State values as canonical msgpack (docs/protocol.md §8), one codec per key prefix: what LevelDB
 * stores and what the state tree hashes (the state_root, §7 and §18: chain-tree.ts).
 */
import {
  type Account,
  type Allocation,
  type AuthorityState,
  type BlockPosition,
  type ChainParams,
  type DeadlineEntry,
  type Listing,
  type Purchase,
  LISTING_PREFIX,
  PURCHASE_PREFIX,
  type Pool,
  RECIPIENT_TYPES,
  type Schedule,
  type StateValue,
  type SupplyState,
  type WriteSet,
  ACCOUNT_PREFIX,
  ALLOCATION_PREFIX,
  DEADLINE_COUNT_PREFIX,
  DEADLINE_PREFIX,
  LIST_BOUND_LIMITS,
  MAX_AUTHORITY_KEYS,
  META_AUTHORITY,
  META_HEAD,
  META_PARAMS,
  META_POOLS,
  META_RELAYS,
  META_RETIRED_SCHEDULES,
  META_SCHEDULES,
  META_SUPPLY,
  META_VALIDATORS,
  POOL_PREFIX,
  SCHEDULE_PREFIX,
  META_PENDING_VALIDATORS,
  META_PROPOSALS,
  META_STAKING,
  PROPOSAL_PREFIX,
  STAKE_ENTRY_PREFIX,
  VOTE_PREFIX,
  VOTER_PREFIX,
  type GovParams,
} from '../../tokenomics/index.ts';
import { bigUint, pendingValidatorsCodec, proposalCodec, proposalIdsCodec, stakingCodec, validatorsCodec, voteCodec } from './gov.ts';
import { malformed } from '../errors.ts';
import { pack, unpack } from './msgpack.ts';
import { type Codec, bool, hexBin, list, nullable, oneOf, record, str, u64, uuid } from './schema.ts';

// Each list is read up to the largest bound a genesis may choose (docs/protocol.md §9): the state
// itself refuses the tx that would go past the chain's own bound.
const ids = (max: bigint) => list(uuid, Number(max));

const account = record<Account>({
  balance: u64,
  staked: u64,
  unbonding: list(record({ amount: u64, deadline: u64 }), Number(LIST_BOUND_LIMITS.maxUnbondingEntries)),
  pendingRewards: u64,
  nonce: u64,
});

const autoReplenish = nullable(record({ below: u64, upTo: u64 }));

const pool = record<Pool>({
  id: uuid,
  name: str(256),
  available: u64,
  reserved: u64,
  operator: nullable(uuid),
  autoReplenish,
  createdHeight: u64,
  createdAtMs: u64,
  lastReplenishHeight: u64,
});

const allocation = record<Allocation>({
  id: uuid,
  poolId: uuid,
  amount: u64,
  recipient: uuid,
  createdHeight: u64,
  deadline: u64,
  status: oneOf(['pending', 'released', 'cancelled', 'expired'] as const),
  closedHeight: nullable(u64),
});

const schedule = record<Schedule>({
  id: uuid,
  recipientType: oneOf(RECIPIENT_TYPES),
  amountPerInterval: u64,
  intervalBlocks: u64,
  startBlock: u64,
  durationBlocks: nullable(u64),
  poolId: nullable(uuid),
  createdHeight: u64,
  cancelled: bool,
  paidTotal: u64,
  shortfallTotal: u64,
  lastRunHeight: nullable(u64),
});

const params = record<ChainParams>({
  chainId: str(64),
  genesisTimeMs: u64,
  blockTimeMs: u64,
  blocksPerYear: u64,
  supply: record({ initialSupply: u64, maxSupply: nullable(u64), inflationRateBps: u64, burnRateBps: u64 }),
  minFee: u64,
  unbondingBlocks: u64,
  relayMinStake: u64,
  escrowTimeoutBlocks: u64,
  maxBlockTxs: u64,
  maxBlockBytes: u64,
  maxUnbondingEntries: u64,
  maxRelays: u64,
  maxPools: u64,
  maxSchedules: u64,
  maxDeadlinesPerHeight: u64,
  gov: record<GovParams>({
    minDeposit: u64,
    depositBlocks: u64,
    votingBlocks: u64,
    quorumBps: u64,
    vetoBps: u64,
    thresholdBps: u64,
    voterReward: u64,
    maxActiveProposals: u64,
  }),
});

const keys = list(hexBin(32), MAX_AUTHORITY_KEYS);
const authority = record<AuthorityState>({ keys, pending: nullable(record({ keys, fromHeight: u64 })) });
const supply = record<SupplyState>({ totalMinted: u64, totalBurned: u64, annualProvision: u64, carry: u64 });
const head = record<BlockPosition>({ height: u64, timestampMs: u64 });
/** One object due at a height: a key of its own (docs/protocol.md §8.3), so adding one writes O(1). */
const deadline = record<DeadlineEntry>({ kind: oneOf(['allocation', 'unbonding', 'escrow'] as const), id: uuid });

const listing = record<Listing>({
  id: uuid,
  seller: uuid,
  title: str(256),
  price: u64,
  quantity: u64,
  sold: u64,
  status: oneOf(['active', 'sold-out', 'cancelled'] as const),
  createdHeight: u64,
});

const purchase = record<Purchase>({
  id: uuid,
  listingId: uuid,
  buyer: uuid,
  seller: uuid,
  quantity: u64,
  amount: u64,
  status: oneOf(['escrowed', 'confirmed', 'refunded', 'disputed', 'resolved', 'timed-out'] as const),
  createdHeight: u64,
  deadline: u64,
  closedHeight: nullable(u64),
});

const EXACT: Record<string, Codec<unknown>> = {
  [META_HEAD]: head as Codec<unknown>,
  [META_PARAMS]: params as Codec<unknown>,
  [META_SUPPLY]: supply as Codec<unknown>,
  [META_AUTHORITY]: authority as Codec<unknown>,
  [META_VALIDATORS]: validatorsCodec as Codec<unknown>,
  [META_PROPOSALS]: proposalIdsCodec as Codec<unknown>,
  [META_STAKING]: stakingCodec as Codec<unknown>,
  [META_PENDING_VALIDATORS]: pendingValidatorsCodec as Codec<unknown>,
  [META_POOLS]: ids(LIST_BOUND_LIMITS.maxPools) as Codec<unknown>,
  [META_SCHEDULES]: ids(LIST_BOUND_LIMITS.maxSchedules) as Codec<unknown>,
  [META_RETIRED_SCHEDULES]: ids(LIST_BOUND_LIMITS.maxSchedules) as Codec<unknown>,
  [META_RELAYS]: ids(LIST_BOUND_LIMITS.maxRelays) as Codec<unknown>,
};

const BY_PREFIX: [string, Codec<unknown>][] = [
  [ACCOUNT_PREFIX, account as Codec<unknown>],
  [POOL_PREFIX, pool as Codec<unknown>],
  [ALLOCATION_PREFIX, allocation as Codec<unknown>],
  [SCHEDULE_PREFIX, schedule as Codec<unknown>],
  [DEADLINE_PREFIX, deadline as Codec<unknown>],
  [DEADLINE_COUNT_PREFIX, u64 as Codec<unknown>],
  [LISTING_PREFIX, listing as Codec<unknown>],
  [PURCHASE_PREFIX, purchase as Codec<unknown>],
  [PROPOSAL_PREFIX, proposalCodec as Codec<unknown>],
  [VOTER_PREFIX, proposalIdsCodec as Codec<unknown>],
  [VOTE_PREFIX, voteCodec as Codec<unknown>],
  [STAKE_ENTRY_PREFIX, bigUint as Codec<unknown>],
];

function codecFor(key: string): Codec<unknown> {
  // Own entries only: a key such as "constructor" must not find Object.prototype's.
  if (Object.hasOwn(EXACT, key)) return EXACT[key]!;
  for (const [prefix, codec] of BY_PREFIX) if (key.startsWith(prefix)) return codec;
  return malformed(`state key ${key}`, 'no codec for this key.');
}

export function encodeStateValue(key: string, value: StateValue): Uint8Array {
  return pack(codecFor(key).enc(value));
}

export function decodeStateValue(key: string, bytes: Uint8Array): StateValue {
  return codecFor(key).dec(unpack(bytes, `state ${key}`), key) as StateValue;
}

export const stateKeyBytes = (key: string): Uint8Array => Buffer.from(key, 'ascii');
