/**
 * Typed errors of the network layer: what a request to a peer can fail with. Tests and callers
 * branch on `code`, never on the message. Gossip never throws these: it turns every failure into a
 * verdict (verdict.ts).
 */
import { CodedError } from '../../tokenomics/errors.ts';

export const NetworkErrorCode = {
  /** The peer sent bytes that do not decode, or a request outside the protocol's bounds. */
  BadRequest: 'BadRequest',
  /** The peer answered with something that breaks the protocol (too many blocks, a gap, bad bytes). */
  BadResponse: 'BadResponse',
  /** The peer asked (or we asked) more often than the per-peer budget allows. */
  RateLimited: 'RateLimited',
  /** The peer reported an error of its own. */
  ServerError: 'ServerError',
  /** The peer does not hold what was asked (a snapshot or one of its chunks). */
  NotFound: 'NotFound',
  /** No answer in time, or the stream could not be opened. */
  Unreachable: 'Unreachable',
  InvalidConfig: 'InvalidConfig',
} as const;

export type NetworkErrorCode = (typeof NetworkErrorCode)[keyof typeof NetworkErrorCode];

export class NetworkError extends CodedError<NetworkErrorCode> {}

export function isNetworkError(err: unknown, code?: NetworkErrorCode): err is NetworkError {
  return err instanceof NetworkError && (code === undefined || err.code === code);
}
