/**
 * Typed errors of the light verifier: the code names the check that failed, so a chat app can tell
 * a malformed answer from a lying one. Tests assert the code, never the sentence.
 */
import { CodedError } from '../tokenomics/errors.ts';

export const LightErrorCode = {
  /** The proof's bytes do not follow docs/protocol.md §18.4 (length, kind, depth, a zero sibling). */
  MalformedProof: 'MalformedProof',
  /** A value was claimed with a proof of absence, or absence with a proof of presence. */
  WrongProofKind: 'WrongProofKind',
  /** The other leaf of an absence proof is the key itself, or is not on the key's path. */
  LeafNotOnPath: 'LeafNotOnPath',
  /** The proof, key and value hash to another root than the trusted one. */
  RootMismatch: 'RootMismatch',
} as const;

export type LightErrorCode = (typeof LightErrorCode)[keyof typeof LightErrorCode];

export class LightError extends CodedError<LightErrorCode> {}
