import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Level } from 'level';
import { afterEach, describe, expect, it } from 'vitest';
import { pack } from '../../../../src/chain/codec/msgpack.ts';
import { sha256 } from '../../../../src/chain/crypto.ts';
import { ChainErrorCode } from '../../../../src/chain/errors.ts';
import { encodeEvent } from '../../../../src/chain/codec/events.ts';
import { stateKeyBytes } from '../../../../src/chain/codec/state.ts';
import { proveKeys } from '../../../../src/chain/state-tree/index.ts';
import { loadedNode } from '../../../../src/chain/state-tree/node-record.ts';
import { decodeStaleList, legacyList } from '../../../../src/chain/state-tree/stale-list.ts';
import { Bucket, bucketKey, bucketRange, heightBytes, indexBytes, keyHeight } from '../../../../src/chain/store/buckets.ts';
import { decodeTreeRoot } from '../../../../src/chain/store/tree-root-record.ts';
import { encodeStateProof } from '../../../../src/light/index.ts';
import { COMPACT_EVENT_RECORD } from '../../../../src/chain/store/event-records.ts';
import { ChainStore, type CommitInput } from '../../../../src/chain/store/chain-store.ts';
import {
  type Account,
  type MemoryState,
  SYSTEM_ACCOUNT_IDS,
  type TokenEvent,
  type TxInput,
  accountKey,
  applyBlock,
  buildGenesisState,
  defaultGenesis,
  walletIdFromPublicKey,
} from '../../../../src/tokenomics/index.ts';

const VALIDATOR = 'aa'.repeat(32);
const AUTHORITY = 'bb'.repeat(32);
const USER = 'cc'.repeat(32);
const USER_WALLET = walletIdFromPublicKey(USER);
const GENESIS_TIME = 1_767_225_600_000n;

const config = defaultGenesis({
  chainId: 'dchat-store-test',
  genesisTimeMs: GENESIS_TIME,
  validators: [{ publicKey: VALIDATOR, rewardWallet: walletIdFromPublicKey(VALIDATOR) }],
  authority: [AUTHORITY],
});

const tx = (n: number, signer: string, nonce: bigint, op: TxInput['op']): TxInput => ({ hash: n.toString(16).padStart(2, '0').repeat(32), signer, nonce, op });

/** Transactions of blocks 1..4; block 3 is empty (inflation and the schedule's payout only). */
const BLOCK_TXS: TxInput[][] = [
  [
    tx(1, AUTHORITY, 0n, { type: 'transfer-from-system', fromAccount: SYSTEM_ACCOUNT_IDS.treasury, to: USER_WALLET, amount: 1_000_000n }),
    tx(2, AUTHORITY, 1n, { type: 'create-schedule', recipientType: 'validators', amountPerInterval: 10n, intervalBlocks: 1n, startBlock: null, durationBlocks: null, poolId: null }),
  ],
  [
    tx(3, USER, 0n, { type: 'burn', amount: 500n, reason: 'voluntary', account: null }),
    tx(4, AUTHORITY, 2n, { type: 'burn', amount: 700n, reason: 'deflation', account: SYSTEM_ACCOUNT_IDS.treasury }),
  ],
  [],
  [tx(5, AUTHORITY, 3n, { type: 'mint', amount: 1_234n, reason: 'airdrop', recipient: null })],
];

const HISTORY_BUCKET = { mint: Bucket.MINT, burn: Bucket.BURN, distribution: Bucket.DISTRIBUTION } as const;

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dchat-store-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

interface Built {
  /** The in-memory state after the last block. */
  readonly state: MemoryState;
  /** The genesis state, before any block. */
  readonly genesisState: MemoryState;
  readonly commits: CommitInput[];
}

/** Commits genesis and `blocks` blocks the way the chain does: apply, commit in memory, commit to the store. */
async function buildChain(store: ChainStore, blocks = BLOCK_TXS.length): Promise<Built> {
  const genesis = buildGenesisState(config);
  const state = genesis.state.clone();
  const commits: CommitInput[] = [];
  // The state root each block stores is its state tree's (docs/protocol.md §7).
  const commit = async (input: Omit<CommitInput, 'hash' | 'blockBytes' | 'tree' | 'stateRoot'>) => {
    const blockBytes = pack([Number(input.height)]);
    const tree = await store.tree.updateFor(input.height, input.writes);
    const full = { ...input, blockBytes, hash: sha256(blockBytes), tree, stateRoot: tree.root.hash };
    await store.commitBlock(full);
    commits.push(full);
  };
  await commit({ height: 0n, writes: genesis.writes, undo: new Map(), events: genesis.events, txHashes: [] });
  for (const [i, txs] of BLOCK_TXS.slice(0, blocks).entries()) {
    const height = BigInt(i + 1);
    const outcome = applyBlock(state, { height, timestampMs: GENESIS_TIME + height * 6_000n }, txs);
    const undo = state.commit(outcome.writes);
    await commit({ height, writes: outcome.writes, undo, events: outcome.events, txHashes: txs.map((t) => Buffer.from(t.hash, 'hex')) });
  }
  return { state, genesisState: genesis.state, commits };
}

