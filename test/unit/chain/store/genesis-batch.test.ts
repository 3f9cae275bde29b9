/**
 * ChainStore.genesisBatch: staged piece by piece, it writes byte for byte what commitBlock writes
 * for the genesis block, plus the config fingerprint (one more META key); abort writes nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Level } from 'level';
import { afterEach, describe, expect, it } from 'vitest';
import { assembleBlock } from '../../../../src/chain/codec/block.ts';
import { ZERO_SIGNATURE, buildGenesis } from '../../../../src/chain/genesis-block.ts';
import { Bucket, META_GENESIS_CONFIG_KEY, META_PROTOCOL_VERSION_KEY, META_TX_INDEX_SHORT_KEY, bucketKey } from '../../../../src/chain/store/buckets.ts';
import { pack } from '../../../../src/chain/codec/msgpack.ts';
import { PROTOCOL_VERSION } from '../../../../src/chain/protocol-version.ts';
import { ChainStore } from '../../../../src/chain/store/chain-store.ts';
import { testGenesisConfig } from '../chain-fixture.ts';
import { treeWrites } from '../../../../src/chain/chain-tree.ts';
import { EMPTY_ROOT, buildTree } from '../../../../src/chain/state-tree/index.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function withStore(use: (store: ChainStore) => Promise<void>): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'dchat-genesis-batch-'));
  dirs.push(dir);
  const store = await ChainStore.open(dir);
  try {
    await use(store);
  } finally {
    await store.close();
  }
  return dir;
}

/** Every key and value on disk, hex, in key order. */
async function rawEntries(dir: string): Promise<[string, string][]> {
  const db = new Level<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' });
  await db.open();
  const out: [string, string][] = [];
  for await (const [key, value] of db.iterator()) out.push([Buffer.from(key).toString('hex'), Buffer.from(value).toString('hex')]);
  await db.close();
  return out;
}

const genesis = await buildGenesis(testGenesisConfig(3));
const blockBytes = assembleBlock(genesis.header, [], ZERO_SIGNATURE).bytes;
const FINGERPRINT = new Uint8Array(32).fill(5);
const fingerprintKey = Buffer.from(bucketKey(Bucket.META, META_GENESIS_CONFIG_KEY)).toString('hex');
const protocolVersionKey = Buffer.from(bucketKey(Bucket.META, META_PROTOCOL_VERSION_KEY)).toString('hex');
const txIndexShortKey = Buffer.from(bucketKey(Bucket.META, META_TX_INDEX_SHORT_KEY)).toString('hex');

describe('ChainStore.genesisBatch', () => {
  it('writes what commitBlock writes for genesis, plus the fingerprint and the protocol version', async () => {
    const viaCommit = await withStore((store) =>
      store.tree.updateFor(0n, genesis.writes).then((tree) =>
        store.commitBlock({ height: 0n, hash: genesis.hash, blockBytes, stateRoot: genesis.stateRoot, writes: genesis.writes, undo: new Map(), events: genesis.events, txHashes: [], tree }),
      ),
    );
    const viaBatch = await withStore(async (store) => {
      const batch = store.genesisBatch();
      // In slices, as the genesis build hands them over.
      for (let at = 0; at < genesis.events.length; at += 2) batch.events(genesis.events.slice(at, at + 2));
      batch.state(genesis.writes);
      // The bulk build in small chunks: the same nodes as the block-by-block update of the commit above.
      const treeRoot = await buildTree(0n, treeWrites(genesis.writes), (puts) => batch.treeNodes(puts), 7);
      await batch.commit({ hash: genesis.hash, blockBytes, stateRoot: genesis.stateRoot, treeRoot, fingerprint: FINGERPRINT });
      expect(Buffer.from((await store.genesisFingerprint())!)).toEqual(Buffer.from(FINGERPRINT));
      expect((await store.head())?.height).toBe(0n);
    });
    const expected = await rawEntries(viaCommit);
    const written = await rawEntries(viaBatch);
    // The genesis batch also marks the data dir's tx index layout (docs/protocol.md §11.1).
    expect(written.filter(([key]) => key !== fingerprintKey && key !== protocolVersionKey && key !== txIndexShortKey)).toEqual(expected);
    expect(written.find(([key]) => key === txIndexShortKey)).toBeDefined();
    expect(written.find(([key]) => key === fingerprintKey)).toBeDefined();
    // docs/protocol.md §12: the version that made the chain, as a msgpack uint.
    expect(written.find(([key]) => key === protocolVersionKey)?.[1]).toBe(Buffer.from(pack(BigInt(PROTOCOL_VERSION))).toString('hex'));
  });

  it('stores no fingerprint when there is none', async () => {
    const dir = await withStore(async (store) => {
      const batch = store.genesisBatch();
      batch.state(genesis.writes);
      await batch.commit({ hash: genesis.hash, blockBytes, stateRoot: genesis.stateRoot, treeRoot: EMPTY_ROOT, fingerprint: null });
      expect(await store.genesisFingerprint()).toBeNull();
    });
    expect((await rawEntries(dir)).some(([key]) => key === fingerprintKey)).toBe(false);
  });

  it('writes nothing when aborted', async () => {
    const dir = await withStore(async (store) => {
      const batch = store.genesisBatch();
      batch.events(genesis.events);
      batch.state(genesis.writes);
      await batch.abort();
      expect(await store.head()).toBeNull();
    });
    expect(await rawEntries(dir)).toEqual([]);
  });
});
