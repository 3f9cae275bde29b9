/**
 * Typed errors of the token economy. Callers (API, CLI, block import) branch on `code`, never on
 * the sentence; the sentence is for people. Codes are those of docs/protocol.md §15 and §13.
 */
export const ErrorCode = {
  InsufficientBalance: 'InsufficientBalance',
  InvalidAmount: 'InvalidAmount',
  AmountOverflow: 'AmountOverflow',
  Unauthorized: 'Unauthorized',
  MaxSupplyExceeded: 'MaxSupplyExceeded',
  InvalidNonce: 'InvalidNonce',
  InvalidReason: 'InvalidReason',
  InvalidParameter: 'InvalidParameter',
  UnknownPool: 'UnknownPool',
  InsufficientPoolTokens: 'InsufficientPoolTokens',
  UnknownAllocation: 'UnknownAllocation',
  AllocationClosed: 'AllocationClosed',
  UnknownSchedule: 'UnknownSchedule',
  ScheduleClosed: 'ScheduleClosed',
  NothingToClaim: 'NothingToClaim',
  InsufficientStake: 'InsufficientStake',
  AlreadyRegistered: 'AlreadyRegistered',
  NotRegistered: 'NotRegistered',
  UnknownListing: 'UnknownListing',
  ListingClosed: 'ListingClosed',
  InsufficientQuantity: 'InsufficientQuantity',
  UnknownPurchase: 'UnknownPurchase',
  PurchaseClosed: 'PurchaseClosed',
  InvalidGenesis: 'InvalidGenesis',
  InvariantViolation: 'InvariantViolation',
  InvalidBlock: 'InvalidBlock',
  TooManyUnbondingEntries: 'TooManyUnbondingEntries',
  TooManyRelays: 'TooManyRelays',
  TooManyPools: 'TooManyPools',
  TooManySchedules: 'TooManySchedules',
  DeadlineHeightFull: 'DeadlineHeightFull',
  UnknownProposal: 'UnknownProposal',
  /** The proposal is not in the period the operation needs (deposit for deposit, voting for vote). */
  ProposalClosed: 'ProposalClosed',
  TooManyProposals: 'TooManyProposals',
  TooManyDepositors: 'TooManyDepositors',
  /** A pending validator set is within the finality depth of its activation and can no longer be replaced (docs/protocol.md §17.7). */
  ValidatorSetLocked: 'ValidatorSetLocked',
  /** A transaction failed with an error that is not a token rule (e.g. a RangeError): it is refused, never fatal. */
  TxFailed: 'TxFailed',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * The one shape of every typed error in the node (token economy, chain, network): a stable string
 * `code` callers branch on, and a sentence for people. Each layer subclasses it with its own codes.
 */
export class CodedError<C extends string> extends Error {
  readonly code: C;

  constructor(code: C, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

export class TokenError extends CodedError<ErrorCode> {}

export function isTokenError(err: unknown, code?: ErrorCode): err is TokenError {
  return err instanceof TokenError && (code === undefined || err.code === code);
}
