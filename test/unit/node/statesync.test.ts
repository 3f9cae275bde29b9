/**
 * The parts of a snapshot state sync (docs/protocol.md §20.5) without a network: fetching chunks
 * from several servers (a forger is penalized and dropped at its first chunk, its chunk fetched
 * from an honest server; servers that lack the snapshot are dropped; no server left is a typed
 * NoPeersLeft), and the staging folder a killed restore resumes from (whole, verified chunks only).
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PeerId } from '@libp2p/interface';
import { afterAll, describe, expect, it } from 'vitest';
import { type SnapshotManifest, type StatePair, RefKind } from '../../../src/chain/snapshot/format.ts';
import { writeSnapshot } from '../../../src/chain/snapshot/writer.ts';
import { verifyChunk } from '../../../src/chain/snapshot/verify.ts';
import { buildTree } from '../../../src/chain/state-tree/index.ts';
import { createLogger } from '../../../src/node/logger.ts';
import { NetworkError, NetworkErrorCode } from '../../../src/node/network/errors.ts';
import { ChunkStaging } from '../../../src/node/statesync/chunk-staging.ts';
import { fetchChunks } from '../../../src/node/statesync/chunk-fetch.ts';
import { StateSyncErrorCode } from '../../../src/node/statesync/errors.ts';
import { codeOfAsync } from '../../support/error-code.ts';

const enc = (s: string): Uint8Array => Buffer.from(s, 'ascii');
const pairs: StatePair[] = Array.from({ length: 200 }, (_, i) => ({ key: enc(`account:${i}`), value: enc(`balance ${i * 13}`) }));
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function snapshot(): Promise<{ manifest: SnapshotManifest; chunks: Map<number, Uint8Array> }> {
  const root = await buildTree(9n, pairs.map((p) => [p.key, p.value] as const), () => undefined);
  const chunks = new Map<number, Uint8Array>();
  async function* stream(): AsyncGenerator<StatePair> {
    yield* pairs;
  }
  const manifest = await writeSnapshot(stream(), {
    block: { height: 9n, hash: new Uint8Array(32).fill(3), stateRoot: root.hash }, depth: 3,
    pause: async () => undefined, writeChunk: async (i, bytes) => void chunks.set(i, bytes),
  });
  return { manifest, chunks };
}

const peer = (name: string): PeerId => ({ toString: () => name }) as unknown as PeerId;
const logger = createLogger('silent', false);
const nonEmpty = (m: SnapshotManifest): number[] => m.chunks.map((c, i) => (c.kind === RefKind.Empty ? -1 : i)).filter((i) => i >= 0);

describe('fetchChunks', () => {
  it('bans a forger at its first chunk and gets every chunk from the honest servers', async () => {
    const { manifest, chunks } = await snapshot();
    const asked: Record<string, number[]> = { honest: [], liar: [], empty: [] };
    const penalized: string[] = [];
    const got = new Map<number, Uint8Array>();
    await fetchChunks(manifest, nonEmpty(manifest), [peer('liar'), peer('empty'), peer('honest')], {
      fetch: async (p, index) => {
        asked[p.toString()]!.push(index);
        if (p.toString() === 'empty') throw new NetworkError(NetworkErrorCode.NotFound, 'no such snapshot');
        const bytes = Uint8Array.from(chunks.get(index)!);
        if (p.toString() === 'liar') bytes[bytes.length - 1]! ^= 1;
        return bytes;
      },
      penalize: (p) => penalized.push(p.toString()),
      onChunk: (index, bytes) => got.set(index, bytes),
      logger, stopped: () => false,
    }, { backoffMs: 1 });
    expect(penalized).toEqual(['liar']);
    // The liar is asked nothing after it was caught: only what its 4 requests in flight held.
    expect(asked.liar!.length).toBeGreaterThanOrEqual(1);
    expect(asked.liar!.length).toBeLessThanOrEqual(4);
    expect([...got.keys()].sort()).toEqual(nonEmpty(manifest));
    for (const [index, bytes] of got) expect(Buffer.from(bytes).equals(Buffer.from(chunks.get(index)!))).toBe(true);
    // A server without the snapshot is dropped at its first refusal (only its requests in flight then were sent).
    expect(asked.empty!.length).toBeLessThanOrEqual(4);
  });

  it('fails typed when no server is left', async () => {
    const { manifest, chunks } = await snapshot();
    const result = fetchChunks(manifest, nonEmpty(manifest), [peer('liar')], {
      fetch: async (_p, index) => Uint8Array.from(chunks.get(index)!).reverse(),
      penalize: () => undefined, onChunk: () => undefined, logger, stopped: () => false,
    });
    expect(await codeOfAsync(result)).toBe(StateSyncErrorCode.NoPeersLeft);
  });
});

describe('ChunkStaging', () => {
  it('keeps whole verified chunks across a restart and drops partial, damaged and other snapshots\' files', async () => {
    const { manifest, chunks } = await snapshot();
    const dataDir = mkdtempSync(join(tmpdir(), 'dchat-staging-'));
    dirs.push(dataDir);
    // A folder of another snapshot, left by an earlier run, goes when this one opens.
    const staleDir = join(dataDir, 'statesync', '1-00');
    const stale = new ChunkStaging(dataDir, { ...manifest, height: 1n });
    stale.open();
    const staging = new ChunkStaging(dataDir, manifest);
    staging.open();
    expect(readdirSync(join(dataDir, 'statesync'))).toEqual([staging.dir.split('/').at(-1)]);
    expect(staleDir).not.toBe(staging.dir);
    const [first, second, third] = nonEmpty(manifest);
    staging.put(first!, chunks.get(first!)!);
    staging.put(second!, chunks.get(second!)!);
    // A kill in the middle of a write leaves a temporary file; rot damages a kept one.
    writeFileSync(join(staging.dir, `chunk-${third}.tmp`), chunks.get(third!)!.subarray(0, 5));
    const damaged = Uint8Array.from(chunks.get(second!)!);
    damaged[damaged.length - 1]! ^= 1;
    writeFileSync(join(staging.dir, `chunk-${second}`), damaged);
    const resumed = new ChunkStaging(dataDir, manifest);
    resumed.open();
    expect([...resumed.verifiedOnDisk()]).toEqual([first]);
    expect(readdirSync(resumed.dir)).toEqual([`chunk-${first}`]);
    for (const index of nonEmpty(manifest)) if (index !== first) resumed.put(index, chunks.get(index)!);
    const back = [...resumed.chunks()].flatMap((c) => verifyChunk(manifest, c.index, c.bytes)).map((p) => Buffer.from(p.key).toString()).sort();
    expect(back).toEqual(pairs.map((p) => Buffer.from(p.key).toString()).sort());
    resumed.remove();
    expect(readdirSync(dataDir)).toEqual([]);
  });
});
