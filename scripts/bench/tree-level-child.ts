/**
 * The state tree in LevelDB, the node's case (run in its own process by tree-suite.ts, so its RSS
 * is the tree's alone):
 *
 *   node --expose-gc scripts/bench/tree-level-child.ts <build|blocks> <accounts> <changed keys> <runs> <data dir>
 *
 * `build` (a genesis, first start): the tree of `accounts` accounts as version 0 with buildTree,
 * each chunk of nodes one LevelDB batch. `blocks` (a restart on that dir, the node's steady state):
 * `runs` blocks of `changed` keys each, applyWrites through the LevelNodeStore's bounded cache and
 * its commitOps written as one batch, then proofs. Each prints one JSON line (TreeLevelReport).
 */
import { peakRssBytes } from './json-child.ts';
import { readFile, writeFile } from 'node:fs/promises';
import { Level } from 'level';
import { EMPTY_ROOT, LevelNodeStore, type TreeRoot, applyWrites, buildTree, proveKeys } from '../../src/chain/state-tree/index.ts';
import { dirBytes } from './fixtures.ts';
import { accountKey, accountValue, blockWrites, proofProbes } from './tree-accounts.ts';

export interface TreeBuildReport {
  readonly buildMs: number;
  readonly buildNodes: number;
  readonly buildChunks: number;
  readonly buildPeakRssBytes: number;
  readonly diskBytes: number;
}

export interface TreeLevelReport {
  /** Per block: the update computed (reads through the cache), then its batch written. */
  readonly updateMs: number[];
  readonly commitMs: number[];
  readonly updateCpuMs: number[];
  readonly bytesPerChangedKey: number;
  readonly nodesPerChangedKey: number;
  readonly proofsPerSecond: number[];
  /** After the blocks, before the proofs; then after 30,000 proofs (their garbage grows the heap V8 keeps). */
  readonly rssBytes: number;
  readonly rssAfterProofsBytes: number;
  readonly heapUsedBytes: number;
  readonly heapTotalBytes: number;
  /** Linux's split of the RSS (/proc/self/status): anonymous memory, and file pages mapped in (LevelDB maps its table files to read them). */
  readonly rssAnonBytes: number | null;
  readonly rssFileBytes: number | null;
  readonly externalBytes: number;
  readonly peakRssBytes: number;
  readonly diskBytes: number;
  readonly cacheNodes: number;
  readonly cacheBytes: number;
}

const NODE_BUCKET = 200;
const STALE_BUCKET = 201;

/** The root of the genesis tree, kept beside the database by `build` for `blocks`. */
const rootFile = (dir: string): string => `${dir}.root.json`;

async function rssSplit(): Promise<{ anon: number | null; file: number | null }> {
  const status = await readFile('/proc/self/status', 'utf8').catch(() => '');
  const field = (name: string): number | null => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
    return match === null ? null : Number(match[1]) * 1024;
  };
  return { anon: field('RssAnon'), file: field('RssFile') };
}

async function main(): Promise<void> {
  const mode = process.argv[2];
  const [n, changed, runs] = process.argv.slice(3, 6).map(Number) as [number, number, number];
  const dir = process.argv[6];
  const gc = (globalThis as { gc?: () => void }).gc;
  if ((mode !== 'build' && mode !== 'blocks') || dir === undefined || !(n > 0) || gc === undefined) throw new Error('usage: node --expose-gc tree-level-child.ts <build|blocks> <accounts> <changed> <runs> <dir>');
  const db = new Level<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' });
  await db.open();
  const cacheNodes = 262_144;
  const cacheBytes = 64 * 1024 * 1024;
  const store = new LevelNodeStore(db, { nodeBucket: NODE_BUCKET, staleBucket: STALE_BUCKET, cacheNodes, cacheBytes });

  if (mode === 'build') {
    const start = performance.now();
    let buildNodes = 0;
    let buildChunks = 0;
    function* genesis(): Generator<readonly [Uint8Array, Uint8Array]> {
      for (let i = 0; i < n; i++) yield [accountKey(i), accountValue(i, 0)];
    }
    const root = await buildTree(0n, genesis(), async (puts) => {
      buildNodes += puts.length;
      buildChunks++;
      await db.batch(store.commitOps({ version: 0n, root: EMPTY_ROOT, puts, stale: [] }));
    });
    const buildMs = performance.now() - start;
    await db.close();
    await writeFile(rootFile(dir), JSON.stringify({ hash: Buffer.from(root.hash).toString('hex'), kind: root.ref?.kind ?? null }));
    const report: TreeBuildReport = { buildMs, buildNodes, buildChunks, buildPeakRssBytes: peakRssBytes(), diskBytes: await dirBytes(dir) };
    console.log(JSON.stringify(report));
    return;
  }
  const saved = JSON.parse(await readFile(rootFile(dir), 'utf8')) as { hash: string; kind: 'leaf' | 'internal' | null };
  const rootHash = Uint8Array.from(Buffer.from(saved.hash, 'hex'));
  let root: TreeRoot = saved.kind === null ? EMPTY_ROOT : { hash: rootHash, ref: { kind: saved.kind, version: 0n, hash: rootHash } };
  let start = 0;

  const updateMs: number[] = [];
  const commitMs: number[] = [];
  const updateCpuMs: number[] = [];
  let bytes = 0;
  let nodes = 0;
  for (let run = 0; run < runs; run++) {
    const writes = blockWrites(n, changed, run + 2);
    const cpu = process.cpuUsage();
    start = performance.now();
    const update = await applyWrites(store, root, BigInt(run + 1), writes);
    updateMs.push(performance.now() - start);
    const used = process.cpuUsage(cpu);
    updateCpuMs.push((used.user + used.system) / 1000);
    const ops = store.commitOps(update);
    start = performance.now();
    await db.batch(ops);
    store.written(update);
    commitMs.push(performance.now() - start);
    for (const op of ops) bytes += op.key.length + (op.type === 'put' ? op.value.length : 0);
    nodes += update.puts.length;
    root = update.root;
  }

  const settle = async (): Promise<NodeJS.MemoryUsage> => {
    for (let i = 0; i < 3; i++) {
      gc();
      await new Promise((resolve) => setImmediate(resolve));
    }
    return process.memoryUsage();
  };
  // The node's steady state: the tree behind its cache after its blocks (proof garbage comes after).
  const memory = await settle();
  const split = await rssSplit();

  const probes = proofProbes(n, 10_000);
  const proofsPerSecond: number[] = [];
  for (let r = 0; r < 3; r++) {
    start = performance.now();
    await proveKeys(store, root, probes);
    proofsPerSecond.push((probes.length * 1000) / (performance.now() - start));
  }
  const rssAfterProofsBytes = (await settle()).rss;
  const report: TreeLevelReport = {
    updateMs, commitMs, updateCpuMs,
    bytesPerChangedKey: bytes / (changed * runs), nodesPerChangedKey: nodes / (changed * runs), proofsPerSecond,
    rssBytes: memory.rss, rssAfterProofsBytes, heapUsedBytes: memory.heapUsed, heapTotalBytes: memory.heapTotal, rssAnonBytes: split.anon, rssFileBytes: split.file, externalBytes: memory.external, peakRssBytes: peakRssBytes(),
    diskBytes: 0, cacheNodes, cacheBytes,
  };
  await db.close();
  console.log(JSON.stringify({ ...report, diskBytes: await dirBytes(dir) }));
}

await main();
