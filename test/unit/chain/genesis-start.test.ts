/**
 * What Chain.open does with the genesis (genesis-start.ts). The first start writes the genesis with
 * its config's fingerprint and keeps the built state as the chain's; a restart with the same config
 * builds no genesis at all (counted on buildGenesis, no timing); another config is refused with
 * InvalidConfig; a data dir of another protocol version (one made before the version was recorded
 * is version 1) is refused; a wrong stored fingerprint falls back to building and comparing hashes. A crash cannot leave a genesis without its fingerprint:
 * both are in the one atomic batch of the genesis block. The state tree's nodes are written ahead of
 * that batch: those a killed start left are discarded before the genesis is built again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Chain } from '../../../src/chain/chain.ts';
import { assembleBlock } from '../../../src/chain/codec/block.ts';
import { toHex } from '../../../src/chain/crypto.ts';
import { ChainErrorCode } from '../../../src/chain/errors.ts';
import { ZERO_SIGNATURE, buildGenesis } from '../../../src/chain/genesis-block.ts';
import { genesisFingerprint } from '../../../src/chain/genesis-fingerprint.ts';
import { ChainStore } from '../../../src/chain/store/chain-store.ts';
import { Bucket, META_PROTOCOL_VERSION_KEY, bucketKey } from '../../../src/chain/store/buckets.ts';
import { pack } from '../../../src/chain/codec/msgpack.ts';
import { PROTOCOL_VERSION } from '../../../src/chain/protocol-version.ts';
import { Level } from 'level';
import { createLogger } from '../../../src/node/logger.ts';
import { ErrorCode, type GenesisConfig } from '../../../src/tokenomics/index.ts';
import { codeOfAsync } from '../../support/error-code.ts';
import { testGenesisConfig } from './chain-fixture.ts';

vi.mock('../../../src/chain/genesis-block.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../../src/chain/genesis-block.ts')>();
  return { ...actual, buildGenesis: vi.fn(actual.buildGenesis) };
});

const builds = vi.mocked(buildGenesis);
const logger = createLogger('silent', false);
const dirs: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dchat-genesis-start-'));
  dirs.push(dir);
  return dir;
}

beforeEach(() => {
  builds.mockClear();
});
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The test genesis with `count` more funded wallets (taken from the treasury's share). */
function withWallets(count: number, idPrefix = '00000000'): GenesisConfig {
  const base = testGenesisConfig(1);
  const [first, ...rest] = base.distribution;
  const wallets = Array.from({ length: count }, (_, i) => ({ account: `${idPrefix}-0000-5000-8000-${i.toString(16).padStart(12, '0')}`, amount: 7n }));
  return { ...base, distribution: [{ ...first!, amount: first!.amount - 7n * BigInt(count) }, ...rest, ...wallets] };
}

/** Opens a chain on `dir` and closes it (and its store) again; returns its head hash and state. */
async function start(dir: string, genesis: GenesisConfig): Promise<{ head: string; entries: unknown }> {
  const store = await ChainStore.open(dir);
  try {
    const chain = await Chain.open({ store, genesis, logger, verifyThreads: 0 });
    await chain.close();
    return { head: toHex(chain.head.hash), entries: chain.state.sortedEntries() };
  } finally {
    await store.close();
  }
}

/** A data dir as an older node left it: the genesis block committed without a fingerprint. */
async function olderNodeDir(genesis: GenesisConfig): Promise<string> {
  const dir = tempDir();
  const built = await buildGenesis(genesis);
  const store = await ChainStore.open(dir);
  await store.commitBlock({
    height: 0n,
    hash: built.hash,
    blockBytes: assembleBlock(built.header, [], ZERO_SIGNATURE).bytes,
    stateRoot: built.stateRoot,
    writes: built.writes,
    undo: new Map(),
    events: built.events,
    txHashes: [],
    tree: await store.tree.updateFor(0n, built.writes),
  });
  await store.close();
  builds.mockClear();
  return dir;
}

/** The records of the state tree's node bucket as `key=value` in hex (the store closed). */
async function treeNodeKeys(dir: string): Promise<string[]> {
  const db = new Level<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' });
  try {
    const keys: string[] = [];
    for await (const [key, value] of db.iterator({ gte: Uint8Array.of(Bucket.TREE_NODE), lt: Uint8Array.of(Bucket.TREE_NODE + 1) })) keys.push(`${toHex(key)}=${toHex(value)}`);
    return keys;
  } finally {
    await db.close();
  }
}

/** The stored fingerprint as hex, or null. */
async function storedFingerprint(dir: string): Promise<string | null> {
  const store = await ChainStore.open(dir);
  try {
    const stored = await store.genesisFingerprint();
    return stored === null ? null : toHex(stored);
  } finally {
    await store.close();
  }
}

async function refusal(dir: string, genesis: GenesisConfig): Promise<{ code: string; message: string }> {
  const store = await ChainStore.open(dir);
  try {
    await Chain.open({ store, genesis, logger, verifyThreads: 0 });
  } catch (err) {
    return { code: (err as { code: string }).code, message: (err as Error).message };
  } finally {
    await store.close();
  }
  throw new Error('expected the chain to be refused');
}

const config = withWallets(5_000);
const genesisHash = toHex((await buildGenesis(config)).hash);

