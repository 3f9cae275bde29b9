/**
 * Chain.adoptSnapshot (docs/protocol.md §20.5): a chain at its genesis takes the state pairs of a
 * final block of another node's chain in one batch, then imports the blocks after it and agrees
 * root by root with the source; a restart resumes from the restored store; forged pairs and a
 * chain that is not at genesis are refused with nothing changed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Chain } from '../../../src/chain/chain.ts';
import type { Block } from '../../../src/chain/codec/block.ts';
import { toHex } from '../../../src/chain/crypto.ts';
import { ChainErrorCode } from '../../../src/chain/errors.ts';
import { type SnapshotChunk, type SnapshotManifest, type StatePair, depthFor } from '../../../src/chain/snapshot/format.ts';
import { writeSnapshot } from '../../../src/chain/snapshot/writer.ts';
import { ChainStore } from '../../../src/chain/store/chain-store.ts';
import { createLogger } from '../../../src/node/logger.ts';
import { DEV, USER, type RichChain, openRichChain } from '../../reliability/support/rich-chain.ts';
import { testGenesisConfig } from './chain-fixture.ts';
import { codeOfAsync } from '../../support/error-code.ts';

let source: RichChain;
let snapshotBlock: Block;
let pairs: StatePair[];
let manifest: SnapshotManifest;
let chunks: SnapshotChunk[];
let after: Block[];
const dirs: string[] = [];

async function freshChain(dir = mkdtempSync(join(tmpdir(), 'dchat-adopt-'))): Promise<Chain> {
  if (!dirs.includes(dir)) dirs.push(dir);
  return Chain.open({ store: await ChainStore.open(dir), genesis: testGenesisConfig(3), logger: createLogger('silent', false), verifyThreads: 0 });
}

/** The snapshot of `block` cut from `state` (a forged state gives chunks that do not match the honest manifest). */
async function cut(state: readonly StatePair[], block: Block): Promise<{ manifest: SnapshotManifest; chunks: SnapshotChunk[] }> {
  const out: SnapshotChunk[] = [];
  const cutManifest = await writeSnapshot((async function* () { yield* state; })(), {
    block: { height: block.header.height, hash: block.hash, stateRoot: block.header.stateRoot },
    depth: depthFor(state.length, 8),
    pause: async () => undefined,
    writeChunk: async (index, bytes) => void out.push({ index, bytes }),
  });
  return { manifest: cutManifest, chunks: out };
}

async function closeChain(chain: Chain): Promise<void> {
  await chain.close();
  await chain.store.close();
}

beforeAll(async () => {
  source = await openRichChain();
  for (let i = 0; i < 4; i++) {
    await source.chain.submitTx(source.sign(DEV, { type: 'transfer', to: USER.wallet, amount: 7n + BigInt(i) }).bytes);
    await source.produce();
  }
  pairs = [];
  for await (const pair of source.chain.store.statePairsNow()) pairs.push({ key: Uint8Array.from(pair.key), value: Uint8Array.from(pair.value) });
  snapshotBlock = (await source.chain.blockAt(source.chain.head.header.height))!;
  ({ manifest, chunks } = await cut(pairs, snapshotBlock));
  after = [];
  for (let i = 0; i < 5; i++) {
    await source.chain.submitTx(source.sign(USER, { type: 'transfer', to: DEV.wallet, amount: 3n }).bytes);
    after.push(await source.produce());
  }
});

