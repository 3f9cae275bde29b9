/**
 * Canonical blocks kept split (block-bodies.ts, docs/protocol.md §11.1) on real chains: a block
 * reads back byte for byte, its txs one by one; the tx index keys on 16-byte hash prefixes and
 * checks the full hash; a fee burn names its tx by index and reads back with its hash and id; a
 * reorg writes the abandoned block back whole and the new branch's block at that height reads
 * right; pruning leaves no tx entry behind.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Level } from 'level';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Chain } from '../../../../src/chain/chain.ts';
import type { Block } from '../../../../src/chain/codec/block.ts';
import { toHex } from '../../../../src/chain/crypto.ts';
import { proposerFor } from '../../../../src/chain/poa.ts';
import { Bucket, bucketRange, heightBytes } from '../../../../src/chain/store/buckets.ts';
import { ChainStore } from '../../../../src/chain/store/chain-store.ts';
import { createLogger } from '../../../../src/node/logger.ts';
import { DEV, USER, VALIDATORS, signed, testGenesisConfig } from '../chain-fixture.ts';

const FAR = 1_000_000n;
const dirs: string[] = [];
const chains: Chain[] = [];

async function open(dir = mkdtempSync(join(tmpdir(), 'dchat-split-'))): Promise<{ chain: Chain; dir: string }> {
  if (!dirs.includes(dir)) dirs.push(dir);
  const chain = await Chain.open({ store: await ChainStore.open(dir), genesis: testGenesisConfig(3), logger: createLogger('silent', false), verifyThreads: 0 });
  chains.push(chain);
  return { chain, dir };
}

async function close(chain: Chain): Promise<void> {
  await chain.close();
  await chain.store.close();
  chains.splice(chains.indexOf(chain), 1);
}

function produce(chain: Chain, slot: bigint): Promise<Block> {
  const hex = proposerFor(slot, chain.validators()).publicKey;
  const key = VALIDATORS.find((v) => v.hex === hex)!;
  return chain.produce(slot, { publicKey: key.hex, secretKey: key.secretKey });
}

/** Every entry of one bucket, read raw from a closed data dir. */
async function rawBucket(dir: string, bucket: number): Promise<[Uint8Array, Uint8Array][]> {
  const db = new Level<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' });
  await db.open();
  try {
    return await db.iterator(bucketRange(bucket as Bucket)).all();
  } finally {
    await db.close();
  }
}

const contains = (haystack: Uint8Array, needle: Uint8Array): boolean => Buffer.from(haystack).indexOf(Buffer.from(needle)) >= 0;

