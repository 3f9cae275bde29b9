/**
 * A validator cut off from the other two (Network.block, the hook partition tests use) builds a
 * branch of its own in its slots while the pair builds a longer one. When the cut is lifted, it
 * finds the pair's head by status, syncs back past the fork point (range sync steps back until a
 * batch connects), and the chain's fork choice moves it onto the longer branch. (The 2/2
 * partition, with its tie-breaking, is the fork-choice suite's.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '../../../src/chain/crypto.ts';
import { waitFor } from '../node-client.ts';
import { TestNet, canonicalBlocks, height, waitForSameHead } from './harness.ts';

let net: TestNet;

beforeAll(async () => {
  net = await TestNet.create(3, 500n);
  await net.startValidators(3);
});

afterAll(async () => {
  await net?.close();
});

describe('a validator cut off from the majority', () => {
  it('builds its own branch, then reorgs onto the longer one when it can reach its peers again', async () => {
    const [v0, v1, v2] = ['v0', 'v1', 'v2'].map((n) => net.node(n)) as [ReturnType<TestNet['node']>, ReturnType<TestNet['node']>, ReturnType<TestNet['node']>];
    const forkPoint = await waitForSameHead([v0, v1, v2], 3);
    const ids = [v0, v1, v2].map((n) => n.network!.peerId) as [string, string, string];
    await Promise.all([v2.network!.block(ids[0]), v2.network!.block(ids[1]), v0.network!.block(ids[2]), v1.network!.block(ids[2])]);

    const loneKey = v2.chain.validators()[2]!.publicKey;
    // The lone validator adds blocks of its own; the pair gets further ahead.
    await waitFor('a lone branch and a longer majority branch', async () =>
      height(v2) >= forkPoint + 2 && height(v0) >= height(v2) + 2 && height(v1) === height(v0), 30_000);
    const lone = await canonicalBlocks(v2, forkPoint + 1, height(v2));
    expect(lone.every((b) => b.header.proposer === loneKey)).toBe(true);

    for (const node of [v0, v1]) node.network!.unblock(ids[2]);
    v2.network!.unblock(ids[0]);
    v2.network!.unblock(ids[1]);
    const target = height(v0);
    await waitForSameHead([v0, v1, v2], target + 1, 30_000);
    // v2 now stands on the majority branch: its lone blocks are gone from its canonical chain.
    const [atFork] = await canonicalBlocks(v2, forkPoint + 1, forkPoint + 1);
    const [majority] = await canonicalBlocks(v0, forkPoint + 1, forkPoint + 1);
    expect(toHex(atFork!.hash)).toBe(toHex(majority!.hash));
    expect(v2.network!.syncStatus().blocksSynced).toBeGreaterThan(0);
  });
});
