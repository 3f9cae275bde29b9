/**
 * Typed errors of the chain layer (docs/protocol.md §15): what a submitter or a peer gets back. Token-economy
 * errors keep their own codes (TokenError); both carry `code` and a sentence.
 */
import { CodedError } from '../tokenomics/errors.ts';

export const ChainErrorCode = {
  MalformedBytes: 'MalformedBytes',
  InvalidSignature: 'InvalidSignature',
  WrongChainId: 'WrongChainId',
  MempoolFull: 'MempoolFull',
  DuplicateTx: 'DuplicateTx',
  TxTooLarge: 'TxTooLarge',
  UnknownParent: 'UnknownParent',
  InvalidBlock: 'InvalidBlock',
  WrongProposer: 'WrongProposer',
  FutureSlot: 'FutureSlot',
  BadStateRoot: 'BadStateRoot',
  BadTxRoot: 'BadTxRoot',
  InvalidConfig: 'InvalidConfig',
  /** A config file or flag set holding a key the node does not know (a typo would otherwise be ignored). */
  UnknownConfigKey: 'UnknownConfigKey',
  StoreCorrupt: 'StoreCorrupt',
  KnownBlock: 'KnownBlock',
  BelowFinality: 'BelowFinality',
  Equivocation: 'Equivocation',
  /** A key file that is too big, not JSON, or holds values out of their bounds: refused before any use. */
  CorruptKeyFile: 'CorruptKeyFile',
  /** A data dir or key file open to group/others that this user cannot tighten. */
  UnsafePermissions: 'UnsafePermissions',
  /** The system steps of the next block fail on this node's state (this node's own bug): production halts. */
  BlockStepsFailed: 'BlockStepsFailed',
  /** A block header of another protocol version (docs/protocol.md §3.1, §12): computed by other rules. */
  WrongProtocolVersion: 'WrongProtocolVersion',
  /** A height above the head (or below 0): no block there to prove anything against. */
  UnknownHeight: 'UnknownHeight',
  /** A height whose state tree this node no longer (or never) kept: pruned, or a data dir without the tree. */
  HeightNotRetained: 'HeightNotRetained',
  /** The block (its body, undo record, tx index and events) at that height was pruned (docs/protocol.md §20.6). */
  Pruned: 'Pruned',
  /** A snapshot manifest or chunk (docs/protocol.md §20) that is malformed or does not match the state root it claims. */
  InvalidSnapshot: 'InvalidSnapshot',
} as const;

export type ChainErrorCode = (typeof ChainErrorCode)[keyof typeof ChainErrorCode];

export class ChainError extends CodedError<ChainErrorCode> {}

/** Decoding untrusted bytes fails with this and nothing else. `path` names the bad field. */
export function malformed(path: string, problem: string): never {
  throw new ChainError(ChainErrorCode.MalformedBytes, `Malformed ${path}: ${problem}`);
}
