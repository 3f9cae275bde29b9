/**
 * Names on the wire. Every topic and protocol carries the chain id, so nodes of two chains that
 * happen to connect never exchange blocks or transactions; the trailing number is the version of
 * the message format.
 */
export interface ProtocolNames {
  readonly blocksTopic: string;
  readonly txsTopic: string;
  readonly status: string;
  readonly blocksByRange: string;
}

export function protocolNames(chainId: string): ProtocolNames {
  const id = encodeURIComponent(chainId);
  return {
    blocksTopic: `/dchat/${id}/blocks/1`,
    txsTopic: `/dchat/${id}/txs/1`,
    status: `/dchat/${id}/status/1`,
    blocksByRange: `/dchat/${id}/blocks-by-range/1`,
  };
}
