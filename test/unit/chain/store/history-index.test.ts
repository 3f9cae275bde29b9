/**
 * The history's filter index (src/chain/store/history-index.ts): a filtered page costs O(limit)
 * store reads however many events do not match (counted at the LevelDB handle, not timed); every
 * filter answers what a scan of the whole history would; a reorg removes exactly the abandoned
 * blocks' entries; a data dir without the index gets it built at open.
 */
import { Level } from 'level';
import { afterEach, describe, expect, it } from 'vitest';
import { sha256 } from '../../../../src/chain/crypto.ts';
import { Bucket, bucketRange } from '../../../../src/chain/store/buckets.ts';
import { ChainStore, type HistoryOptions } from '../../../../src/chain/store/chain-store.ts';
import { accountOf, reasonOf } from '../../../../src/chain/store/history-index.ts';
import { SYSTEM_ACCOUNT_IDS, type TokenEvent } from '../../../../src/tokenomics/index.ts';
import { uuidV5 } from '../../../../src/tokenomics/uuid-v5.ts';
import { removeTempDirs, tempDir as tempDirIn } from '../../../e2e/cli/harness.ts';

const tempDir = (): string => tempDirIn('dchat-history-index-');
afterEach(removeTempDirs);

const NS = new Uint8Array(16);
const id = (name: string): string => uuidV5(name, NS);
const ALICE = id('alice');
const BOB = id('bob');
const POOL = id('pool');

function mint(height: bigint, n: number, reason: 'inflation' | 'governance' | 'airdrop', recipient: string | null): TokenEvent {
  return { kind: 'mint', id: id(`mint:${height}:${n}`), amount: 10n, reason, recipient, poolId: recipient === null ? POOL : null, height, timestampMs: height * 6_000n, txHash: null };
}
function burn(height: bigint, n: number, burner: string): TokenEvent {
  return { kind: 'burn', id: id(`burn:${height}:${n}`), amount: 1n, reason: 'transaction-fee', burner, height, timestampMs: height * 6_000n, txHash: null };
}

/** Block h: one inflation mint to the reserve; every 100th block also a governance mint to Alice, every 7th an airdrop into the pool; burns by Bob. */
function eventsOf(height: bigint): TokenEvent[] {
  const events: TokenEvent[] = [mint(height, 0, 'inflation', SYSTEM_ACCOUNT_IDS.reserve)];
  if (height % 100n === 0n) events.push(mint(height, 1, 'governance', ALICE));
  if (height % 7n === 0n) events.push(mint(height, 2, 'airdrop', null));
  if (height % 3n === 0n) events.push(burn(height, 0, BOB), burn(height, 1, ALICE));
  return events;
}

const blockHash = (height: bigint, branch = 0): Uint8Array => sha256(Buffer.from(`${branch}:${height}`));

async function commit(store: ChainStore, height: bigint, events: TokenEvent[], branch = 0): Promise<void> {
  await store.commitBlock({
    height, hash: blockHash(height, branch), blockBytes: Buffer.from(`${branch}:${height}`), stateRoot: new Uint8Array(32),
    writes: new Map(), undo: new Map(), events, txHashes: [], tree: await store.tree.updateFor(height, new Map()),
  });
}

async function buildChain(store: ChainStore, blocks: bigint): Promise<TokenEvent[]> {
  const all: TokenEvent[] = [];
  for (let h = 0n; h <= blocks; h++) {
    const events = h === 0n ? [] : eventsOf(h);
    await commit(store, h, events);
    all.push(...events);
  }
  return all;
}

/** What a scan of the whole history answers: the reference every index read must match. */
function scan(all: readonly TokenEvent[], kind: TokenEvent['kind'], options: HistoryOptions): TokenEvent[] {
  return all
    .filter((e) => e.kind === kind && (options.reason === undefined || reasonOf(e) === options.reason) && (options.account === undefined || accountOf(e) === options.account))
    .filter((e) => options.beforeHeight === undefined || e.height < options.beforeHeight)
    .reverse()
    .slice(0, options.limit);
}

