/**
 * The state tree's benchmark (`--only=tree`, issue 14 item 6): bulk build of the accounts, the root
 * update of a 10,000-transfer block (20,000 changed keys), proof size, proof generation and light
 * verification. The same-run baseline is raw one-shot SHA-256 of a 65-byte node preimage, the cost
 * the tree pays per node hash. Nodes live in the in-memory node store here; the LevelDB figures
 * come from a child process (tree-level-child.ts); the tree inside block import is in block-suites.ts.
 */
import { runJsonChild } from './json-child.ts';
import { hash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EMPTY_ROOT, MemoryNodeStore, type TreeRoot, type TreeUpdate, applyWrites, buildTree, proveKey, proveKeys } from '../../src/chain/state-tree/index.ts';
import { internalHashOf, pairHasher } from '../../src/chain/state-tree/hash.ts';
import { encodeStateProof, verifyStateProof } from '../../src/light/index.ts';
import { type BenchContext, MB, add, rate } from './suites.ts';
import { nowMs, percentile, repeat, summarize } from './stats.ts';
import { accountValue, blockWrites, proofProbes, accountKey } from './tree-accounts.ts';
import type { TreeBuildReport, TreeLevelReport } from './tree-level-child.ts';

const CHILD = fileURLToPath(new URL('./tree-level-child.ts', import.meta.url));

/** The LevelDB figures come from a child process (tree-level-child.ts), so its RSS is the tree's alone. */
function runLevelChild<R>(mode: 'build' | 'blocks', n: number, changed: number, runs: number, dir: string): Promise<R> {
  return runJsonChild<R>(CHILD, [mode, String(n), String(changed), String(runs), dir], 'tree LevelDB child');
}

