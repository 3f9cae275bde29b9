/**
 * Serving state snapshots over libp2p (docs/protocol.md §20; req-resp.ts snapshot-manifest and
 * snapshot-chunk): a validator taking a snapshot every 4 heights and a follower; the follower asks
 * the validator for its newest manifest and every chunk, and checks them against the block it
 * holds itself (§20.3): they are that block's whole state. A height without a snapshot and a chunk
 * index past the manifest are answered NotFound, and nothing else breaks.
 */
import { peerIdFromString } from '@libp2p/peer-id';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChunk, verifyManifest } from '../../../src/chain/snapshot/verify.ts';
import { NetworkErrorCode } from '../../../src/node/network/errors.ts';
import { codeOfAsync } from '../../support/error-code.ts';
import { waitFor } from '../node-client.ts';
import { TestNet } from '../network/harness.ts';

let net: TestNet;

beforeAll(async () => {
  net = await TestNet.create(1, 300n);
  await net.start('a', 0, [], { config: { snapshot_interval: 4, snapshot_keep: 2 } });
  await net.start('b', null, net.bootstrapOf('a'), { config: { snapshot_interval: 0 } });
}, 60_000);
afterAll(async () => net?.close());

describe('snapshots served to a peer', () => {
  it('a follower fetches the newest manifest and every chunk and checks them against its own copy of the block', async () => {
    const a = net.node('a');
    const b = net.node('b');
    const newest = await waitFor('a final snapshot on a, its block on b', async () => {
      const [height] = await a.snapshots.heights();
      return height !== undefined && b.chain.head.header.height >= height ? height : undefined;
    }, 30_000);
    const peer = peerIdFromString(a.network!.peerId);
    const manifest = await b.network!.snapshotManifest(peer, null);
    expect(manifest.height).toBeGreaterThanOrEqual(newest);
    const block = (await b.chain.blockAt(manifest.height))!;
    verifyManifest(manifest, { height: manifest.height, hash: block.hash, stateRoot: block.header.stateRoot });
    let pairs = 0;
    for (let i = 0; i < manifest.chunks.length; i++) pairs += verifyChunk(manifest, i, await b.network!.snapshotChunk(peer, manifest.height, i)).length;
    expect(pairs).toBe(manifest.chunks.reduce((n, c) => n + c.entries, 0));
    // By height too, and refusals for what a does not hold.
    expect((await b.network!.snapshotManifest(peer, manifest.height)).height).toBe(manifest.height);
    expect(await codeOfAsync(b.network!.snapshotManifest(peer, manifest.height + 1n))).toBe(NetworkErrorCode.NotFound);
    expect(await codeOfAsync(b.network!.snapshotChunk(peer, manifest.height, manifest.chunks.length))).toBe(NetworkErrorCode.NotFound);
    // b takes none: it answers NotFound.
    expect(await codeOfAsync(a.network!.snapshotManifest(peerIdFromString(b.network!.peerId), null))).toBe(NetworkErrorCode.NotFound);
  }, 60_000);
});
