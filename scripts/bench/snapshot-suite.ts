/**
 * State snapshots (`--only=snapshot`, issue 15 items 1 and 7): cutting a snapshot of a
 * 1,000,000-account state into chunk files (what a node does every snapshot_interval heights, while
 * it keeps producing), with the event loop's delay meanwhile, and checking every chunk of it on
 * the restoring side. The same-run baseline is the unavoidable work: SHA-256 of every key and
 * every value (the writer and the checker hash each once, plus the subtree nodes).
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { depthFor } from '../../src/chain/snapshot/format.ts';
import { rootFromSubtrees } from '../../src/chain/snapshot/subtree-root.ts';
import { verifyChunk, verifyManifest } from '../../src/chain/snapshot/verify.ts';
import { writeSnapshot } from '../../src/chain/snapshot/writer.ts';
import { type BenchContext, MB, add, rate } from './suites.ts';
import { nowMs, summarize } from './stats.ts';
import { accountKey, accountValue } from './tree-accounts.ts';

async function* pairsOf(n: number): AsyncGenerator<{ key: Uint8Array; value: Uint8Array }> {
  for (let i = 0; i < n; i++) yield { key: accountKey(i), value: accountValue(i, 0) };
}

export async function benchSnapshot(ctx: BenchContext): Promise<void> {
  const n = ctx.sizes.accounts;
  ctx.log(`snapshot: ${n.toLocaleString('en-US')} accounts cut into chunk files, then every chunk checked`);
  const start = nowMs();
  for (let i = 0; i < n; i++) {
    createHash('sha256').update(accountKey(i)).digest();
    createHash('sha256').update(accountValue(i, 0)).digest();
  }
  const baseline = add(ctx, { id: 'snapshot.hash.raw', label: `SHA-256 of every key and value of ${n.toLocaleString('en-US')} accounts (BASELINE)`, unit: 'pair/s', summary: single(rate(n, nowMs() - start)) });

  const dir = await mkdtemp(join(tmpdir(), 'dchat-bench-snapshot-'));
  try {
    const depth = depthFor(n, 2_048);
    const cutStart = nowMs();
    let bytes = 0;
    // The longest run of work between two yields: what a block production due meanwhile waits at most.
    let longest = 0;
    let yields = 0;
    let since = nowMs();
    // The writer needs a trusted block only to copy its fields into the manifest; the root is checked below.
    const manifest = await writeSnapshot(pairsOf(n), {
      block: { height: 1n, hash: new Uint8Array(32), stateRoot: new Uint8Array(32) },
      depth,
      pause: () => {
        longest = Math.max(longest, nowMs() - since);
        yields++;
        return new Promise<void>((resolve) => setImmediate(() => {
          since = nowMs();
          resolve();
        }));
      },
      writeChunk: async (index, chunk) => {
        bytes += chunk.length;
        await writeFile(join(dir, `chunk-${index}.bin`), chunk);
      },
    });
    const cutMs = nowMs() - cutStart;
    const root = rootFromSubtrees(manifest.chunks).hash;
    add(ctx, {
      id: 'snapshot.cut', label: `cut a snapshot of ${n.toLocaleString('en-US')} accounts into ${manifest.chunks.length.toLocaleString('en-US')} chunk files (depth ${depth})`, unit: 'pair/s',
      summary: single(rate(n, cutMs)),
      note: `${Math.round(cutMs).toLocaleString('en-US')} ms, ${(bytes / MB).toFixed(1)} MiB of chunks; ${(rate(n, cutMs) / baseline.summary.median).toFixed(2)}x the hashing baseline`,
    });
    add(ctx, {
      id: 'snapshot.loop-delay', label: 'longest work between two yields while the snapshot is cut (what block production waits at most)', unit: 'ms',
      summary: single(longest), note: `${yields.toLocaleString('en-US')} yields to the event loop`,
    });
    const checkStart = nowMs();
    // The state root is the one the chunks combine to (a node's block would carry it).
    verifyManifest({ ...manifest, stateRoot: root }, { height: 1n, hash: new Uint8Array(32), stateRoot: root });
    let pairs = 0;
    for (let i = 0; i < manifest.chunks.length; i++) pairs += verifyChunk(manifest, i, await readFile(join(dir, `chunk-${i}.bin`))).length;
    if (pairs !== n) throw new Error(`the snapshot holds ${pairs} pairs, not ${n}`);
    const checked = rate(n, nowMs() - checkStart);
    add(ctx, {
      id: 'snapshot.check', label: 'check every chunk of it (decode, order, prefix, subtree hash: a restoring node\'s work)', unit: 'pair/s',
      summary: single(checked), note: `${(checked / baseline.summary.median).toFixed(2)}x the hashing baseline`,
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const single = (value: number) => summarize([value]);
