/**
 * One fresh node joining the bench's source chain, in a process of its own so its peak RSS is the
 * join's alone (`--only=statesync`):
 *
 *   node --expose-gc scripts/bench/statesync-child.ts <replay|snapshot> <senders> <source dir>
 *
 * - `replay`: imports every block of the source from its genesis (full sync, signatures on the pool).
 * - `snapshot`: what a snapshot restore does after the network: Chain.adoptSnapshot checks the
 *   manifest against the source's head block and every chunk against the manifest as it reads it,
 *   installs the state (one batch) and stands on that block; bytes are the manifest, chunks and
 *   the blocks of its proof.
 * Prints one JSON line: ms, peak RSS, bytes that would cross the network, and the head reached.
 */
import { peakRssBytes } from './json-child.ts';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Chain } from '../../src/chain/chain.ts';
import { decodeBlock } from '../../src/chain/codec/block.ts';
import { toHex } from '../../src/chain/crypto.ts';
import { importInOrder } from '../../src/chain/import-in-order.ts';
import { type SnapshotChunk, decodeManifest } from '../../src/chain/snapshot/format.ts';
import { ChainStore } from '../../src/chain/store/chain-store.ts';
import { MAX_RANGE_COUNT } from '../../src/node/network/messages.ts';
import { MANIFEST_FILE, SNAPSHOT_DIR, chunkFile, readBlocks } from './statesync-source.ts';
import { fixture, silentLogger } from './fixtures.ts';

export interface JoinReport {
  readonly mode: 'replay' | 'snapshot';
  readonly ms: number;
  readonly peakRssBytes: number;
  readonly bytes: number;
  readonly headHeight: string;
  readonly headHash: string;
}

const [mode, senders, source] = process.argv.slice(2);
if ((mode !== 'replay' && mode !== 'snapshot') || senders === undefined || source === undefined) throw new Error('usage: statesync-child.ts <replay|snapshot> <senders> <source dir>');
const f = await fixture(Number(senders));
const blocks = await readBlocks(source);
const dir = await mkdtemp(join(tmpdir(), 'dchat-bench-join-'));
const store = await ChainStore.open(dir);
const chain = await Chain.open({ store, genesis: f.config, logger: silentLogger });
const started = performance.now();
let bytes = 0;
if (mode === 'replay') {
  bytes = blocks.reduce((n, b) => n + b.length, 0);
  const lastSlot = decodeBlock(blocks.at(-1)!).header.slot;
  // In range sync's batches: a node never holds the whole chain decoded.
  for (let at = 0; at < blocks.length; at += MAX_RANGE_COUNT) {
    const batch = blocks.slice(at, at + MAX_RANGE_COUNT).map((b) => decodeBlock(b));
    const { failure } = await importInOrder(chain, batch, { currentSlot: () => lastSlot, stopped: () => false });
    if (failure !== undefined) throw failure.error;
  }
} else {
  const manifestBytes = await readFile(join(source, SNAPSHOT_DIR, MANIFEST_FILE));
  const manifest = decodeManifest(manifestBytes);
  const block = decodeBlock(blocks[Number(manifest.height) - 1]!);
  // A restoring node fetches the snapshot's block and the 2n + 1 above it (none above the head here).
  bytes = manifestBytes.length + block.bytes.length;
  // Chain.adoptSnapshot checks the manifest against the block, then each chunk as it is read.
  const chunks = async function* (): AsyncGenerator<SnapshotChunk> {
    for (let index = 0; index < manifest.chunks.length; index++) {
      const chunk = await readFile(join(source, SNAPSHOT_DIR, chunkFile(index)));
      bytes += chunk.length;
      yield { index, bytes: chunk };
    }
  };
  await chain.adoptSnapshot(block, manifest, chunks());
}
const ms = performance.now() - started;
const report: JoinReport = {
  mode, ms, peakRssBytes: peakRssBytes(), bytes,
  headHeight: String(chain.head.header.height), headHash: toHex(chain.head.hash),
};
await chain.close();
await store.close();
await rm(dir, { recursive: true, force: true });
console.log(JSON.stringify(report));