/** Counts LevelDB reads made through the store's handle: point gets and iterator steps. */
function countReads(store: ChainStore): { gets: number; steps: number } {
  const db = (store as unknown as { db: Level<Uint8Array, Uint8Array> }).db;
  const counts = { gets: 0, steps: 0 };
  const get = db.get.bind(db);
  const iterator = db.iterator.bind(db);
  db.get = ((...args: Parameters<typeof get>) => {
    counts.gets++;
    return get(...args);
  }) as typeof db.get;
  db.iterator = ((...args: Parameters<typeof iterator>) => {
    const it = iterator(...args);
    const next = it.next.bind(it);
    it.next = (() => {
      counts.steps++;
      return next();
    }) as typeof it.next;
    return it;
  }) as typeof db.iterator;
  return counts;
}

async function rawKeys(dir: string, bucket: Bucket): Promise<string[]> {
  const db = new Level<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' });
  await db.open();
  const keys: string[] = [];
  for await (const key of db.keys(bucketRange(bucket))) keys.push(Buffer.from(key).toString('hex'));
  await db.close();
  return keys;
}

describe('history filter index', () => {
  it('a filtered page costs O(limit) reads, however many events do not match', async () => {
    const store = await ChainStore.open(tempDir());
    try {
      await buildChain(store, 3_000n);
      const reads = countReads(store);
      // 3,000 inflation mints stand between the head and the oldest governance mint.
      const page = await store.history('mint', { limit: 1, reason: 'governance', beforeHeight: 101n });
      expect(page.map((e) => [e.height, reasonOf(e)])).toEqual([[100n, 'governance']]);
      // One index step to the entry, one get of its event (a scan would step ~3,400 times).
      expect(reads.steps).toBeLessThanOrEqual(2);
      expect(reads.gets).toBe(1);

      reads.steps = 0;
      reads.gets = 0;
      expect(await store.history('mint', { limit: 5, reason: 'relay-reward' })).toEqual([]);
      expect(reads.steps).toBeLessThanOrEqual(1);
      expect(reads.gets).toBe(0);

      reads.steps = 0;
      reads.gets = 0;
      expect(await store.history('burn', { limit: 20, account: ALICE })).toHaveLength(20);
      expect(reads.steps).toBeLessThanOrEqual(21);
      expect(reads.gets).toBe(20);
    } finally {
      await store.close();
    }
  });

  it('answers every filter as a scan of the whole history would, and pages with a cursor inside a block', async () => {
    const store = await ChainStore.open(tempDir());
    try {
      const all = await buildChain(store, 400n);
      const cases: [TokenEvent['kind'], HistoryOptions][] = [
        ['mint', { limit: 1000 }],
        ['mint', { limit: 3, reason: 'governance' }],
        ['mint', { limit: 1000, reason: 'airdrop' }],
        ['mint', { limit: 1000, account: POOL }],
        ['mint', { limit: 1000, account: ALICE, reason: 'governance' }],
        ['mint', { limit: 1000, account: ALICE, reason: 'inflation' }],
        ['mint', { limit: 1000, account: SYSTEM_ACCOUNT_IDS.reserve, beforeHeight: 50n }],
        ['burn', { limit: 7, account: BOB, beforeHeight: 300n }],
        ['burn', { limit: 1000, reason: 'transaction-fee', account: ALICE }],
        ['distribution', { limit: 10, reason: 'validators' }],
      ];
      // One block's events, by its key range (what a block's JSON carries).
      expect(await store.eventsAt('burn', 3n)).toEqual(eventsOf(3n).filter((e) => e.kind === 'burn'));
      expect(await store.eventsAt('mint', 401n)).toEqual([]);
      for (const [kind, options] of cases) expect(await store.history(kind, options), `${kind} ${Object.entries(options).map(([k, v]) => `${k}=${String(v)}`).join(' ')}`).toEqual(scan(all, kind, options));

      // Pages of 3 burns (blocks hold two burns each): following `next` yields the whole history once.
      for (const filter of [{}, { reason: 'transaction-fee' }]) {
        const paged: TokenEvent[] = [];
        let page = await store.historyPage('burn', { limit: 3, ...filter });
        for (;;) {
          paged.push(...page.events);
          if (page.next === null) break;
          page = await store.historyPage('burn', { limit: 3, ...filter, before: page.next });
        }
        expect(paged).toEqual(scan(all, 'burn', { limit: 10_000 }));
      }
    } finally {
      await store.close();
    }
  });

  it('a reorg removes exactly the abandoned blocks\' index entries in its batch', async () => {
    const dir = tempDir();
    const store = await ChainStore.open(dir);
    await buildChain(store, 10n);
    await store.close();
    const before = await rawKeys(dir, Bucket.HISTORY_INDEX);

    const reopened = await ChainStore.open(dir);
    // Blocks 11 and 12 with governance mints, then a branch from 10 replaces them with one airdrop block.
    await commit(reopened, 11n, [mint(11n, 0, 'governance', ALICE)]);
    await commit(reopened, 12n, [mint(12n, 0, 'governance', BOB), burn(12n, 0, ALICE)]);
    expect(await reopened.history('mint', { limit: 10, reason: 'governance' })).toHaveLength(2);
    const branchEvents = [mint(11n, 0, 'airdrop', BOB)];
    await reopened.commitBranch({
      abandoned: [{ height: 11n, txHashes: [] }, { height: 12n, txHashes: [] }],
      blocks: [{ height: 11n, hash: blockHash(11n, 1), blockBytes: Buffer.from('1:11'), writes: new Map(), undo: new Map(), events: branchEvents, txHashes: [], tree: await reopened.tree.updateFor(11n, new Map()) }],
      writes: new Map(),
      head: { height: 11n, hash: blockHash(11n, 1), stateRoot: new Uint8Array(32) },
    });
    expect(await reopened.history('mint', { limit: 10, reason: 'governance' })).toEqual([]);
    expect(await reopened.history('burn', { limit: 10, account: ALICE, beforeHeight: 13n })).toEqual(scan(eventsOf10(), 'burn', { limit: 10, account: ALICE }));
    expect(await reopened.history('mint', { limit: 10, account: BOB })).toEqual(branchEvents);
    await reopened.close();
    const after = await rawKeys(dir, Bucket.HISTORY_INDEX);
    // What is left is the old index plus the branch block's three entries (reason, account, both).
    expect(after.filter((k) => !before.includes(k))).toHaveLength(3);
    expect(before.filter((k) => !after.includes(k))).toEqual([]);
  });

  it('a data dir written without the index gets it built once at open', async () => {
    const dir = tempDir();
    const store = await ChainStore.open(dir);
    const all = await buildChain(store, 250n);
    await store.close();
    const indexed = await rawKeys(dir, Bucket.HISTORY_INDEX);
    // Remove the index and its marker, as a data dir of an older node has neither.
    const db = new Level<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' });
    await db.open();
    await db.clear(bucketRange(Bucket.HISTORY_INDEX));
    await db.del(Buffer.concat([Uint8Array.of(Bucket.META), Buffer.from('history-index', 'ascii')]));
    await db.close();

    const upgraded = await ChainStore.open(dir);
    expect(upgraded.historyIndexBuiltEvents).toBe(all.length);
    expect(await upgraded.history('mint', { limit: 100, reason: 'governance' })).toEqual(scan(all, 'mint', { limit: 100, reason: 'governance' }));
    await upgraded.close();
    expect(await rawKeys(dir, Bucket.HISTORY_INDEX)).toEqual(indexed);
    const again = await ChainStore.open(dir);
    expect(again.historyIndexBuiltEvents).toBe(0);
    await again.close();
  });
});

/** The events of blocks 1..10 (what the reorg test keeps). */
function eventsOf10(): TokenEvent[] {
  const out: TokenEvent[] = [];
  for (let h = 1n; h <= 10n; h++) out.push(...eventsOf(h));
  return out;
}
