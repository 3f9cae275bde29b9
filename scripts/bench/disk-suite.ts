/**
 * Disk per block (`--only=disk`, issue 15 item 5): what an archive node's data dir grows by per
 * empty block and per transfer, in total and bucket by bucket. Two chains are replayed into fresh
 * nodes as range sync does (N empty blocks; a few blocks full of transfers); each data dir, and a
 * genesis-only one as the baseline, is compacted over every key and measured (disk-usage.ts): the
 * figures are (chain - genesis) / blocks and (chain - genesis) / transfers. The blocks of the
 * transfer chain are counted in its figure: with thousands of transfers a block, they are noise.
 */
import { IMPORT_WINDOW } from '../../src/chain/import-in-order.ts';
import { type DirUsage, dirUsage, usagePer } from './disk-usage.ts';
import { type BuiltChain, type Fixture, buildChain, fixture, freshNode, silentLogger } from './fixtures.ts';
import { Pruner, type PrunerOptions } from '../../src/node/pruning/pruner.ts';
import { type BenchContext, add, fmt, replay } from './suites.ts';
import { summarize } from './stats.ts';

/** The targets of issue 15 item 5, in archive mode. */
export const EMPTY_BLOCK_TARGET = 300;
export const TRANSFER_TARGET = 250;

/**
 * `options`: the node's Pruner (src/node/pruning/pruner.ts), pruning and trimming as it replays:
 * `keepBlocks` null is archive; `keepUndo` defaults to the node's own (DEFAULT_KEEP_UNDO).
 */
async function usageAfter(ctx: BenchContext, f: Fixture, chain: BuiltChain | null, options: PrunerOptions = { keepBlocks: null }): Promise<DirUsage> {
  const node = await freshNode(f, { verifier: ctx.pool });
  const pruner = new Pruner(node.chain, options, silentLogger);
  try {
    pruner.start();
    if (chain !== null) await replay(node, chain, IMPORT_WINDOW);
    // Steady state: what a node at 6 s blocks has pruned by the time the next block comes.
    await pruner.drain();
    await pruner.close();
    await node.close();
    return await dirUsage(node.dir);
  } finally {
    await node.dispose();
  }
}

/** One row per bucket that grew: entries, raw key+value bytes and compacted disk bytes, per unit. */
export function formatUsage(usage: DirUsage, unit: string): string[] {
  const lines = [`  ${'bucket'.padEnd(16)} ${`entries/${unit}`.padStart(16)} ${'raw B'.padStart(10)} ${'disk B'.padStart(10)}`];
  for (const b of usage.buckets) {
    if (b.entries === 0 && b.rawBytes === 0 && Math.round(b.diskBytes) === 0) continue;
    lines.push(`  ${b.bucket.padEnd(16)} ${b.entries.toFixed(2).padStart(16)} ${b.rawBytes.toFixed(1).padStart(10)} ${b.diskBytes.toFixed(1).padStart(10)}`);
  }
  const raw = usage.buckets.reduce((sum, b) => sum + b.rawBytes, 0);
  const disk = usage.buckets.reduce((sum, b) => sum + b.diskBytes, 0);
  lines.push(`  ${'all buckets'.padEnd(16)} ${''.padStart(16)} ${raw.toFixed(1).padStart(10)} ${disk.toFixed(1).padStart(10)}`);
  lines.push(`  ${'data dir files'.padEnd(16)} ${''.padStart(16)} ${''.padStart(10)} ${usage.totalBytes.toFixed(1).padStart(10)}`);
  return lines;
}

const bucketNote = (usage: DirUsage): string =>
  usage.buckets
    .filter((b) => Math.round(b.diskBytes) > 0)
    .sort((a, b) => b.diskBytes - a.diskBytes)
    .map((b) => `${b.bucket} ${fmt(b.diskBytes)}`)
    .join(', ');