describe('Chain.open and the genesis', () => {

  it('writes the genesis once, with the fingerprint of its config, and keeps the built state (equal to the stored one)', async () => {
    const dir = tempDir();
    builds.mockClear();
    const first = await start(dir, config);
    expect(builds).toHaveBeenCalledTimes(1);
    expect(first.head).toBe(genesisHash);
    expect(await storedFingerprint(dir)).toBe(toHex(genesisFingerprint(config)!));
    const store = await ChainStore.open(dir);
    try {
      expect((await store.loadState()).sortedEntries()).toEqual(first.entries);
    } finally {
      await store.close();
    }
  });

  it('stores every genesis event, numbered in order across the slices they are staged in', async () => {
    const dir = tempDir();
    await start(dir, config);
    const expected = (await buildGenesis(config)).events.filter((e) => e.kind === 'mint');
    expect(expected.length).toBeGreaterThan(5_000);
    const store = await ChainStore.open(dir);
    try {
      expect(await store.history('mint', { limit: 100_000 })).toEqual(expected.reverse());
    } finally {
      await store.close();
    }
  });

  it('restarts with the same genesis without building it', async () => {
    const dir = tempDir();
    const first = await start(dir, config);
    builds.mockClear();
    const again = await start(dir, config);
    expect(builds).not.toHaveBeenCalled();
    expect(again).toEqual(first);
  });

  it('refuses another genesis with InvalidConfig, naming both genesis hashes', async () => {
    const dir = tempDir();
    await start(dir, config);
    const other = withWallets(4_999);
    const { code, message } = await refusal(dir, other);
    expect(code).toBe(ChainErrorCode.InvalidConfig);
    expect(message).toContain(genesisHash);
    expect(message).toContain(toHex((await buildGenesis(other)).hash));
  });

  it('still refuses a genesis that breaks an invariant when the fingerprint matches', async () => {
    const dir = tempDir();
    const small = testGenesisConfig(1);
    await start(dir, small);
    // Same config, so the same fingerprint: validation is what refuses it, not the stored hash.
    const broken = { ...small, validators: [] };
    const store = await ChainStore.open(dir);
    try {
      await store.putGenesisFingerprint(genesisFingerprint(broken)!);
      expect(await codeOfAsync(Chain.open({ store, genesis: broken, logger, verifyThreads: 0 }))).toBe(ErrorCode.InvalidGenesis);
    } finally {
      await store.close();
    }
  });

  it('refuses a data dir made by protocol version 1 (no version recorded), naming both versions, and records nothing', async () => {
    // A version-1 node wrote its genesis without the protocol-version key (docs/protocol.md §12).
    const dir = await olderNodeDir(config);
    const { code, message } = await refusal(dir, config);
    expect(code).toBe(ChainErrorCode.InvalidConfig);
    expect(message).toContain(`protocol version 1; this node runs protocol version ${PROTOCOL_VERSION}`);
    expect(builds).not.toHaveBeenCalled();
    expect(await storedFingerprint(dir)).toBeNull();
    expect((await refusal(dir, withWallets(4_999))).code).toBe(ChainErrorCode.InvalidConfig);
  });

  it('records the protocol version with the genesis, and refuses a data dir of any other version', async () => {
    const dir = tempDir();
    const first = await start(dir, config);
    const store = await ChainStore.open(dir);
    expect(await store.protocolVersion()).toBe(PROTOCOL_VERSION);
    await store.close();
    expect(await start(dir, config)).toEqual(first);
    const db = new Level<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' });
    await db.put(bucketKey(Bucket.META, META_PROTOCOL_VERSION_KEY), pack(BigInt(PROTOCOL_VERSION + 1)));
    await db.close();
    expect((await refusal(dir, config)).message).toContain(`protocol version ${PROTOCOL_VERSION + 1};`);
  });

  it('falls back to building when the stored fingerprint is not the config’s, and corrects it', async () => {
    const dir = tempDir();
    const first = await start(dir, config);
    const store = await ChainStore.open(dir);
    await store.putGenesisFingerprint(new Uint8Array(32).fill(7));
    await store.close();
    builds.mockClear();
    expect(await start(dir, config)).toEqual(first);
    expect(builds).toHaveBeenCalledTimes(1);
    expect(await storedFingerprint(dir)).toBe(toHex(genesisFingerprint(config)!));
  });

  it('writes nothing when the genesis cannot be built, even after events were staged', async () => {
    const dir = tempDir();
    // 5,000 wallets: a first slice of mint events is staged before the bad pool is reached.
    const broken = { ...config, pools: [{ ...config.pools[0]!, name: '' }] };
    const store = await ChainStore.open(dir);
    try {
      expect(await codeOfAsync(Chain.open({ store, genesis: broken, logger, verifyThreads: 0 }))).toBe(ErrorCode.InvalidGenesis);
      expect(await store.head()).toBeNull();
      expect(await store.history('mint', { limit: 1 })).toEqual([]);
      expect((await store.loadState()).size).toBe(0);
    } finally {
      await store.close();
    }
  });

  it('discards the state tree nodes that a start killed before its genesis batch left, then writes the genesis whole', async () => {
    const clean = tempDir();
    await start(clean, config);
    const cleanNodes = await treeNodeKeys(clean);
    const dir = tempDir();
    // Another genesis's tree (other records, at the same positions or others), written ahead chunk by
    // chunk, and the start killed before its batch.
    const store = await ChainStore.open(dir);
    const batch = store.genesisBatch(0n);
    await buildGenesis(withWallets(300, 'ffffffff'), { onTreeNodes: (puts) => batch.treeNodes(puts) });
    await batch.abort();
    expect(await store.head()).toBeNull();
    await store.close();
    const left = await treeNodeKeys(dir);
    expect(left.length).toBeGreaterThan(0);
    expect(left.filter((key) => !cleanNodes.includes(key)).length).toBeGreaterThan(0);
    expect((await start(dir, config)).head).toBe(genesisHash);
    expect(await treeNodeKeys(dir)).toEqual(cleanNodes);
    // And it restarts on that tree: the stored root is the head's state_root, its nodes all there.
    expect((await start(dir, config)).head).toBe(genesisHash);
  });
});