afterAll(async () => {
  await source.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('adoptSnapshot', () => {
  it('installs the snapshot, follows the source block by block, and restarts from the restored store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dchat-adopt-'));
    const chain = await freshChain(dir);
    const height = snapshotBlock.header.height;
    const restored: bigint[] = [];
    chain.events.on('restored', (h) => restored.push(h));
    await chain.adoptSnapshot(snapshotBlock, manifest, chunks);
    expect(restored).toEqual([height]);
    expect(chain.head.header.height).toBe(height);
    expect(chain.finalizedHeight).toBe(height);
    // Range sync backtracks no lower than this: nothing below it is held.
    expect(chain.baseHeight).toBe(height);
    expect(toHex(chain.head.header.stateRoot)).toBe(toHex(snapshotBlock.header.stateRoot));
    expect(await chain.store.earliestHeight()).toBe(height);
    expect(await chain.blockAt(height - 1n)).toBeNull();
    // The restored state answers as the source's did at that height.
    expect(chain.state.keysWithPrefix('account:').length).toBeGreaterThan(2);
    for (const block of after) {
      const result = await chain.importBlock(block, block.header.slot);
      expect(result.outcome).toBe('extended');
      expect(toHex(result.imported.stateRoot)).toBe(toHex(block.header.stateRoot));
    }
    expect(toHex(chain.head.hash)).toBe(toHex(source.chain.head.hash));
    const proof = await chain.proveState(new TextEncoder().encode(`account:${USER.wallet}`), chain.head.header.height);
    expect(toHex(proof.blockHash)).toBe(toHex(source.chain.head.hash));
    await closeChain(chain);

    const reopened = await freshChain(dir);
    expect(toHex(reopened.head.hash)).toBe(toHex(source.chain.head.hash));
    expect(reopened.finalizedHeight).toBeGreaterThanOrEqual(height);
    expect(reopened.baseHeight).toBe(height);
    expect(reopened.state.get(`account:${USER.wallet}`)).toEqual(source.chain.state.get(`account:${USER.wallet}`));
    await closeChain(reopened);
  });

  it('refuses a forged, a short or a missing chunk and a manifest of another block, and writes nothing', async () => {
    const chain = await freshChain();
    const genesisRoot = toHex(chain.head.header.stateRoot);
    const forged = pairs.map((p, i) => (i === 3 ? { key: p.key, value: Uint8Array.from([...p.value.slice(0, -1), p.value.at(-1)! ^ 1]) } : p));
    const dropped = pairs.filter((_, i) => i !== 5);
    for (const state of [forged, dropped]) {
      expect(await codeOfAsync(chain.adoptSnapshot(snapshotBlock, manifest, (await cut(state, snapshotBlock)).chunks))).toBe(ChainErrorCode.InvalidSnapshot);
    }
    const held = chunks.filter((c) => manifest.chunks[c.index]!.entries > 0);
    expect(await codeOfAsync(chain.adoptSnapshot(snapshotBlock, manifest, held.slice(1)))).toBe(ChainErrorCode.InvalidSnapshot);
    expect(await codeOfAsync(chain.adoptSnapshot(snapshotBlock, manifest, [held[0]!, held[0]!]))).toBe(ChainErrorCode.InvalidSnapshot);
    expect(await codeOfAsync(chain.adoptSnapshot(snapshotBlock, { ...manifest, height: manifest.height + 1n }, chunks))).toBe(ChainErrorCode.InvalidSnapshot);
    expect(chain.head.header.height).toBe(0n);
    expect(await chain.store.earliestHeight()).toBeNull();
    expect(toHex((await chain.store.head())!.stateRoot)).toBe(genesisRoot);
    // Still at genesis: the honest snapshot is taken after the refusals, its chunks in any order.
    await chain.adoptSnapshot(snapshotBlock, manifest, [...chunks].reverse());
    expect(chain.head.header.height).toBe(snapshotBlock.header.height);
    expect(chain.state.size).toBe(pairs.length);
    await closeChain(chain);
  });

  it('refuses a snapshot on a chain past its genesis', async () => {
    const chain = await freshChain();
    await chain.adoptSnapshot(snapshotBlock, manifest, chunks);
    expect(await codeOfAsync(chain.adoptSnapshot(snapshotBlock, manifest, chunks))).toBe(ChainErrorCode.InvalidSnapshot);
    await closeChain(chain);
  });
});