export async function benchDisk(ctx: BenchContext): Promise<void> {
  const { sizes, log } = ctx;
  const f = await fixture(sizes.senders);
  const txs = sizes.fullBlocks * sizes.bigBlockTxs;
  log(`disk: ${sizes.emptyBlocks} empty blocks, then ${sizes.fullBlocks} blocks of ${sizes.bigBlockTxs} transfers, replayed into fresh archive nodes; each data dir compacted and measured by bucket`);
  const genesis = await usageAfter(ctx, f, null);
  const empty = await buildChain(f, sizes.emptyBlocks, 0);
  const archive = await usageAfter(ctx, f, empty);
  const perBlock = usagePer(genesis, archive, sizes.emptyBlocks);
  const full = await buildChain(f, sizes.fullBlocks, sizes.bigBlockTxs);
  const perTx = usagePer(genesis, await usageAfter(ctx, f, full), txs);
  // Steady state: the growth between two chain lengths, both past the windows that stay bounded
  // (the tree's PROVABLE_DEPTH, a pruning node's keep; the undo window of DEFAULT_KEEP_UNDO is
  // 50,000 blocks, so the second archive pair shrinks it to `keep` to show the growth past it too).
  const keep = Math.max(1, Math.floor(sizes.emptyBlocks / 4));
  const half = Math.floor(sizes.emptyBlocks / 2);
  const halfChain = { ...empty, blocks: empty.blocks.slice(0, half) };
  const growth = async (options: PrunerOptions, whole?: DirUsage): Promise<DirUsage> =>
    usagePer(await usageAfter(ctx, f, halfChain, options), whole ?? (await usageAfter(ctx, f, empty, options)), sizes.emptyBlocks - half);
  const perArchiveBlock = await growth({ keepBlocks: null }, archive);
  const perArchiveBlockPastUndo = await growth({ keepBlocks: null, keepUndo: keep });
  const perPrunedBlock = await growth({ keepBlocks: keep });
  const from = `from ${half.toLocaleString('en-US')} to ${sizes.emptyBlocks.toLocaleString('en-US')} blocks, compacted`;
  const rows: [string, string, DirUsage, boolean][] = [
    ['disk.per-empty-block.whole', `data dir bytes per empty block (${sizes.emptyBlocks.toLocaleString('en-US')} blocks, compacted, archive; windows included)`, perBlock, false],
    ['disk.per-empty-block', `data dir growth per empty block, archive (${from}; the first 50,000 blocks' undo records kept)`, perArchiveBlock, false],
    ['disk.per-empty-block.past-windows', `data dir growth per empty block, archive, past every window (undo window ${keep.toLocaleString('en-US')}; ${from})`, perArchiveBlockPastUndo, true],
    ['disk.per-empty-block.pruned', `data dir growth per empty block, pruned (keep ${keep.toLocaleString('en-US')}; ${from})`, perPrunedBlock, false],
  ];
  for (const [id, label, usage, targeted] of rows) {
    log(`${label}:`);
    for (const line of formatUsage(usage, 'block')) log(line);
    add(ctx, {
      id,
      label,
      unit: 'B',
      summary: summarize([usage.totalBytes]),
      ...(targeted ? { target: { text: `<= ${EMPTY_BLOCK_TARGET} B`, check: (median: number) => median <= EMPTY_BLOCK_TARGET } } : {}),
      note: bucketNote(usage),
    });
  }
  log('disk per transfer (after - genesis) / transfers:');
  for (const line of formatUsage(perTx, 'tx')) log(line);
  add(ctx, {
    id: 'disk.per-transfer',
    label: `data dir bytes per transfer (${txs.toLocaleString('en-US')} transfers in ${sizes.fullBlocks} blocks, compacted, archive)`,
    unit: 'B',
    summary: summarize([perTx.totalBytes]),
    target: { text: `<= ${TRANSFER_TARGET} B`, check: (median) => median <= TRANSFER_TARGET },
    note: bucketNote(perTx),
  });
  // Pruned: the transfers' blocks, then the empty chain's length on top, so the window has moved
  // past them; against the empty chain alone (3 blocks shorter, noise next to the transfers).
  const fullThenEmpty = await buildChain(f, sizes.fullBlocks + sizes.emptyBlocks, (h) => (h <= sizes.fullBlocks ? sizes.bigBlockTxs : 0));
  const pruned = { keepBlocks: keep };
  const perPrunedTx = usagePer(await usageAfter(ctx, f, empty, pruned), await usageAfter(ctx, f, fullThenEmpty, pruned), txs);
  const prunedLabel = `data dir bytes per transfer, pruned (keep ${keep.toLocaleString('en-US')}; ${txs.toLocaleString('en-US')} transfers, then ${sizes.emptyBlocks.toLocaleString('en-US')} empty blocks, compacted)`;
  log(`${prunedLabel}:`);
  for (const line of formatUsage(perPrunedTx, 'tx')) log(line);
  add(ctx, { id: 'disk.per-transfer.pruned', label: prunedLabel, unit: 'B', summary: summarize([perPrunedTx.totalBytes]), note: bucketNote(perPrunedTx) });
}