afterAll(async () => {
  for (const chain of [...chains]) await close(chain);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

// b1 common; x2 holds two transfers; y2, y3 the other branch (no txs).
const first = signed(DEV, 0n, { type: 'transfer', to: USER.wallet, amount: 700n });
const second = signed(DEV, 1n, { type: 'transfer', to: USER.wallet, amount: 5n });
let b1: Block;
let x2: Block;
let y2: Block;
let y3: Block;

beforeAll(async () => {
  const { chain: common } = await open();
  b1 = await produce(common, 1n);
  const { chain: x } = await open();
  await x.importBlock(b1, FAR);
  await x.submitTxs([first.bytes, second.bytes]);
  x2 = await produce(x, 2n);
  const { chain: y } = await open();
  await y.importBlock(b1, FAR);
  y2 = await produce(y, 4n);
  y3 = await produce(y, 5n);
  expect(x2.txs.map((t) => toHex(t.hash))).toEqual([toHex(first.hash), toHex(second.hash)]);
});

describe('split canonical blocks', () => {
  it('read back byte for byte, txs one by one; the tx index checks the full hash; fee burns name their tx by index', async () => {
    const { chain, dir } = await open();
    await chain.importBlock(b1, FAR);
    const { imported } = await chain.importBlock(x2, FAR);
    const { store } = chain;
    // Every event reads back as the block's execution made it: tx hashes and timestamps from the block.
    for (const kind of ['mint', 'burn', 'distribution'] as const) expect(await store.eventsAt(kind, 2n)).toEqual(imported.events.filter((e) => e.kind === kind));
    expect(imported.events.length).toBeGreaterThan(2);
    expect(imported.events.every((e) => e.timestampMs === x2.header.timestampMs)).toBe(true);
    expect(toHex((await store.blockByHash(x2.hash))!)).toBe(toHex(x2.bytes));
    expect(toHex((await store.blockByHeight(2n))!)).toBe(toHex(x2.bytes));
    expect(toHex((await store.txBytesAt({ height: 2n, index: 1 }))!)).toBe(toHex(second.bytes));
    expect(await store.txLocation(second.hash)).toEqual({ height: 2n, index: 1 });
    // Same first 16 bytes, another hash: not this tx.
    const lookalike = Uint8Array.from(second.hash);
    lookalike[31]! ^= 1;
    expect(await store.txLocation(lookalike)).toBeNull();
    expect(await store.txLocations([first.hash, lookalike, second.hash])).toEqual([{ height: 2n, index: 0 }, null, { height: 2n, index: 1 }]);

    const fees = (await store.eventsAt('burn', 2n)).filter((e) => e.kind === 'burn' && e.reason === 'transaction-fee');
    expect(fees.map((e) => e.txHash)).toEqual([toHex(first.hash), toHex(second.hash)]);
    // The same events as the filtered history route reads them, one by one through the index.
    const page = await store.history('burn', { limit: 10, reason: 'transaction-fee' });
    expect(page).toEqual([...fees].reverse());
    await close(chain);

    const blocks = await rawBucket(dir, Bucket.BLOCK);
    const x2Value = blocks.find(([key]) => toHex(key.subarray(1)) === toHex(x2.hash))![1];
    expect(x2Value[0]).toBe(0x01);
    expect(contains(x2Value, first.bytes)).toBe(false);
    // The empty block b1 stays whole.
    expect(toHex(blocks.find(([key]) => toHex(key.subarray(1)) === toHex(b1.hash))![1])).toBe(toHex(b1.bytes));
    expect((await rawBucket(dir, Bucket.BLOCK_TX)).map(([key]) => toHex(key.subarray(1)))).toEqual([`${toHex(heightBytes(2n))}00000000`, `${toHex(heightBytes(2n))}00000001`]);
    const stamp = Buffer.alloc(8);
    stamp.writeBigUInt64BE(x2.header.timestampMs);
    for (const [, value] of await rawBucket(dir, Bucket.BURN)) expect(contains(value, first.hash) || contains(value, second.hash) || contains(value, stamp)).toBe(false);
    expect((await rawBucket(dir, Bucket.TX)).map(([key]) => key.length)).toEqual([17, 17]);

    // Reopened: the layout is the data dir's, read at open.
    const again = await open(dir);
    expect(await again.chain.store.txLocation(first.hash)).toEqual({ height: 2n, index: 0 });
    expect(toHex((await again.chain.blockAt(2n))!.hash)).toBe(toHex(x2.hash));
    await close(again.chain);
  });

  it('write a block the chain abandons back whole, its tx entries gone, and read the new branch right', async () => {
    const { chain, dir } = await open();
    await chain.importBlock(b1, FAR);
    await chain.importBlock(x2, FAR);
    await chain.importBlock(y2, FAR);
    await chain.importBlock(y3, FAR);
    expect(toHex(chain.head.hash)).toBe(toHex(y3.hash));
    expect(toHex((await chain.store.blockByHash(x2.hash))!)).toBe(toHex(x2.bytes));
    expect(toHex((await chain.store.blockByHeight(2n))!)).toBe(toHex(y2.bytes));
    expect(await chain.store.txLocation(first.hash)).toBeNull();
    expect(await chain.store.txBytesAt({ height: 2n, index: 0 })).toBeNull();
    await close(chain);
    expect(await rawBucket(dir, Bucket.BLOCK_TX)).toEqual([]);
    const x2Value = (await rawBucket(dir, Bucket.BLOCK)).find(([key]) => toHex(key.subarray(1)) === toHex(x2.hash))![1];
    expect(toHex(x2Value)).toBe(toHex(x2.bytes));
  });

  it('leave no tx entry of a pruned block; a history page read from a snapshot taken before still resolves its records', async () => {
    const { chain, dir } = await open();
    await chain.importBlock(b1, FAR);
    await chain.importBlock(x2, FAR);
    const fees = { limit: 10, reason: 'transaction-fee' };
    // The prune lands between the snapshot and the page's reads (records, then the txs and header they name).
    const page = await chain.store.withSnapshot(async (snapshot) => {
      await chain.store.pruneBlock(2n, x2.hash, x2.txs.map((t) => t.hash));
      return chain.store.historyPage('burn', fees, snapshot);
    });
    expect(page.events.map((e) => e.txHash)).toEqual([toHex(second.hash), toHex(first.hash)]);
    expect(page.events.every((e) => e.timestampMs === x2.header.timestampMs)).toBe(true);
    expect(await chain.store.history('burn', fees)).toEqual([]);
    await close(chain);
    expect(await rawBucket(dir, Bucket.BLOCK_TX)).toEqual([]);
    expect((await rawBucket(dir, Bucket.BLOCK)).some(([key]) => toHex(key.subarray(1)) === toHex(x2.hash))).toBe(false);
  });
});
