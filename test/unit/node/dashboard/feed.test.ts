/**
 * The dashboard feed on real chains: what it records live equals what a later start rebuilds from
 * the store (the backfill walks totals back from the head), also across a reorg, whose blocks are
 * announced only after the whole branch is committed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Chain } from '../../../../src/chain/chain.ts';
import { ChainStore } from '../../../../src/chain/store/chain-store.ts';
import { DashboardFeed, type FeedOptions } from '../../../../src/node/dashboard/feed.ts';
import { createLogger } from '../../../../src/node/logger.ts';
import { waitFor } from '../../../integration/node-client.ts';
import { DEV, USER, VALIDATORS, signed, testGenesisConfig } from '../../chain/chain-fixture.ts';

const logger = createLogger('silent', false);
const dirs: string[] = [];
const chains: Chain[] = [];
const key = (i: number) => ({ publicKey: VALIDATORS[i]!.hex, secretKey: VALIDATORS[i]!.secretKey });
const LIVE: FeedOptions = { capacity: 1000, backfillBlocks: 0, recentBlocks: 10, recentTxs: 10 };
const BACKFILL: FeedOptions = { ...LIVE, backfillBlocks: 1000 };

async function openChain(validators = 1): Promise<Chain> {
  const dir = mkdtempSync(join(tmpdir(), 'dchat-feed-'));
  dirs.push(dir);
  const chain = await Chain.open({ store: await ChainStore.open(dir), genesis: testGenesisConfig(validators), logger });
  chains.push(chain);
  return chain;
}

async function rebuilt(chain: Chain): Promise<DashboardFeed> {
  const feed = new DashboardFeed(chain, logger, BACKFILL);
  feed.start();
  await waitFor('the backfill', async () => feed.backfillStatus.state === 'done');
  return feed;
}

const fromHeight = (feed: DashboardFeed, height: bigint) => feed.series.sample(1000).filter((p) => p.height >= height);

afterAll(async () => {
  for (const chain of chains) await chain.store.close().catch(() => undefined);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('dashboard feed', () => {
  it('rebuilds from the store exactly what it recorded live: totals, per-block mints and burns, latest txs', async () => {
    const chain = await openChain();
    const live = new DashboardFeed(chain, logger, LIVE);
    live.start();
    for (let slot = 1n; slot <= 6n; slot++) {
      if (slot % 2n === 0n) await chain.submitTx(signed(DEV, slot / 2n - 1n, { type: 'transfer', to: USER.wallet, amount: 1_000n * slot }).bytes);
      await chain.produce(slot, key(0));
    }
    const recorded = live.series.sample(1000);
    expect(recorded.map((p) => p.height)).toEqual([1n, 2n, 3n, 4n, 5n, 6n]);
    expect(recorded.map((p) => p.burned)).toEqual([0n, 20n, 0n, 40n, 0n, 60n]); // 1 % of 2,000, 4,000, 6,000
    expect(recorded.at(-1)!.supply).toBe(recorded.at(-1)!.totalMinted - recorded.at(-1)!.totalBurned);

    const again = await rebuilt(chain);
    expect(again.series.first()!.height).toBe(0n); // genesis too
    expect(fromHeight(again, 1n)).toEqual(recorded);
    expect(again.recent.latestTxs(10)).toEqual(live.recent.latestTxs(10));
    expect(again.recent.latestBlocks(6)).toEqual(live.recent.latestBlocks(6));
    const [tx] = again.recent.latestTxs(1);
    expect(tx).toMatchObject({ type: 'transfer', from: DEV.wallet, to: USER.wallet, amount: 6_000n, burned: 60n, height: 6n });
    await live.close();
    await again.close();
  });

  it('after a reorg, each block of the new branch carries its own totals', async () => {
    const a = await openChain(3);
    const b = await openChain(3);
    const live = new DashboardFeed(a, logger, LIVE);
    live.start();
    await a.submitTx(signed(DEV, 0n, { type: 'transfer', to: USER.wallet, amount: 1_000n }).bytes);
    await a.produce(1n, key(1));
    await a.produce(2n, key(2));
    // a longer branch from genesis, with a different burn
    await b.submitTx(signed(DEV, 0n, { type: 'transfer', to: USER.wallet, amount: 3_000n }).bytes);
    const branch = [await b.produce(3n, key(0)), await b.produce(4n, key(1)), await b.produce(5n, key(2))];
    for (const block of branch) await a.importBlock(block, 1_000_000n);
    expect(a.head.header.height).toBe(3n);

    const recorded = live.series.sample(1000);
    expect(recorded.map((p) => p.height)).toEqual([1n, 2n, 3n]);
    expect(recorded.map((p) => p.burned)).toEqual([30n, 0n, 0n]);
    const again = await rebuilt(a);
    expect(fromHeight(again, 1n)).toEqual(recorded);
    await live.close();
    await again.close();
  });
});
