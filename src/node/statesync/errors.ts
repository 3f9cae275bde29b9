/** Typed errors of a state sync (docs/protocol.md §20.5): why a restore stopped, with a sentence. */
import { CodedError } from '../../tokenomics/errors.ts';

export const StateSyncErrorCode = {
  /** No connected peer offers a snapshot above our head. */
  NoSnapshot: 'NoSnapshot',
  /** No offered snapshot's block could be trusted (finality against the genesis file, or --trusted-hash). */
  UntrustedSnapshot: 'UntrustedSnapshot',
  /** Every peer serving the chosen snapshot failed or was banned before all chunks arrived. */
  NoPeersLeft: 'NoPeersLeft',
} as const;
export type StateSyncErrorCode = (typeof StateSyncErrorCode)[keyof typeof StateSyncErrorCode];

export class StateSyncError extends CodedError<StateSyncErrorCode> {}
