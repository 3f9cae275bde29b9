/**
 * The block, sync and memory benchmarks of `npm run bench` (suites.ts has the shared figure
 * bookkeeping and the signature and import suites); same rules: medians, same-run baselines.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkHeader } from '../../src/chain/block-import.ts';
import { decodeBlock } from '../../src/chain/codec/block.ts';
import { IMPORT_WINDOW } from '../../src/chain/import-in-order.ts';
import { bytesEqual } from '../../src/chain/codec/msgpack.ts';
import { toTxInput } from '../../src/chain/codec/tx.ts';
import { produceBlock } from '../../src/chain/block-production.ts';
import { PublicKeyCache } from '../../src/chain/verify/key-cache.ts';
import { txSignatureCheck } from '../../src/chain/verify/tx-signatures.ts';
import { type ChainParams, type Validator, META_PARAMS, META_VALIDATORS, applyBlock } from '../../src/tokenomics/index.ts';
import { type BuiltChain, type Fixture, VALIDATOR, buildChain, dirBytes, fixture, freshNode, signTransfers } from './fixtures.ts';
import type { MemoryMode, MemoryReport } from './memory-child.ts';
import { nowMs, percentile, repeat, summarize } from './stats.ts';
import { runJsonChild } from './json-child.ts';
import { type BenchContext, MB, add, fmt, importRun, rate } from './suites.ts';

export async function benchBigBlock(ctx: BenchContext): Promise<void> {
  const { sizes, log } = ctx;
  const n = sizes.bigBlockTxs;
  const f = await fixture(sizes.senders);
  log(`big block: ${n} transfers`);
  const txs = signTransfers(f, n, new Map());
  const { parent } = f;
  const proposer = { publicKey: VALIDATOR.hex, secretKey: VALIDATOR.secretKey };
  let bytes: Uint8Array = new Uint8Array(0);
  add(ctx, {
    id: 'block.build',
    label: `build a ${n.toLocaleString('en-US')}-transfer block (apply, state root, seal)`,
    unit: 'ms',
    summary: await repeat(sizes.runs, async () => {
      const start = nowMs();
      const produced = await produceBlock(parent, f.config.params, 1n, proposer, txs);
      const ms = nowMs() - start;
      if (produced.block.txs.length !== n) throw new Error('the block left transfers out');
      bytes = produced.block.bytes;
      return ms;
    }, 1),
  });
  const one: BuiltChain = { fixture: f, blocks: [bytes], txCount: n };
  add(ctx, {
    id: 'block.import',
    label: `import a ${n.toLocaleString('en-US')}-transfer block (decode, Chain.importBlock, commit)`,
    unit: 'ms',
    summary: await repeat(sizes.runs, async () => (await importRun(f, one, { pool: ctx.pool, window: 1 })).ms, 1),
    target: { text: '< 2,000 ms', check: (median) => median < 2000 },
  });

  // Mempool: the same transfers admitted as one batch, then a block produced from them.
  const wire = txs.map((t) => t.bytes);
  const produceMs: number[] = [];
  add(ctx, {
    id: 'mempool.batch',
    label: `mempool admission of ${n.toLocaleString('en-US')} transfers as one batch (Chain.submitTxs)`,
    unit: 'tx/s',
    ratioTo: 'verify.raw',
    summary: await repeat(sizes.heavyRuns, async () => {
      const node = await freshNode(f, { verifier: ctx.pool });
      try {
        const start = nowMs();
        const results = await node.chain.submitTxs(wire);
        const ms = nowMs() - start;
        if (!results.every((r) => r.ok)) throw new Error('the mempool refused a good transfer');
        const before = nowMs();
        const block = await node.chain.produce(1n, proposer);
        produceMs.push(nowMs() - before);
        if (block.txs.length !== n) throw new Error('the produced block left transfers out');
        return rate(n, ms);
      } finally {
        await node.dispose();
      }
    }),
  });
  add(ctx, {
    id: 'block.import.known',
    label: `import the same block into a node whose mempool holds its transfers (as after gossip)`,
    unit: 'ms',
    summary: await repeat(sizes.heavyRuns, async () => {
      const node = await freshNode(f, { verifier: ctx.pool });
      try {
        const results = await node.chain.submitTxs(wire);
        if (!results.every((r) => r.ok)) throw new Error('the mempool refused a good transfer');
        const start = nowMs();
        const block = decodeBlock(bytes);
        await node.chain.importBlock(block, block.header.slot);
        const ms = nowMs() - start;
        if (node.chain.mempool.size !== 0) throw new Error('the block left transfers in the mempool');
        return ms;
      } finally {
        await node.dispose();
      }
    }),
  });
  add(ctx, {
    id: 'block.produce',
    label: `produce a ${n.toLocaleString('en-US')}-transfer block from the mempool (Chain.produce, commit)`,
    unit: 'ms',
    summary: summarize(produceMs),
  });
  await benchShares(ctx, f, bytes);
}

/** The stages of importing one block, one after the other, each timed. */
async function benchShares(ctx: BenchContext, f: Fixture, bytes: Uint8Array): Promise<void> {
  const { sizes } = ctx;
  const { parent } = f;
  const params = parent.state.get(META_PARAMS) as ChainParams;
  const validators = parent.state.get(META_VALIDATORS) as readonly Validator[];
  const stages: Record<string, number[]> = { decode: [], 'verify (pool)': [], apply: [], 'state root': [], 'LevelDB commit': [] };
  const oneThread: number[] = [];
  const cache = new PublicKeyCache();
  for (let run = -1; run < sizes.heavyRuns; run++) {
    const node = await freshNode(f, { verifier: ctx.pool });
    try {
      const t0 = nowMs();
      const block = decodeBlock(bytes);
      const t1 = nowMs();
      const checks = block.txs.map(txSignatureCheck);
      const results = await ctx.pool.verify(checks);
      const t2 = nowMs();
      if (!results.every((r) => r === 1)) throw new Error('the pool refused a good signature');
      checkHeader(block, parent, params, validators, block.header.slot);
      const outcome = applyBlock(parent.state, { height: block.header.height, timestampMs: block.header.timestampMs }, block.txs.map(toTxInput));
      const t3 = nowMs();
      const tree = await node.store.tree.updateFor(block.header.height, outcome.writes);
      if (!bytesEqual(tree.root.hash, block.header.stateRoot)) throw new Error('the state root differs from the block\'s');
      const t4 = nowMs();
      const undo = new Map([...outcome.writes.keys()].map((key) => [key, parent.state.get(key) ?? null]));
      await node.store.commitBlock({
        height: block.header.height, hash: block.hash, blockBytes: block.bytes, stateRoot: tree.root.hash,
        writes: outcome.writes, undo, events: outcome.events, txHashes: block.txs.map((t) => t.hash), txBytes: block.txs.map((t) => t.bytes), timestampMs: block.header.timestampMs, tree,
      });
      const t5 = nowMs();
      for (const c of checks) cache.verify(c.publicKey, c.message, c.signature);
      const t6 = nowMs();
      if (run < 0) continue;
      stages.decode!.push(t1 - t0);
      stages['verify (pool)']!.push(t2 - t1);
      stages.apply!.push(t3 - t2);
      stages['state root']!.push(t4 - t3);
      stages['LevelDB commit']!.push(t5 - t4);
      oneThread.push(t6 - t5);
    } finally {
      await node.dispose();
    }
  }
  const medians = Object.entries(stages).map(([stage, samples]) => ({ stage, ms: summarize(samples) }));
  const total = medians.reduce((sum, s) => sum + s.ms.median, 0);
  for (const s of medians) ctx.shares.push({ ...s, percent: (100 * s.ms.median) / total });
  ctx.shares.push({ stage: 'verify on one thread (reference, not in the total)', ms: summarize(oneThread), percent: (100 * summarize(oneThread).median) / total });
  ctx.log(`  import stages: ${ctx.shares.map((s) => `${s.stage} ${fmt(s.ms.median)} ms (${s.percent.toFixed(0)}%)`).join(', ')}`);
}

