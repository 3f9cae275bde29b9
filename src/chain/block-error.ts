/**
 * Why a block was refused (Lodestar's BlockError, beacon-node/src/chain/errors/blockError.ts): one
 * class, a code per reason, and per code the fields that explain it (the slots, the hashes, the
 * failing tx's own error). The gossip verdict is decided here, where the reason is known: REJECT
 * only for what the block's bytes prove invalid whatever our state (docs/protocol.md §3.3),
 * IGNORE for what depends on our view (known, early, unknown parent, below finality, a second block
 * of one proposer for one slot) and for our own failures (an invariant, an internal error), which
 * are never blamed on the peer that relayed the block.
 *
 * A BlockError is a ChainError with the same codes, so callers that branch on `code` keep working.
 */
import { type CodedError, ErrorCode } from '../tokenomics/index.ts';
import { ChainError, ChainErrorCode } from './errors.ts';

/** The codes a block can be refused with (a subset of ChainErrorCode, same strings). */
export const BlockErrorCode = {
  KnownBlock: ChainErrorCode.KnownBlock,
  UnknownParent: ChainErrorCode.UnknownParent,
  FutureSlot: ChainErrorCode.FutureSlot,
  BelowFinality: ChainErrorCode.BelowFinality,
  Equivocation: ChainErrorCode.Equivocation,
  WrongChainId: ChainErrorCode.WrongChainId,
  WrongProtocolVersion: ChainErrorCode.WrongProtocolVersion,
  WrongProposer: ChainErrorCode.WrongProposer,
  InvalidSignature: ChainErrorCode.InvalidSignature,
  BadTxRoot: ChainErrorCode.BadTxRoot,
  BadStateRoot: ChainErrorCode.BadStateRoot,
  InvalidBlock: ChainErrorCode.InvalidBlock,
} as const;

export type BlockErrorCode = (typeof BlockErrorCode)[keyof typeof BlockErrorCode];

/** What each refusal carries. Heights and slots are the block's own unless named otherwise. */
export type BlockErrorType =
  | { readonly code: typeof BlockErrorCode.KnownBlock; readonly hash: string }
  | { readonly code: typeof BlockErrorCode.UnknownParent; readonly parentHash: string }
  | { readonly code: typeof BlockErrorCode.FutureSlot; readonly slot: bigint; readonly currentSlot: bigint }
  | { readonly code: typeof BlockErrorCode.BelowFinality; readonly ancestorHeight: bigint; readonly finalizedHeight: bigint }
  | { readonly code: typeof BlockErrorCode.Equivocation; readonly slot: bigint; readonly proposer: string; readonly firstHash: string }
  | { readonly code: typeof BlockErrorCode.WrongChainId; readonly chainId: string; readonly expected: string }
  | { readonly code: typeof BlockErrorCode.WrongProtocolVersion; readonly version: bigint; readonly expected: bigint }
  | { readonly code: typeof BlockErrorCode.WrongProposer; readonly slot: bigint; readonly proposer: string; readonly expected: string }
  | { readonly code: typeof BlockErrorCode.InvalidSignature; readonly height: bigint }
  | { readonly code: typeof BlockErrorCode.BadTxRoot; readonly height: bigint }
  | { readonly code: typeof BlockErrorCode.BadStateRoot; readonly height: bigint }
  /** A header or size rule broken (`rule` names it), or a tx that fails: `txError` is that tx's own typed error. */
  | { readonly code: typeof BlockErrorCode.InvalidBlock; readonly height: bigint; readonly rule: string; readonly txError?: CodedError<string> };

export type BlockVerdict = 'ignore' | 'reject';

/**
 * Token errors that are failures of this node, not of the block: an invariant that breaks (our
 * bookkeeping is wrong) and a tx that made our code throw something that is not a token rule.
 */
const OWN_FAILURES: ReadonlySet<string> = new Set([ErrorCode.InvariantViolation, ErrorCode.TxFailed]);

function verdictOf(type: BlockErrorType): BlockVerdict {
  switch (type.code) {
    case BlockErrorCode.KnownBlock:
    case BlockErrorCode.UnknownParent:
    case BlockErrorCode.FutureSlot:
    case BlockErrorCode.BelowFinality:
    case BlockErrorCode.Equivocation:
      return 'ignore';
    case BlockErrorCode.InvalidBlock:
      return type.txError !== undefined && OWN_FAILURES.has(type.txError.code) ? 'ignore' : 'reject';
    default:
      return 'reject';
  }
}

export class BlockError extends ChainError {
  readonly type: BlockErrorType;
  /** What gossip answers for this block: REJECT penalizes the peer, IGNORE does not. */
  readonly verdict: BlockVerdict;

  constructor(type: BlockErrorType, message: string) {
    super(type.code, message, type.code === BlockErrorCode.InvalidBlock && type.txError !== undefined ? { cause: type.txError } : undefined);
    this.type = type;
    this.verdict = verdictOf(type);
  }
}

export function isBlockError(err: unknown, code?: BlockErrorCode): err is BlockError {
  return err instanceof BlockError && (code === undefined || err.code === code);
}
