/**
 * Snapshot state sync on loopback (docs/protocol.md §20.5): three validators at 150 ms blocks take
 * a snapshot every 10 heights in chunks of ~4 pairs (so a snapshot has several chunks); the long
 * run (`npm run test:statesync`: DCHAT_STATESYNC_HEIGHT 3000 at DCHAT_STATESYNC_BLOCK_MS 60) lets
 * the chain grow to thousands of blocks first. A peer
 * that offers the validators' own newest snapshot but flips a byte of every chunk it serves is
 * caught at its first chunk and banned, and a fresh node still joins from the honest peers: its
 * store begins at the snapshot's block, its `/v1/sync` says how it got there, and it then imports
 * every block after it and stands on the validators' head, state root for state root.
 */
import { peerIdFromString } from '@libp2p/peer-id';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '../../../src/chain/crypto.ts';
import type { DchatNode } from '../../../src/node/node.ts';
import { waitFor } from '../node-client.ts';
import { TestNet } from '../network/harness.ts';
import { writeReport } from '../../reliability/support/report.ts';

const HEIGHT = BigInt(process.env.DCHAT_STATESYNC_HEIGHT ?? '30');
const BLOCK_MS = BigInt(process.env.DCHAT_STATESYNC_BLOCK_MS ?? '150');
// Kept for a while (the files are tiny): a restore slowed by a busy machine still finds its snapshot served.
const SNAPSHOTS = { snapshot_interval: 10, snapshot_keep: 50, snapshot_chunk_pairs: 4 };
const longRun = Number(HEIGHT * BLOCK_MS) * 3;

let net: TestNet;

/** Serves `source`'s snapshots, every chunk with its last byte flipped. */
function forgeChunks(liar: DchatNode, source: DchatNode): void {
  const taker = liar.snapshots as unknown as { manifest: unknown; chunk: unknown; heights: unknown };
  taker.heights = () => source.snapshots.heights();
  taker.manifest = (height: bigint | null) => source.snapshots.manifest(height);
  taker.chunk = async (height: bigint, index: number) => {
    const bytes = await source.snapshots.chunk(height, index);
    if (bytes === null) return null;
    const forged = Uint8Array.from(bytes);
    forged[forged.length - 1]! ^= 1;
    return forged;
  };
}

beforeAll(async () => {
  net = await TestNet.create(3, BLOCK_MS);
  await net.start('v0', 0, [], { config: SNAPSHOTS });
  for (const i of [1, 2]) await net.start(`v${i}`, i, net.bootstrapOf('v0'), { config: SNAPSHOTS });
  await waitFor(`a final snapshot at height ${HEIGHT} or more on v0`, async () => ((await net.node('v0').snapshots.heights())[0] ?? 0n) >= HEIGHT, 60_000 + longRun);
  const liar = await net.start('liar', null, net.bootstrapOf('v0'), { config: { snapshot_interval: 0, sync: 'full' } });
  forgeChunks(liar, net.node('v0'));
}, 90_000 + longRun);
afterAll(async () => net?.close());

describe('snapshot state sync', () => {
  it('a fresh node restores a snapshot despite a forging peer, bans it, and then follows block by block', async () => {
    const v0 = net.node('v0');
    const liar = net.node('liar');
    const joinedAt = Date.now();
    const joiner = await net.start('joiner', null, [...net.bootstrapOf('liar'), ...net.bootstrapOf('v0')], { config: { snapshot_interval: 0 } });
    let last: unknown = null;
    const restored = await waitFor('the joiner restored a snapshot', async () => {
      const progress = joiner.network!.syncStatus().snapshot;
      last = progress;
      return progress?.phase === 'done' ? progress : undefined;
    }, 60_000).catch((err: Error) => {
      throw new Error(`${err.message}; its last progress: ${JSON.stringify(last, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}`);
    });
    const restoreMs = Date.now() - joinedAt;
    expect(restored.chunksTotal).toBeGreaterThan(1);
    const base = await joiner.chain.store.earliestHeight();
    expect(base).toBe(restored.height);
    expect(base!).toBeGreaterThanOrEqual(HEIGHT);
    // No block below the snapshot's was replayed (the genesis block stays, as every node's has).
    expect(await joiner.chain.blockAt(base! - 1n)).toBeNull();
    expect(toHex((await joiner.chain.blockAt(base!))!.hash)).toBe(toHex((await v0.chain.blockAt(base!))!.hash));
    // The forger was caught at its chunk and banned; the honest peers served the rest.
    expect(joiner.network!.isBanned(liar.network!.peerId)).toBe(true);
    expect(joiner.network!.isBanned(v0.network!.peerId)).toBe(false);

    // After the snapshot, range sync and gossip: the joiner imports every later block and agrees.
    const target = v0.chain.head.header.height + 10n;
    let behind = '';
    await waitFor('the joiner past the validators\' head of the restore, on their chain', async () => {
      const h = joiner.chain.head.header.height;
      behind = `joiner at ${h}, v0 at ${v0.chain.head.header.height}, peers ${JSON.stringify(joiner.network!.peers().map((p) => [p.peerId.slice(-6), p.score]))}, banned by v0: ${v0.network!.isBanned(joiner.network!.peerId)}, sync ${JSON.stringify(joiner.network!.syncStatus(), (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}`;
      if (h < target) return undefined;
      const ours = await v0.chain.blockAt(h);
      return ours !== null && toHex(ours.hash) === toHex(joiner.chain.head.hash) && toHex(ours.header.stateRoot) === toHex(joiner.chain.head.header.stateRoot);
    }, 60_000).catch((err: Error) => {
      throw new Error(`${err.message}: ${behind}`);
    });
    // Its state is the validators' state, key for key.
    const at = joiner.chain.head.header.height;
    await waitFor('v0 past the compared height', async () => v0.chain.head.header.height > at + 2n, 20_000);
    const wallet = [...joiner.chain.state.keysWithPrefix('account:')][0]!;
    const proof = await joiner.chain.proveState(new TextEncoder().encode(wallet), at);
    const theirs = await v0.chain.proveState(new TextEncoder().encode(wallet), at);
    expect(toHex(proof.blockHash)).toBe(toHex(theirs.blockHash));
    const sync = joiner.network!.syncStatus();
    expect(sync.phase).not.toBe('snapshot');
    writeReport('state-sync', {
      snapshotHeight: Number(base), chainHeight: Number(target - 10n), chunks: restored.chunksTotal, stateKeys: joiner.chain.state.size,
      restoreMs, forgerBanned: true, followedTo: Number(at),
    });
    // The peer id parses: the ban is of a real libp2p peer, not a test artefact.
    expect(peerIdFromString(liar.network!.peerId).toString()).toBe(liar.network!.peerId);
  }, 120_000);
});