/** Every event of `kind` the commits carried, newest first (the store's history order). */
function expectedHistory(commits: readonly CommitInput[], kind: TokenEvent['kind']): TokenEvent[] {
  return commits.flatMap((c) => c.events.filter((e) => e.kind === kind)).reverse();
}

async function withStore<T>(dir: string, use: (store: ChainStore) => Promise<T>): Promise<T> {
  const store = await ChainStore.open(dir);
  try {
    return await use(store);
  } finally {
    await store.close();
  }
}

/** Writes raw bytes under a store key through a second handle, as damage on disk would. */
async function rawPut(dir: string, key: Uint8Array, value: Uint8Array): Promise<void> {
  const db = new Level<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' });
  await db.open();
  await db.put(key, value);
  await db.close();
}

describe('ChainStore', () => {
  it('starts empty: no head, no state, no history', async () => {
    await withStore(tempDir(), async (store) => {
      expect(await store.head()).toBeNull();
      expect((await store.loadState()).size).toBe(0);
      expect(await store.history('mint', { limit: 10 })).toEqual([]);
      expect(await store.hashAtHeight(0n)).toBeNull();
      expect(await store.blockByHeight(0n)).toBeNull();
      expect(await store.loadPending()).toEqual([]);
    });
  });

  it('reopens at the last committed block with exactly the in-memory state', async () => {
    const dir = tempDir();
    const built = await withStore(dir, (store) => buildChain(store));
    const last = built.commits.at(-1)!;
    await withStore(dir, async (store) => {
      expect(await store.head()).toEqual({ height: 4n, hash: Uint8Array.from(last.hash), stateRoot: Uint8Array.from(last.stateRoot) });
      const loaded = await store.loadState();
      expect(loaded.sortedEntries()).toEqual(built.state.sortedEntries());
      expect(loaded.get(accountKey(USER_WALLET))).toEqual(built.state.get(accountKey(USER_WALLET)));
      for (const c of built.commits) {
        expect(Buffer.from((await store.hashAtHeight(c.height))!)).toEqual(Buffer.from(c.hash));
        expect(Buffer.from((await store.blockByHeight(c.height))!)).toEqual(Buffer.from(c.blockBytes));
        expect(Buffer.from((await store.blockByHash(c.hash))!)).toEqual(Buffer.from(c.blockBytes));
      }
      expect(await store.hashAtHeight(5n)).toBeNull();
      expect(await store.blockByHeight(-1n)).toBeNull();
      expect(await store.blockByHash(new Uint8Array(32))).toBeNull();
    });
  });

  it('serves history newest first, with limit, reason filter and beforeHeight', async () => {
    await withStore(tempDir(), async (store) => {
      const { commits } = await buildChain(store);
      for (const kind of ['mint', 'burn', 'distribution'] as const) {
        const all = expectedHistory(commits, kind);
        expect(all.length).toBeGreaterThan(0);
        expect(await store.history(kind, { limit: 1_000 })).toEqual(all);
        expect(await store.history(kind, { limit: 2 })).toEqual(all.slice(0, 2));
      }
      const mints = expectedHistory(commits, 'mint');
      const airdrop = await store.history('mint', { limit: 10, reason: 'airdrop' });
      expect(airdrop).toHaveLength(1);
      expect(airdrop[0]).toMatchObject({ reason: 'airdrop', amount: 1_234n, height: 4n, txHash: '05'.repeat(32) });
      // Genesis mints are the oldest: a reason filter must reach past every later event.
      const genesisMints = mints.filter((e) => e.kind === 'mint' && e.reason === 'genesis');
      expect(genesisMints.length).toBeGreaterThan(1);
      expect(await store.history('mint', { limit: 100, reason: 'genesis' })).toEqual(genesisMints);
      expect(await store.history('mint', { limit: 1, reason: 'inflation' })).toEqual([mints.find((e) => e.kind === 'mint' && e.reason === 'inflation')]);

      const burns = await store.history('burn', { limit: 100 });
      expect(new Set(burns.map((e) => (e.kind === 'burn' ? e.reason : '')))).toEqual(new Set(['transaction-fee', 'voluntary', 'fee', 'deflation']));
      expect(await store.history('burn', { limit: 100, reason: 'deflation' })).toMatchObject([{ amount: 700n, height: 2n }]);

      // Distributions filter by recipient type (they have no reason).
      const paid = await store.history('distribution', { limit: 100, reason: 'validators' });
      expect(paid.map((e) => e.height)).toEqual([4n, 3n, 2n]);
      expect(await store.history('distribution', { limit: 100, reason: 'treasury' })).toEqual([]);

      // Paging backwards: only blocks strictly below beforeHeight.
      expect(await store.history('distribution', { limit: 100, beforeHeight: 4n })).toEqual(paid.slice(1));
      expect(await store.history('mint', { limit: 100, beforeHeight: 1n })).toEqual(genesisMints);
      expect(await store.history('mint', { limit: 100, beforeHeight: 0n })).toEqual([]);
      expect(await store.history('mint', { limit: 0 })).toEqual([]);
    });
  });

  it('serves history whose records an older node wrote (canonical event encoding) alongside its own', async () => {
    const dir = tempDir();
    const { commits } = await withStore(dir, (store) => buildChain(store));
    // The events of blocks 0..2 rewritten as a node before the compact records stored them.
    const db = new Level<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' });
    await db.open();
    let rewritten = 0;
    for (const c of commits.filter((commit) => commit.height <= 2n)) {
      const next = { mint: 0, burn: 0, distribution: 0 };
      for (const event of c.events) {
        const key = bucketKey(HISTORY_BUCKET[event.kind], heightBytes(c.height), indexBytes(next[event.kind]++));
        expect((await db.get(key))?.[0]).toBe(COMPACT_EVENT_RECORD);
        await db.put(key, encodeEvent(event));
        rewritten++;
      }
    }
    await db.close();
    expect(rewritten).toBeGreaterThan(3);
    await withStore(dir, async (store) => {
      for (const kind of ['mint', 'burn', 'distribution'] as const) expect(await store.history(kind, { limit: 1_000 })).toEqual(expectedHistory(commits, kind));
      expect(await store.history('burn', { limit: 100, reason: 'deflation' })).toMatchObject([{ amount: 700n, height: 2n }]);
    });
  });

  it('opens a data dir whose tree records an older node wrote: same roots, proofs and next update as with compact ones', async () => {
    const compact = tempDir();
    const legacy = tempDir();
    const { commits, state } = await withStore(compact, (store) => buildChain(store));
    await withStore(legacy, (store) => buildChain(store));
    // Every tree node, stale and root record of the second dir rewritten in the layouts before the compact ones.
    const db = new Level<Uint8Array, Uint8Array>(legacy, { keyEncoding: 'view', valueEncoding: 'view' });
    await db.open();
    const rewritten = { nodes: 0, stale: 0, roots: 0 };
    for await (const [key, value] of db.iterator(bucketRange(Bucket.TREE_NODE))) {
      const fixed = loadedNode(key.subarray(1), value);
      if (fixed !== value) rewritten.nodes++;
      await db.put(key, Uint8Array.from(fixed));
    }
    for await (const [key, value] of db.iterator(bucketRange(Bucket.TREE_STALE))) {
      await db.put(key, legacyList(decodeStaleList(keyHeight(key.subarray(1)), value)));
      rewritten.stale++;
    }
    for await (const [key, value] of db.iterator(bucketRange(Bucket.TREE_ROOT))) {
      const root = decodeTreeRoot(value, keyHeight(key.subarray(1)));
      await db.put(key, pack([root.hash, root.ref === null ? null : [root.ref.kind, root.ref.version, root.ref.hash]]));
      rewritten.roots++;
    }
    await db.close();
    expect(rewritten.nodes).toBeGreaterThan(10);
    expect(rewritten.stale).toBeGreaterThan(0);
    expect(rewritten.roots).toBe(commits.length);

    const head = commits.at(-1)!;
    const keys = [accountKey(USER_WALLET), 'meta:supply', 'account:absent'].map(stateKeyBytes);
    const next: CommitInput['writes'] = new Map([[accountKey(USER_WALLET), { ...(state.get(accountKey(USER_WALLET)) as Account), balance: 1n }]]);
    const seen = await Promise.all([compact, legacy].map((dir) =>
      withStore(dir, async (store) => {
        const roots = await Promise.all(commits.map(async (c) => Buffer.from((await store.tree.rootAt(c.height))!.hash).toString('hex')));
        const root = (await store.tree.rootAt(head.height))!;
        const proofs = (await proveKeys(store.tree.reader, root, keys)).map((p) => Buffer.from(encodeStateProof(p.proof)).toString('hex'));
        const update = await store.tree.updateFor(head.height + 1n, next);
        return { roots, proofs, next: Buffer.from(update.root.hash).toString('hex') };
      }),
    ));
    expect(seen[0]!.roots).toEqual(commits.map((c) => Buffer.from(c.stateRoot).toString('hex')));
    expect(seen[1]).toEqual(seen[0]);
  });

  it('indexes every included tx by hash', async () => {
    await withStore(tempDir(), async (store) => {
      await buildChain(store);
      const at = (n: number) => store.txLocation(Buffer.from(n.toString(16).padStart(2, '0').repeat(32), 'hex'));
      expect(await at(1)).toEqual({ height: 1n, index: 0 });
      expect(await at(2)).toEqual({ height: 1n, index: 1 });
      expect(await at(4)).toEqual({ height: 2n, index: 1 });
      expect(await at(5)).toEqual({ height: 4n, index: 0 });
      expect(await at(9)).toBeNull();
    });
  });

  it('keeps undo records that revert the state exactly to genesis', async () => {
    const dir = tempDir();
    const built = await withStore(dir, (store) => buildChain(store));
    await withStore(dir, async (store) => {
      for (const c of built.commits) expect(await store.undoRecord(c.height)).toEqual(c.undo);
      const block1 = (await store.undoRecord(1n))!;
      // The user's account did not exist before block 1: its undo entry is null.
      expect(block1.get(accountKey(USER_WALLET))).toBeNull();
      expect(block1.get(accountKey(SYSTEM_ACCOUNT_IDS.treasury))).toEqual(built.genesisState.get(accountKey(SYSTEM_ACCOUNT_IDS.treasury)));
      expect(await store.undoRecord(9n)).toBeNull();

      const state = await store.loadState();
      for (let height = 4n; height >= 1n; height--) state.commit((await store.undoRecord(height))!);
      expect(state.sortedEntries()).toEqual(built.genesisState.sortedEntries());
    });
  });

  it('journals pending txs in acceptance order, across restarts; a commit that includes one removes it', async () => {
    const dir = tempDir();
    // Acceptance order is the reverse of hash order, so a hash-ordered journal would fail this.
    const [a, b, c] = [new Uint8Array(32).fill(9), new Uint8Array(32).fill(5), new Uint8Array(32).fill(1)];
    await withStore(dir, async (store) => {
      await buildChain(store, 0);
      await store.putPending(a, Uint8Array.of(1, 2, 3));
      await store.putPending(b, Uint8Array.of(4, 5));
    });
    await withStore(dir, async (store) => {
      await store.putPending(c, Uint8Array.of(6));
      expect((await store.loadPending()).map((x) => [...x])).toEqual([[1, 2, 3], [4, 5], [6]]);
      await store.commitBlock({
        height: 1n, hash: sha256(Uint8Array.of(1)), blockBytes: Uint8Array.of(1), stateRoot: new Uint8Array(32),
        writes: new Map(), undo: new Map(), events: [], txHashes: [a], tree: await store.tree.updateFor(1n, new Map()),
      });
      expect((await store.loadPending()).map((x) => [...x])).toEqual([[4, 5], [6]]);
      // With `journaled`, only the entries named go: b is included but the caller says it was not
      // journaled, c is not in the block at all.
      await store.commitBlock({
        height: 2n, hash: sha256(Uint8Array.of(2)), blockBytes: Uint8Array.of(2), stateRoot: new Uint8Array(32),
        writes: new Map(), undo: new Map(), events: [], txHashes: [b], journaled: [], tree: await store.tree.updateFor(2n, new Map()),
      });
      expect((await store.loadPending()).map((x) => [...x])).toEqual([[4, 5], [6]]);
      expect(await store.txLocation(b)).toEqual({ height: 2n, index: 0 });
      await store.deletePending(b);
    });
    await withStore(dir, async (store) => {
      expect((await store.loadPending()).map((x) => [...x])).toEqual([[6]]);
      await store.deletePending(c);
      expect(await store.loadPending()).toEqual([]);
    });
  });

  it('writes a block atomically: an unencodable write leaves nothing behind', async () => {
    const dir = tempDir();
    const built = await withStore(dir, (store) => buildChain(store, 1));
    const account = built.state.get(accountKey(USER_WALLET))!;
    // The tree update is one of no writes: the value that cannot be encoded is the state's.
    const bad = async (store: ChainStore, writes: CommitInput['writes']): Promise<CommitInput> => ({
      height: 2n, hash: sha256(Uint8Array.of(2)), blockBytes: Uint8Array.of(2), stateRoot: new Uint8Array(32),
      writes, undo: new Map(), events: built.commits[1]!.events, txHashes: [Buffer.from('03'.repeat(32), 'hex')], tree: await store.tree.updateFor(2n, new Map()),
    });
    await withStore(dir, async (store) => {
      await store.putPending(Buffer.from('03'.repeat(32), 'hex'), Uint8Array.of(9));
      // A key no codec knows, after a good write.
      await expect(store.commitBlock(await bad(store, new Map([[accountKey(USER_WALLET), account], ['bogus:key', account]])))).rejects.toMatchObject({ code: ChainErrorCode.MalformedBytes });
      // A value of the wrong shape (the codec itself throws a TypeError): still a typed error.
      await expect(store.commitBlock(await bad(store, new Map([[accountKey(USER_WALLET), { ...(account as Account), unbonding: undefined } as never]])))).rejects.toMatchObject({ code: ChainErrorCode.MalformedBytes });
    });
    await withStore(dir, async (store) => {
      expect((await store.head())?.height).toBe(1n);
      expect(await store.hashAtHeight(2n)).toBeNull();
      expect(await store.txLocation(Buffer.from('03'.repeat(32), 'hex'))).toBeNull();
      expect(await store.loadPending()).toHaveLength(1);
      expect((await store.loadState()).sortedEntries()).toEqual(built.state.sortedEntries());
      expect(await store.history('mint', { limit: 100 })).toEqual(expectedHistory(built.commits, 'mint'));
    });
  });

  it('refuses corrupt stored data with StoreCorrupt naming what is damaged', async () => {
    const dir = tempDir();
    await withStore(dir, (store) => buildChain(store, 2));
    const key = accountKey(USER_WALLET);
    await rawPut(dir, bucketKey(Bucket.STATE, Buffer.from(key, 'ascii')), pack(['not an account']));
    await withStore(dir, async (store) => {
      const err = await store.loadState().then(() => null, (e: unknown) => e);
      expect(err).toMatchObject({ code: ChainErrorCode.StoreCorrupt });
      expect((err as Error).message).toContain(key);
    });

    await rawPut(dir, bucketKey(Bucket.META, Buffer.from('head', 'ascii')), Uint8Array.of(0xc1)); // 0xc1: never valid msgpack
    await rawPut(dir, bucketKey(Bucket.BURN, Buffer.alloc(12)), pack(['burn']));
    await rawPut(dir, bucketKey(Bucket.TX, new Uint8Array(32)), Uint8Array.of(0x92, 0x01, 0xff)); // [1, -1]: a negative index
    await withStore(dir, async (store) => {
      await expect(store.head()).rejects.toMatchObject({ code: ChainErrorCode.StoreCorrupt });
      await expect(store.history('burn', { limit: 100, beforeHeight: 1n })).rejects.toMatchObject({ code: ChainErrorCode.StoreCorrupt });
      await expect(store.txLocation(new Uint8Array(32))).rejects.toMatchObject({ code: ChainErrorCode.StoreCorrupt });
    });

  });

  it('drops an undecodable mempool-journal entry at open (counted), keeps the good ones, and opens', async () => {
    const dir = tempDir();
    await withStore(dir, (store) => store.putPending(new Uint8Array(32).fill(1), Uint8Array.of(4, 5)));
    await rawPut(dir, bucketKey(Bucket.PENDING, new Uint8Array(32).fill(2)), Uint8Array.of(1, 2, 3));
    await withStore(dir, async (store) => {
      expect(store.droppedJournalEntries).toBe(1);
      expect((await store.loadPending()).map((x) => [...x])).toEqual([[4, 5]]);
    });
    // Deleted, not just skipped: the next open finds nothing to drop.
    await withStore(dir, async (store) => {
      expect(store.droppedJournalEntries).toBe(0);
      expect(await store.loadPending()).toHaveLength(1);
    });
  });

  it('refuses a data dir already open in another handle with a typed error', async () => {
    const dir = tempDir();
    await withStore(dir, async () => {
      await expect(ChainStore.open(dir)).rejects.toMatchObject({ code: ChainErrorCode.InvalidConfig });
    });
  });
});