export async function benchTree(ctx: BenchContext): Promise<void> {
  const { sizes, log } = ctx;
  const n = sizes.accounts;
  const changed = Math.min(2 * sizes.bigBlockTxs, n);
  log(`tree: ${n.toLocaleString('en-US')} accounts, a block of ${sizes.bigBlockTxs.toLocaleString('en-US')} transfers = ${changed.toLocaleString('en-US')} changed keys (in-memory node store)`);
  const preimage = new Uint8Array(65);
  const hashes = 200_000;
  add(ctx, {
    id: 'tree.sha256.raw',
    label: 'raw SHA-256 of a 65-byte preimage, node:crypto one-shot (BASELINE)',
    unit: 'hash/s',
    summary: await repeat(sizes.runs, () => {
      const start = nowMs();
      for (let i = 0; i < hashes; i++) {
        preimage[1] = i;
        hash('sha256', preimage, 'buffer');
      }
      return rate(hashes, nowMs() - start);
    }, 1),
  });

  // What the tree pays per internal node since protocol version 6 (64-byte pairs, docs/protocol.md §18.2).
  const pairBytes = new Uint8Array(64);
  const pairHash = new Uint8Array(32);
  add(ctx, {
    id: 'tree.sha256.pair',
    label: `internal node hash as the tree computes it (SHA-256 of a 64-byte pair, ${pairHasher === 'native' ? '@chainsafe/hashtree, one native call per node' : 'JS SHA-256: the native hasher did not load'})`,
    unit: 'hash/s',
    summary: await repeat(sizes.runs, () => {
      const start = nowMs();
      for (let i = 0; i < hashes; i++) {
        pairBytes[1] = i;
        internalHashOf(pairBytes, 0, pairBytes, 32, pairHash, 0);
      }
      return rate(hashes, nowMs() - start);
    }, 1),
  });

  const store = new MemoryNodeStore();
  let root: TreeRoot = EMPTY_ROOT;
  let built = 0;
  add(ctx, {
    id: 'tree.build',
    label: `bulk build of ${n.toLocaleString('en-US')} accounts (buildTree, chunks of nodes into the in-memory store)`,
    unit: 'ms',
    summary: await repeat(1, async () => {
      const start = nowMs();
      root = await buildTree(0n, Array.from({ length: n }, (_, i) => [accountKey(i), accountValue(i, 0)] as const), (puts) => {
        built += puts.length;
        store.apply({ version: 0n, root: EMPTY_ROOT, puts, stale: [] });
      });
      return nowMs() - start;
    }),
    note: `${built.toLocaleString('en-US')} nodes`,
  });

  let last: TreeUpdate | undefined;
  const updateCpu: number[] = [];
  const updateSummary = await repeat(sizes.runs, async (run) => {
    const writes = blockWrites(n, changed, run + 2);
    const cpu = process.cpuUsage();
    const start = nowMs();
    last = await applyWrites(store, root, 1n, writes);
    const ms = nowMs() - start;
    const used = process.cpuUsage(cpu);
    if (run >= 0) updateCpu.push((used.user + used.system) / 1000);
    return ms;
  }, 1);
  const hashRate = ctx.figures.find((f) => f.id === 'tree.sha256.raw')!.summary.median;
  const putBytes = last!.puts.reduce((sum, p) => sum + p.key.length + p.value.length, 0);
  // The update's hashes: one per node written (internal nodes and new leaves) plus each key's and value's.
  const hashesMs = ((last!.puts.length + 2 * changed) * 1000) / hashRate;
  const cpuMedian = percentile(updateCpu, 50);
  add(ctx, {
    id: 'tree.update',
    label: `state root update, ${changed.toLocaleString('en-US')} changed keys on ${n.toLocaleString('en-US')} keys (fetch, hash, node writes as data)`,
    unit: 'ms',
    summary: updateSummary,
    target: { text: '<= 200 ms', check: (median) => median <= 200 },
    note: `CPU ${cpuMedian.toFixed(0)} ms; ${last!.puts.length.toLocaleString('en-US')} node writes (${(putBytes / sizes.bigBlockTxs).toFixed(0)} B and ${(last!.puts.length / sizes.bigBlockTxs).toFixed(1)} nodes per transfer), ${last!.stale.length.toLocaleString('en-US')} stale; its ${(last!.puts.length + 2 * changed).toLocaleString('en-US')} hashes take the baseline ${hashesMs.toFixed(0)} ms, so the update costs ${(updateSummary.median / hashesMs).toFixed(1)}x its hashes (wall), ${(cpuMedian / hashesMs).toFixed(1)}x (CPU)`,
  });
  const memory = process.memoryUsage();
  add(ctx, {
    id: 'tree.memory.rss',
    label: `RSS of the bench process holding the ${n.toLocaleString('en-US')}-key tree in the in-memory store`,
    unit: 'MiB',
    summary: summarize([memory.rss / MB]),
    note: `heap used ${(memory.heapUsed / MB).toFixed(0)} MiB, array buffers ${(memory.arrayBuffers / MB).toFixed(0)} MiB, ${store.size.toLocaleString('en-US')} nodes`,
  });

  const sample = Math.min(10_000, n);
  const probes = proofProbes(n, sample);
  const proofs = (await proveKeys(store, root, probes)).map((p) => encodeStateProof(p.proof));
  const lengths = proofs.map((p) => p.length);
  add(ctx, {
    id: 'tree.proof.bytes',
    label: `proof size at ${n.toLocaleString('en-US')} keys, p99 of ${sample.toLocaleString('en-US')} (half present, half absent)`,
    unit: 'B',
    summary: summarize([percentile(lengths, 99)]),
    target: { text: '<= 1,536 B', check: (median) => median <= 1536 },
    note: `median ${percentile(lengths, 50)} B, max ${Math.max(...lengths)} B`,
  });
  add(ctx, {
    id: 'tree.prove.batch',
    label: `proof generation, ${sample.toLocaleString('en-US')} keys per call (one store read per level)`,
    unit: 'proof/s',
    summary: await repeat(sizes.runs, async () => {
      const start = nowMs();
      const out = await proveKeys(store, root, probes);
      for (const p of out) encodeStateProof(p.proof);
      return rate(sample, nowMs() - start);
    }, 1),
    target: { text: '>= 10,000 proof/s', check: (median) => median >= 10_000 },
  });
  const single = probes.slice(0, Math.min(2_000, sample));
  add(ctx, {
    id: 'tree.prove.single',
    label: 'proof generation, one key per call (as one API request)',
    unit: 'proof/s',
    summary: await repeat(sizes.runs, async () => {
      const start = nowMs();
      for (const key of single) encodeStateProof((await proveKey(store, root, key)).proof);
      return rate(single.length, nowMs() - start);
    }, 1),
    target: { text: '>= 10,000 proof/s', check: (median) => median >= 10_000 },
  });
  const values = single.map((_, j) => (j % 2 === 0 ? accountValue((j * 7919) % n, 0) : null));
  add(ctx, {
    id: 'tree.verify',
    label: 'light verification of one proof (portable SHA-256, src/light)',
    unit: 'ms',
    summary: await repeat(sizes.runs, () => {
      const start = nowMs();
      single.forEach((key, j) => verifyStateProof({ root: root.hash, key, value: values[j]!, proof: proofs[j]! }));
      return (nowMs() - start) / single.length;
    }, 1),
    target: { text: '<= 5 ms', check: (median) => median <= 5 },
  });
  await benchTreeLevel(ctx, n, changed);
}

