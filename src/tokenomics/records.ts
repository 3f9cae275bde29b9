/**
 * The records the token state is made of. They are immutable values: an operation builds a new
 * record and writes it, so a discarded transaction or block can never have touched shared objects.
 */
import type { Uuid } from './ids.ts';

export interface UnbondingEntry {
  readonly amount: bigint;
  readonly deadline: bigint;
}

export interface Account {
  readonly balance: bigint;
  readonly staked: bigint;
  readonly unbonding: readonly UnbondingEntry[];
  readonly pendingRewards: bigint;
  readonly nonce: bigint;
}

export const EMPTY_ACCOUNT: Account = Object.freeze({
  balance: 0n,
  staked: 0n,
  unbonding: Object.freeze([]) as readonly UnbondingEntry[],
  pendingRewards: 0n,
  nonce: 0n,
});

export interface AutoReplenish {
  readonly below: bigint;
  readonly upTo: bigint;
}

export interface Pool {
  readonly id: Uuid;
  readonly name: string;
  readonly available: bigint;
  readonly reserved: bigint;
  readonly operator: Uuid | null;
  readonly autoReplenish: AutoReplenish | null;
  readonly createdHeight: bigint;
  readonly createdAtMs: bigint;
  readonly lastReplenishHeight: bigint;
}

export type AllocationStatus = 'pending' | 'released' | 'cancelled' | 'expired';

export interface Allocation {
  readonly id: Uuid;
  readonly poolId: Uuid;
  readonly amount: bigint;
  readonly recipient: Uuid;
  readonly createdHeight: bigint;
  readonly deadline: bigint;
  readonly status: AllocationStatus;
  /** Height at which it left `pending` (null while pending). */
  readonly closedHeight: bigint | null;
}

/** `stakers` pays every wallet pro rata to its stake, settled lazily (docs/protocol.md §17.6). */
export const RECIPIENT_TYPES = ['validators', 'relays', 'marketplace', 'treasury', 'dev-fund', 'stakers'] as const;
export type RecipientType = (typeof RECIPIENT_TYPES)[number];

export interface Schedule {
  readonly id: Uuid;
  readonly recipientType: RecipientType;
  readonly amountPerInterval: bigint;
  readonly intervalBlocks: bigint;
  readonly startBlock: bigint;
  readonly durationBlocks: bigint | null;
  /** The pool a `marketplace` schedule replenishes (null for other recipient types). */
  readonly poolId: Uuid | null;
  readonly createdHeight: bigint;
  readonly cancelled: boolean;
  /** Tokens actually moved out of the reserve by this schedule (saturates at u64). */
  readonly paidTotal: bigint;
  /** Sum over its runs of amount_per_interval - min(amount_per_interval, reserve) (saturates at u64). */
  readonly shortfallTotal: bigint;
  readonly lastRunHeight: bigint | null;
}

export interface SupplyState {
  readonly totalMinted: bigint;
  readonly totalBurned: bigint;
  /** Fixed at genesis and after every height that is a multiple of blocks_per_year (docs/protocol.md §13.1). */
  readonly annualProvision: bigint;
  readonly carry: bigint;
}

export interface Validator {
  /** Hex ed25519 public key that signs this validator's blocks. */
  readonly publicKey: string;
  /** The wallet that receives its rewards. */
  readonly rewardWallet: Uuid;
}

export interface AuthorityState {
  readonly keys: readonly string[];
  /** A `set-authority` waiting for the next block. */
  readonly pending: { readonly keys: readonly string[]; readonly fromHeight: bigint } | null;
}

/**
 * Something due at a height, in creation order (docs/protocol.md §3.4 and §8.3): a pool allocation that expires,
 * an account's unbonding entries that mature, or a purchase's escrow that is paid out.
 */
export interface DeadlineEntry {
  readonly kind: 'allocation' | 'unbonding' | 'escrow';
  /** The allocation, the account, or the purchase. */
  readonly id: Uuid;
}

export type ListingStatus = 'active' | 'sold-out' | 'cancelled';

export interface Listing {
  readonly id: Uuid;
  readonly seller: Uuid;
  readonly title: string;
  readonly price: bigint;
  /** Units still for sale. */
  readonly quantity: bigint;
  readonly sold: bigint;
  readonly status: ListingStatus;
  readonly createdHeight: bigint;
}

/** escrowed -> confirmed | refunded | disputed | timed-out; disputed -> resolved. */
export type PurchaseStatus = 'escrowed' | 'confirmed' | 'refunded' | 'disputed' | 'resolved' | 'timed-out';

export interface Purchase {
  readonly id: Uuid;
  readonly listingId: Uuid;
  readonly buyer: Uuid;
  readonly seller: Uuid;
  readonly quantity: bigint;
  /** price * quantity, held in escrow while escrowed or disputed. */
  readonly amount: bigint;
  readonly status: PurchaseStatus;
  readonly createdHeight: bigint;
  readonly deadline: bigint;
  readonly closedHeight: bigint | null;
}

/** Purchases whose tokens are still held in escrow (counted in the supply invariant). */
export function isEscrowHeld(status: PurchaseStatus): boolean {
  return status === 'escrowed' || status === 'disputed';
}

/** Where a block sits: its height and its timestamp (fixed by its slot, never the node's clock). */
export interface BlockPosition {
  readonly height: bigint;
  readonly timestampMs: bigint;
}
