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
  /** No answer from the node at all (connection refused, DNS, timeout). */
  NodeUnreachable: 'NodeUnreachable',
  /** The node answered with an error status (its code and sentence are in the message). */
  NodeRefused: 'NodeRefused',
  /** The node's answer is not in the API's form (a field missing, not hex, not a number). */
  MalformedAnswer: 'MalformedAnswer',
  /** A header of another protocol version than the one this client reads. */
  WrongProtocolVersion: 'WrongProtocolVersion',
  /** A header names another chain than the trusted genesis. */
  WrongChain: 'WrongChain',
  /** A header's hash is not the hash of its fields' canonical encoding (docs/protocol.md §3.1). */
  HeaderHashMismatch: 'HeaderHashMismatch',
  /** A header does not follow the one before it: parent hash, height +1, a later slot. */
  BrokenParentLink: 'BrokenParentLink',
  /** A header's timestamp is not genesis_time_ms + slot × block_time_ms (§3.3). */
  WrongTimestamp: 'WrongTimestamp',
  /** A header's proposer is not validators[slot mod n] of the set in force at its height (§3.3, §19.1). */
  WrongProposer: 'WrongProposer',
  /** A header's signature is not its proposer's ed25519 signature of its hash (§5). */
  BadSignature: 'BadSignature',
  /** The headers on top come from 2/3 of the validators or fewer: the block is not proven final. */
  NotFinal: 'NotFinal',
  /** A validator set change is not anchored where §19.1 puts it, or its value is not the set it claims. */
  BadValidatorSetChange: 'BadValidatorSetChange',
  /** The proven header is not the first header of the finality proof (another block, or height). */
  HeaderNotFinalized: 'HeaderNotFinalized',
} as const;

export type LightErrorCode = (typeof LightErrorCode)[keyof typeof LightErrorCode];

export class LightError extends CodedError<LightErrorCode> {}