/** The node's case: the tree in LevelDB behind the bounded cache, in a child process. */
async function benchTreeLevel(ctx: BenchContext, n: number, changed: number): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'dchat-bench-tree-'));
  try {
    const b = await runLevelChild<TreeBuildReport>('build', n, changed, 0, join(dir, 'db'));
    const r = await runLevelChild<TreeLevelReport>('blocks', n, changed, Math.max(3, ctx.sizes.runs), join(dir, 'db'));
    add(ctx, {
      id: 'tree.level.build',
      label: `genesis bulk build of ${n.toLocaleString('en-US')} keys into LevelDB (buildTree, one batch per chunk)`,
      unit: 'ms',
      summary: summarize([b.buildMs]),
      note: `${b.buildNodes.toLocaleString('en-US')} nodes in ${b.buildChunks} batches; peak RSS ${(b.buildPeakRssBytes / MB).toFixed(0)} MiB; LevelDB ${(b.diskBytes / MB).toFixed(0)} MiB`,
    });
    add(ctx, {
      id: 'tree.level.update',
      label: `root update in LevelDB, ${changed.toLocaleString('en-US')} changed keys (reads through a cache of ${r.cacheNodes.toLocaleString('en-US')} nodes / ${(r.cacheBytes / MB).toFixed(0)} MiB)`,
      unit: 'ms',
      summary: summarize(r.updateMs),
      note: `CPU ${percentile(r.updateCpuMs, 50).toFixed(0)} ms; then its batch written in ${percentile(r.commitMs, 50).toFixed(0)} ms (median)`,
    });
    add(ctx, {
      id: 'tree.level.write',
      label: 'LevelDB bytes put per changed key (tree nodes and stale record, keys included)',
      unit: 'B',
      summary: summarize([r.bytesPerChangedKey]),
      note: `${r.nodesPerChangedKey.toFixed(1)} nodes per changed key`,
    });
    add(ctx, { id: 'tree.level.prove', label: 'proof generation from LevelDB, 10,000 keys per call', unit: 'proof/s', summary: summarize(r.proofsPerSecond) });
    add(ctx, {
      id: 'tree.level.rss',
      label: `RSS of a process restarted on the ${n.toLocaleString('en-US')}-key tree in LevelDB, after its blocks (the node's case)`,
      unit: 'MiB',
      summary: summarize([r.rssBytes / MB]),
      note: `heap used ${(r.heapUsedBytes / MB).toFixed(0)} of ${(r.heapTotalBytes / MB).toFixed(0)} MiB, external ${(r.externalBytes / MB).toFixed(0)} MiB, RSS anonymous ${((r.rssAnonBytes ?? 0) / MB).toFixed(0)} / file-mapped ${((r.rssFileBytes ?? 0) / MB).toFixed(0)} MiB, ${(r.rssAfterProofsBytes / MB).toFixed(0)} MiB after 30,000 proofs, peak RSS ${(r.peakRssBytes / MB).toFixed(0)} MiB`,
    });
    add(ctx, { id: 'tree.level.disk', label: `LevelDB size of the tree (${n.toLocaleString('en-US')} keys and its blocks' versions)`, unit: 'MiB', summary: summarize([r.diskBytes / MB]) });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
