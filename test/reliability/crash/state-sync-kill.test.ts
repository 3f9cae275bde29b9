/**
 * SIGKILL during a snapshot restore (docs/protocol.md §20.5 step 5): a joining `dchat start`
 * process is killed once some chunks are staged but before the state is installed. Its store is
 * then still the genesis store (no half state: head at genesis, no earliest height), and started
 * again on the same data dir the node reuses the staged chunks that verify, finishes the restore
 * and follows the validators' chain. The validators run in this process and serve their chunks
 * slowly, so the kill lands mid-restore.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '../../../src/chain/crypto.ts';
import { ChainStore } from '../../../src/chain/store/chain-store.ts';
import { waitFor } from '../../integration/node-client.ts';
import { TestNet } from '../../integration/network/harness.ts';

// Kept long enough that the snapshot the killed process was fetching is still served when it restarts.
const SNAPSHOTS = { snapshot_interval: 10, snapshot_keep: 200, snapshot_chunk_pairs: 2 };
const CHUNK_DELAY_MS = 1_500;
const MAIN = resolve(import.meta.dirname, '../../../src/cli/main.ts');

let net: TestNet;
let child: ChildProcess | null = null;

beforeAll(async () => {
  net = await TestNet.create(3, 150n);
  await net.start('v0', 0, [], { config: SNAPSHOTS });
  for (const i of [1, 2]) await net.start(`v${i}`, i, net.bootstrapOf('v0'), { config: SNAPSHOTS });
  await waitFor('a final snapshot at height 20 or more on v0', async () => ((await net.node('v0').snapshots.heights())[0] ?? 0n) >= 20n, 60_000);
  for (const name of ['v0', 'v1', 'v2']) {
    const taker = net.node(name).snapshots;
    const honest = taker.chunk.bind(taker);
    (taker as unknown as { chunk: typeof honest }).chunk = async (height, index) => {
      await new Promise((r) => setTimeout(r, CHUNK_DELAY_MS));
      return honest(height, index);
    };
  }
}, 90_000);

afterAll(async () => {
  if (child !== null && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await net?.close();
});

const stagedChunks = (dataDir: string): number => {
  const root = join(dataDir, 'statesync');
  if (!existsSync(root)) return 0;
  return readdirSync(root).reduce((n, dir) => n + readdirSync(join(root, dir)).filter((f) => /^chunk-\d+$/.test(f)).length, 0);
};

describe('SIGKILL during a snapshot restore', () => {
  it('leaves the genesis store, and the restarted node reuses the staged chunks and finishes the restore', async () => {
    const dataDir = join(net.dir, 'joiner');
    child = spawn(process.execPath, [
      MAIN, 'start', '--data-dir', dataDir, '--genesis', net.layout.genesisFile, '--validator-key', join(dataDir, 'no-validator-key.json'),
      '--api-port', '0', '--p2p-port', '0', '--p2p-host', '127.0.0.1', '--log-level', 'warn', '--bootstrap', ...net.bootstrapOf('v0'),
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    const staged = await waitFor('chunks staged by the joining process', async () => {
      if (child!.exitCode !== null) throw new Error(`the joiner exited: ${stderr}`);
      const n = stagedChunks(dataDir);
      return n > 0 ? n : undefined;
    }, 60_000, 20);
    const exited = new Promise<void>((r) => child!.once('exit', () => r()));
    child.kill('SIGKILL');
    await exited;

    // Killed mid-restore: the store is the genesis store, nothing of the snapshot's state in it.
    const store = await ChainStore.open(join(dataDir, 'chain'));
    const head = await store.head();
    const earliest = await store.earliestHeight();
    await store.close();
    expect(head?.height).toBe(0n);
    expect(earliest).toBeNull();
    expect(stagedChunks(dataDir)).toBeGreaterThanOrEqual(1);

    const joiner = await net.start('joiner', null, net.bootstrapOf('v0'), { config: { data_dir: dataDir, snapshot_interval: 0 } });
    const done = await waitFor('the restarted joiner restored a snapshot', async () => {
      const progress = joiner.network!.syncStatus().snapshot;
      return progress?.phase === 'done' ? progress : undefined;
    }, 90_000);
    expect(done.chunksReused).toBeGreaterThanOrEqual(1);
    expect(done.chunksReused).toBeLessThanOrEqual(staged + 12);
    const base = (await joiner.chain.store.earliestHeight())!;
    expect(base).toBe(done.height);
    const v0 = net.node('v0');
    await waitFor('the joiner on the validators\' chain past the snapshot', async () => {
      const h = joiner.chain.head.header.height;
      const ours = h > base + 3n ? await v0.chain.blockAt(h) : null;
      return ours !== null && toHex(ours.hash) === toHex(joiner.chain.head.hash);
    }, 60_000);
    // The staging folder is gone once the state is installed.
    expect(existsSync(join(dataDir, 'statesync'))).toBe(false);
  }, 240_000);
});
