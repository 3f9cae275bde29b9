/**
 * State keys. Every piece of state is one key, so a block's effect is exactly its set of written
 * keys (docs/protocol.md §7: the state root hashes those, sorted by key bytes). Keys are ASCII, so string order
 * is byte order. Heights in keys are zero-padded to 20 digits (u64) for the same reason.
 */
import type { Uuid } from '../ids.ts';

export const META_HEAD = 'meta:head';
export const META_PARAMS = 'meta:params';
export const META_SUPPLY = 'meta:supply';
export const META_AUTHORITY = 'meta:authority';
export const META_VALIDATORS = 'meta:validators';
/** Pool ids in creation order. */
export const META_POOLS = 'meta:pools';
/** Running schedule ids in creation order: what step 2 walks (docs/protocol.md §9). */
export const META_SCHEDULES = 'meta:schedules';
/** The most recently retired (cancelled or finished) schedule ids, oldest first, at most max_schedules. */
export const META_RETIRED_SCHEDULES = 'meta:retired-schedules';
/** Registered relay wallets in registration order. */
export const META_RELAYS = 'meta:relays';
/** Proposals in their deposit or voting period, in creation order: what step 3 walks (docs/protocol.md §17). */
export const META_PROPOSALS = 'meta:proposals';
/** Total stake and the stakers' reward accumulator (docs/protocol.md §17.6). */
export const META_STAKING = 'meta:staking';
/** A validator set waiting for its activation height (absent when none). */
export const META_PENDING_VALIDATORS = 'meta:pending-validators';

export const ACCOUNT_PREFIX = 'account:';
export const POOL_PREFIX = 'pool:';
export const ALLOCATION_PREFIX = 'allocation:';
export const SCHEDULE_PREFIX = 'schedule:';
/** `deadline:<height>:<index>` -> one DeadlineEntry (docs/protocol.md §8.3). */
export const DEADLINE_PREFIX = 'deadline:';
/** `deadline-count:<height>` -> how many entries that height holds (indices 0 .. count-1). */
export const DEADLINE_COUNT_PREFIX = 'deadline-count:';
export const LISTING_PREFIX = 'listing:';
export const PURCHASE_PREFIX = 'purchase:';
export const PROPOSAL_PREFIX = 'proposal:';
/** `vote:<proposal>:<wallet>` -> the wallet's vote on that proposal: a key of its own per vote. */
export const VOTE_PREFIX = 'vote:';
/** `voter:<wallet>` -> the proposals it voted on whose reward it has not settled (bounded, §17). */
export const VOTER_PREFIX = 'voter:';
/** `stake-entry:<wallet>` -> the accumulator value at the wallet's last settlement. */
export const STAKE_ENTRY_PREFIX = 'stake-entry:';

export const accountKey = (id: Uuid): string => ACCOUNT_PREFIX + id;
export const poolKey = (id: Uuid): string => POOL_PREFIX + id;
export const allocationKey = (id: Uuid): string => ALLOCATION_PREFIX + id;
export const scheduleKey = (id: Uuid): string => SCHEDULE_PREFIX + id;
export const listingKey = (id: Uuid): string => LISTING_PREFIX + id;
export const purchaseKey = (id: Uuid): string => PURCHASE_PREFIX + id;
export const proposalKey = (id: Uuid): string => PROPOSAL_PREFIX + id;
export const voteKey = (proposal: Uuid, wallet: Uuid): string => `${VOTE_PREFIX}${proposal}:${wallet}`;
export const voterKey = (wallet: Uuid): string => VOTER_PREFIX + wallet;
export const stakeEntryKey = (wallet: Uuid): string => STAKE_ENTRY_PREFIX + wallet;
const heightDigits = (height: bigint): string => height.toString().padStart(20, '0');
export const deadlineCountKey = (height: bigint): string => DEADLINE_COUNT_PREFIX + heightDigits(height);
/** The index is zero-padded to 10 digits: key order is creation order within a height. */
export const deadlineKey = (height: bigint, index: bigint): string =>
  `${DEADLINE_PREFIX}${heightDigits(height)}:${index.toString().padStart(10, '0')}`;
