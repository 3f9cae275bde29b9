/**
 * A pruned node on loopback (docs/protocol.md §20.6): one validator (archive) at 60 ms blocks and a
 * follower keeping the last 100 blocks. Past 100 blocks the follower refuses ranges that start
 * below its earliest block with a typed not-found (no empty answer a syncing node would take for a
 * short chain), still serves recent blocks and its state snapshots, answers Pruned (410) on the
 * API, and a fresh node that replays from genesis (--sync full) with both as peers gets there
 * from the archive validator without banning the pruned one.
 */
import { peerIdFromString } from '@libp2p/peer-id';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '../../../src/chain/crypto.ts';
import { NetworkErrorCode } from '../../../src/node/network/errors.ts';
import { codeOfAsync } from '../../support/error-code.ts';
import { waitFor } from '../node-client.ts';
import { TestNet } from '../network/harness.ts';

const KEEP = 100;
let net: TestNet;

beforeAll(async () => {
  net = await TestNet.create(1, 60n);
  await net.start('v0', 0, [], { config: { snapshot_interval: 0 } });
  await net.start('pruned', null, net.bootstrapOf('v0'), { config: { prune: KEEP, snapshot_interval: 20, sync: 'full' } });
  await waitFor('the pruned node past its window by 40 blocks', async () => net.node('pruned').chain.baseHeight >= 40n, 90_000);
}, 120_000);
afterAll(async () => net?.close());

describe('a pruned peer', () => {
  it('refuses old ranges typed, serves recent blocks and snapshots, and a full sync still completes from the archive peer', async () => {
    const pruned = net.node('pruned');
    const v0 = net.node('v0');
    const base = pruned.chain.baseHeight;
    expect(await pruned.chain.store.earliestHeight()).toBe(base);
    expect(pruned.chain.head.header.height - base).toBeLessThanOrEqual(BigInt(KEEP) + 8n);
    const api = await fetch(`${pruned.apiUrl}/v1/blocks/${base - 1n}`);
    expect(api.status).toBe(410);
    expect(((await api.json()) as { code: string }).code).toBe('Pruned');
    // A tx it cannot find may be in a pruned block: Pruned there, NotFound on the archive validator.
    const noTx = 'ab'.repeat(32);
    const txAnswer = async (url: string): Promise<[number, string]> => {
      const r = await fetch(`${url}/v1/txs/${noTx}`);
      return [r.status, ((await r.json()) as { code: string }).code];
    };
    expect(await txAnswer(pruned.apiUrl)).toEqual([410, 'Pruned']);
    expect(await txAnswer(net.node('v0').apiUrl)).toEqual([404, 'NotFound']);
    // History: a page wholly below the base is Pruned; the last page says where the history starts.
    const old = await fetch(`${pruned.apiUrl}/v1/history/mints?before_height=${base}`);
    expect([old.status, ((await old.json()) as { code: string }).code]).toEqual([410, 'Pruned']);
    const last = await fetch(`${pruned.apiUrl}/v1/history/mints?limit=500`);
    expect(last.status).toBe(200);
    expect(BigInt(last.headers.get('x-history-from-height')!)).toBeGreaterThanOrEqual(base);
    const info = (await (await fetch(`${pruned.apiUrl}/v1/node`)).json()) as { earliest_height: string };
    expect(BigInt(info.earliest_height)).toBeGreaterThanOrEqual(base);

    const fresh = await net.start('fresh', null, [...net.bootstrapOf('pruned'), ...net.bootstrapOf('v0')], { config: { sync: 'full', snapshot_interval: 0 } });
    const prunedPeer = peerIdFromString(pruned.network!.peerId);
    // Old ranges: a typed refusal. Recent ones and snapshots: served.
    await waitFor('fresh connected to the pruned node', async () => fresh.network!.peers().some((p) => p.peerId === pruned.network!.peerId), 20_000);
    expect(await codeOfAsync(fresh.network!.blocksByRange(prunedPeer, { startHeight: 1n, count: 4n }))).toBe(NetworkErrorCode.NotFound);
    const recentFrom = pruned.chain.baseHeight + 1n;
    const recent = await fresh.network!.blocksByRange(prunedPeer, { startHeight: recentFrom, count: 3n });
    expect(recent.map((b) => b.header.height)).toEqual([recentFrom, recentFrom + 1n, recentFrom + 2n]);
    const manifest = await fresh.network!.snapshotManifest(prunedPeer, null);
    expect(manifest.height).toBeGreaterThanOrEqual(base);

    // Full replay from genesis: only the archive validator can serve it, and it does.
    await waitFor('the fresh node on the validator\'s head', async () => {
      const h = fresh.chain.head.header.height;
      const ours = h > base + 20n ? await v0.chain.blockAt(h) : null;
      return ours !== null && toHex(ours.hash) === toHex(fresh.chain.head.hash);
    }, 90_000);
    expect(await fresh.chain.blockAt(1n)).not.toBeNull();
    expect(fresh.chain.baseHeight).toBe(0n);
    expect(fresh.network!.isBanned(pruned.network!.peerId)).toBe(false);
  }, 180_000);
});