// ---------------------------------------------------------------------------------------------
// Sync

export async function benchSync(ctx: BenchContext): Promise<void> {
  const { sizes, log } = ctx;
  const f = await fixture(sizes.senders);
  log(`sync: replay ${sizes.emptyBlocks} empty blocks and ${sizes.fullBlocks} blocks of ${sizes.bigBlockTxs} transfers into a fresh node`);
  for (const kind of ['empty', 'full'] as const) {
    const chain = kind === 'empty' ? await buildChain(f, sizes.emptyBlocks, 0) : await buildChain(f, sizes.fullBlocks, sizes.bigBlockTxs);
    const commits: number[] = [];
    const p99s: number[] = [];
    const p50s: number[] = [];
    const disk: number[] = [];
    const summary = await repeat(sizes.heavyRuns, async (i) => {
      const r = await importRun(f, chain, { pool: ctx.pool, window: IMPORT_WINDOW });
      if (i >= 0) {
        commits.push(...r.commitMs);
        p50s.push(percentile(r.commitMs, 50));
        p99s.push(percentile(r.commitMs, 99));
        disk.push(r.diskBytes / MB);
      }
      return rate(chain.blocks.length, r.ms);
    }, 1);
    add(ctx, {
      id: `sync.${kind}`,
      label: kind === 'empty' ? 'sync replay, empty blocks' : `sync replay, full blocks (${sizes.bigBlockTxs.toLocaleString('en-US')} transfers)`,
      unit: 'blocks/s',
      summary,
      ...(kind === 'empty' ? { target: { text: '>= 1,000 blocks/s', check: (median: number) => median >= 1000 } } : { note: `${fmt(summary.median * sizes.bigBlockTxs)} tx/s` }),
    });
    add(ctx, { id: `commit.${kind}.p50`, label: `LevelDB commit per ${kind} block, p50`, unit: 'ms', summary: summarize(p50s) });
    add(ctx, { id: `commit.${kind}.p99`, label: `LevelDB commit per ${kind} block, p99`, unit: 'ms', summary: summarize(p99s) });
    add(ctx, {
      id: `disk.${kind}`,
      label: `LevelDB size after ${chain.blocks.length} ${kind} blocks (${chain.txCount} txs)`,
      unit: 'MiB',
      summary: summarize(disk),
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Memory (child processes)

const CHILD = fileURLToPath(new URL('./memory-child.ts', import.meta.url));

function runChild(mode: MemoryMode, accounts: number, dir: string): Promise<MemoryReport> {
  return runJsonChild<MemoryReport>(CHILD, [mode, String(accounts), dir], `memory child ${mode}`);
}

export async function benchMemory(ctx: BenchContext, options: { genesis: boolean }): Promise<void> {
  const { sizes, log } = ctx;
  const n = sizes.accounts;
  log(`memory: ${n.toLocaleString('en-US')} funded accounts, each figure from its own child process`);
  const dir = await mkdtemp(join(tmpdir(), 'dchat-bench-mem-'));
  try {
    await runChild('create-state', n, join(dir, 'state'));
    const reports: MemoryReport[] = [];
    const rss = await repeat(sizes.heavyRuns, async () => {
      const r = await runChild('open-state', n, join(dir, 'state'));
      reports.push(r);
      return r.rssBytes / MB;
    });
    const last = reports.at(-1)!;
    add(ctx, {
      id: 'memory.state',
      label: `RSS of a node restarted on a state of ${n.toLocaleString('en-US')} funded accounts`,
      unit: 'MiB',
      summary: rss,
      target: { text: '< 1,024 MiB', check: (median) => median < 1024 },
      note: `${last.stateKeys.toLocaleString('en-US')} state keys, heap used ${fmt(last.heapUsedBytes / MB)} MiB, peak RSS ${fmt(last.peakRssBytes / MB)} MiB, RSS when Chain.open began ${fmt(last.rssAtOpenBytes / MB)} MiB, open ${fmt(last.openMs)} ms`,
    });
    add(ctx, { id: 'disk.state', label: `LevelDB size with ${n.toLocaleString('en-US')} funded accounts`, unit: 'MiB', summary: summarize([(await dirBytes(join(dir, 'state'))) / MB]) });
    if (options.genesis) {
      const first = await runChild('create-genesis', n, join(dir, 'genesis'));
      const again = await runChild('open-genesis', n, join(dir, 'genesis'));
      const phases = [
        ['memory.genesis.first', first, 'first start (genesis built into the store, its state kept)'],
        ['memory.genesis.restart', again, 'restart (genesis recognised by its config fingerprint, state loaded)'],
      ] as const;
      for (const [id, r, what] of phases) {
        add(ctx, {
          id,
          label: `RSS after ${what} from a genesis funding ${n.toLocaleString('en-US')} accounts`,
          unit: 'MiB',
          summary: summarize([r.rssBytes / MB]),
          target: { text: '< 1,024 MiB', check: (median) => median < 1024 },
          note: `heap used ${fmt(r.heapUsedBytes / MB)} MiB, peak RSS ${fmt(r.peakRssBytes / MB)} MiB, RSS when Chain.open began ${fmt(r.rssAtOpenBytes / MB)} MiB (genesis config included), open ${fmt(r.openMs)} ms`,
        });
      }
      add(ctx, { id: 'disk.genesis', label: `LevelDB size with a ${n.toLocaleString('en-US')}-account genesis (state and its mint events)`, unit: 'MiB', summary: summarize([(await dirBytes(join(dir, 'genesis'))) / MB]) });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
