/**
 * The operations a transaction can carry, as decoded payloads (docs/protocol.md §13). The chain layer decodes
 * bytes into these and verifies signatures; the token economy checks everything else.
 */
import type { ScheduleSpec } from './schedule-spec.ts';
import type { Uuid } from './ids.ts';
import type { ProposalContent, VoteOption } from './gov/records.ts';
import type { AutoReplenish, RecipientType, Validator } from './records.ts';

export interface TransferOp {
  readonly type: 'transfer';
  readonly to: Uuid;
  readonly amount: bigint;
}

/** A user burns its own balance (account null or its own id); the authority burns from a system account. */
export interface BurnOp {
  readonly type: 'burn';
  readonly amount: bigint;
  readonly reason: string;
  readonly account: Uuid | null;
}

export interface ClaimRewardsOp {
  readonly type: 'claim-rewards';
}

export interface MintOp {
  readonly type: 'mint';
  readonly amount: bigint;
  readonly reason: string;
  /** Defaults to the treasury. */
  readonly recipient: Uuid | null;
}

export interface TransferFromSystemOp {
  readonly type: 'transfer-from-system';
  readonly fromAccount: Uuid;
  readonly to: Uuid;
  readonly amount: bigint;
}

export interface CreatePoolOp {
  readonly type: 'create-pool';
  readonly name: string;
  readonly initialAmount: bigint;
  readonly operator: Uuid | null;
  readonly autoReplenish: AutoReplenish | null;
}

export interface ReplenishPoolOp {
  readonly type: 'replenish-pool';
  readonly poolId: Uuid;
  readonly amount: bigint;
}

export interface AllocateOp {
  readonly type: 'allocate';
  readonly poolId: Uuid;
  readonly amount: bigint;
  readonly recipient: Uuid;
  /** Defaults to 100,800 blocks. */
  readonly expiresInBlocks: bigint | null;
}

export interface ReleaseAllocationOp {
  readonly type: 'release-allocation';
  readonly poolId: Uuid;
  readonly allocationId: Uuid;
}

export interface CancelAllocationOp {
  readonly type: 'cancel-allocation';
  readonly poolId: Uuid;
  readonly allocationId: Uuid;
}

export interface CreateScheduleOp extends ScheduleSpec {
  readonly type: 'create-schedule';
}

export interface CancelScheduleOp {
  readonly type: 'cancel-schedule';
  readonly scheduleId: Uuid;
}

export interface SetAuthorityOp {
  readonly type: 'set-authority';
  readonly keys: readonly string[];
}

export interface StakeOp {
  readonly type: 'stake';
  readonly amount: bigint;
}

export interface UnstakeOp {
  readonly type: 'unstake';
  readonly amount: bigint;
}

export interface RegisterRelayOp {
  readonly type: 'register-relay';
}

export interface DeregisterRelayOp {
  readonly type: 'deregister-relay';
}

export interface SlashOp {
  readonly type: 'slash';
  readonly account: Uuid;
  readonly amount: bigint;
}

export interface CreateListingOp {
  readonly type: 'create-listing';
  readonly title: string;
  readonly price: bigint;
  readonly quantity: bigint;
}

export interface CancelListingOp {
  readonly type: 'cancel-listing';
  readonly listingId: Uuid;
}

export interface BuyOp {
  readonly type: 'buy';
  readonly listingId: Uuid;
  readonly quantity: bigint;
}

/** confirm (buyer), refund (seller) and dispute (buyer) each name one purchase. */
export interface ConfirmOp {
  readonly type: 'confirm';
  readonly purchaseId: Uuid;
}

export interface RefundOp {
  readonly type: 'refund';
  readonly purchaseId: Uuid;
}

export interface DisputeOp {
  readonly type: 'dispute';
  readonly purchaseId: Uuid;
}

export interface ResolveDisputeOp {
  readonly type: 'resolve-dispute';
  readonly purchaseId: Uuid;
  /** Share of the escrow returned to the buyer, in basis points; the rest goes to the seller. */
  readonly refundBps: bigint;
}

/** docs/protocol.md §17: any wallet proposes; the deposit is held by the protocol (docs/protocol.md §17). */
export type SubmitProposalOp = {
  readonly type: 'submit-proposal';
  readonly title: string;
  readonly deposit: bigint;
} & ProposalContent;

export interface DepositOp {
  readonly type: 'deposit';
  readonly proposalId: Uuid;
  readonly amount: bigint;
}

export interface VoteOp {
  readonly type: 'vote';
  readonly proposalId: Uuid;
  readonly option: VoteOption;
}

/** The authority's validator set change (PoA operators need it without a vote, like clique). */
export interface SetValidatorsOp {
  readonly type: 'set-validators';
  readonly validators: readonly Validator[];
  readonly activationHeight: bigint;
}

export type Operation =
  | TransferOp
  | BurnOp
  | ClaimRewardsOp
  | MintOp
  | TransferFromSystemOp
  | CreatePoolOp
  | ReplenishPoolOp
  | AllocateOp
  | ReleaseAllocationOp
  | CancelAllocationOp
  | CreateScheduleOp
  | CancelScheduleOp
  | SetAuthorityOp
  | StakeOp
  | UnstakeOp
  | RegisterRelayOp
  | DeregisterRelayOp
  | SlashOp
  | CreateListingOp
  | CancelListingOp
  | BuyOp
  | ConfirmOp
  | RefundOp
  | DisputeOp
  | ResolveDisputeOp
  | SubmitProposalOp
  | DepositOp
  | VoteOp
  | SetValidatorsOp;

export type OperationType = Operation['type'];

export type RecipientTypeInput = RecipientType | 'marketplace-liquidity';

/** A transaction as the token economy sees it: the signature was checked by the chain layer. */
export interface TxInput {
  /** Hex SHA-256 of the canonical unsigned encoding: the source of the ids it creates. */
  readonly hash: string;
  /** Hex ed25519 public key of the signer. */
  readonly signer: string;
  readonly nonce: bigint;
  readonly op: Operation;
}
