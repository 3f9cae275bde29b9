/** Wire names carry the chain id and the protocol version (docs/protocol.md §12). */
import { describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../../../src/chain/protocol-version.ts';
import { protocolNames } from '../../../../src/node/network/protocols.ts';

describe('protocolNames', () => {
  it('ends every topic and protocol with the protocol version, so nodes of other versions never exchange blocks or txs', () => {
    expect(PROTOCOL_VERSION).toBe(6);
    expect(protocolNames('dchat-dev')).toEqual({
      blocksTopic: '/dchat/dchat-dev/blocks/6',
      txsTopic: '/dchat/dchat-dev/txs/6',
      status: '/dchat/dchat-dev/status/6',
      blocksByRange: '/dchat/dchat-dev/blocks-by-range/6',
      snapshotManifest: '/dchat/dchat-dev/snapshot-manifest/6',
      snapshotChunk: '/dchat/dchat-dev/snapshot-chunk/6',
      validatorSets: '/dchat/dchat-dev/validator-sets/6',
    });
  });
});
