/**
 * Gossip verdicts (Lodestar style): every incoming message is validated once, at the edge, and gets
 * ACCEPT (forward it), IGNORE (drop it, the sender did nothing provably wrong: a duplicate, a block
 * from the future, an unknown parent, a tx whose nonce or balance no longer fits) or REJECT (drop it
 * and lower the sender's score: the bytes prove the message invalid whatever our state is).
 * One function maps the chain's typed errors to a verdict; one adapter maps verdicts to gossipsub's.
 */
import { TopicValidatorResult } from '@libp2p/interface';
import { BlockError } from '../../chain/block-error.ts';
import { ChainError, ChainErrorCode } from '../../chain/errors.ts';
import { isTokenError } from '../../tokenomics/index.ts';

export const Verdict = {
  Accept: 'accept',
  Ignore: 'ignore',
  Reject: 'reject',
} as const;

export type Verdict = (typeof Verdict)[keyof typeof Verdict];

export interface Classified {
  readonly verdict: Verdict;
  /** The error code behind an IGNORE or REJECT (for logs and counters). */
  readonly reason: string;
}

/** Chain errors (other than a BlockError, which carries its verdict) that only an invalid message can cause. */
export const PROVABLY_INVALID: ReadonlySet<string> = new Set([
  ChainErrorCode.MalformedBytes,
  ChainErrorCode.InvalidSignature,
  ChainErrorCode.WrongProposer,
  ChainErrorCode.BadStateRoot,
  ChainErrorCode.BadTxRoot,
  ChainErrorCode.InvalidBlock,
  ChainErrorCode.WrongChainId,
  ChainErrorCode.TxTooLarge,
]);

/**
 * The verdict for an error thrown while validating a gossiped message. Token-economy errors of a
 * transaction (nonce, balance, authority...) depend on our view of the state, which may lag or lead
 * the sender's, so they are IGNORE; anything unexpected is IGNORE too (our fault, not the peer's).
 */
export function classifyError(err: unknown): Classified {
  // A refused block carries the verdict decided where its reason was found (block-error.ts).
  if (err instanceof BlockError) return { verdict: err.verdict === 'reject' ? Verdict.Reject : Verdict.Ignore, reason: err.code };
  if (err instanceof ChainError) {
    return { verdict: PROVABLY_INVALID.has(err.code) ? Verdict.Reject : Verdict.Ignore, reason: err.code };
  }
  if (isTokenError(err)) return { verdict: Verdict.Ignore, reason: err.code };
  return { verdict: Verdict.Ignore, reason: 'InternalError' };
}

export function toTopicValidatorResult(verdict: Verdict): TopicValidatorResult {
  switch (verdict) {
    case Verdict.Accept:
      return TopicValidatorResult.Accept;
    case Verdict.Reject:
      return TopicValidatorResult.Reject;
    default:
      return TopicValidatorResult.Ignore;
  }
}
