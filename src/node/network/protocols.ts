/**
 * Names on the wire. Every topic and protocol carries the chain id, so nodes of two chains that
 * happen to connect never exchange blocks or transactions; the trailing number is the protocol
 * version (src/chain/protocol-version.ts, docs/protocol.md §12), so nodes that would compute
 * different states do not exchange them either.
 */
import { PROTOCOL_VERSION } from '../../chain/protocol-version.ts';

export interface ProtocolNames {
  readonly blocksTopic: string;
  readonly txsTopic: string;
  readonly status: string;
  readonly blocksByRange: string;
  /** A final state snapshot's manifest (docs/protocol.md §20), and one of its chunks. */
  readonly snapshotManifest: string;
  readonly snapshotChunk: string;
  /** The validator set changes above a height, each with its anchor (docs/protocol.md §19.1): a state sync's finality check follows them. */
  readonly validatorSets: string;
}

export function protocolNames(chainId: string): ProtocolNames {
  const id = encodeURIComponent(chainId);
  return {
    blocksTopic: `/dchat/${id}/blocks/${PROTOCOL_VERSION}`,
    txsTopic: `/dchat/${id}/txs/${PROTOCOL_VERSION}`,
    status: `/dchat/${id}/status/${PROTOCOL_VERSION}`,
    blocksByRange: `/dchat/${id}/blocks-by-range/${PROTOCOL_VERSION}`,
    snapshotManifest: `/dchat/${id}/snapshot-manifest/${PROTOCOL_VERSION}`,
    snapshotChunk: `/dchat/${id}/snapshot-chunk/${PROTOCOL_VERSION}`,
    validatorSets: `/dchat/${id}/validator-sets/${PROTOCOL_VERSION}`,
  };
}
