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
import { Pruner } from '../../src/node/pruning/pruner.ts';
import { type BenchContext, add, fmt, replay } from './suites.ts';
import { summarize } from './stats.ts';

/** The targets of issue 15 item 5, in archive mode. */
export const EMPTY_BLOCK_TARGET = 300;
export const TRANSFER_TARGET = 250;

/** `keep`: a pruning node keeping that many blocks (src/node/pruning/pruner.ts), pruning as it replays; null: archive. */
async function usageAfter(ctx: BenchContext, f: Fixture, chain: BuiltChain | null, keep: number | null = null): Promise<DirUsage> {
  const node = await freshNode(f, { verifier: ctx.pool });
  const pruner = keep === null ? null : new Pruner(node.chain, keep, silentLogger);
  try {
    pruner?.start();
    if (chain !== null) await replay(node, chain, IMPORT_WINDOW);
    // Steady state: what a node at 6 s blocks has pruned by the time the next block comes.
    await pruner?.drain();
    await pruner?.close();
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
  const perBlock = usagePer(genesis, await usageAfter(ctx, f, empty), sizes.emptyBlocks);
  const full = await buildChain(f, sizes.fullBlocks, sizes.bigBlockTxs);
  const perTx = usagePer(genesis, await usageAfter(ctx, f, full), txs);
  // Pruned, in steady state: the growth between two chain lengths, both past the window.
  const keep = Math.max(1, Math.floor(sizes.emptyBlocks / 4));
  const half = Math.floor(sizes.emptyBlocks / 2);
  const prunedHalf = await usageAfter(ctx, f, { ...empty, blocks: empty.blocks.slice(0, half) }, keep);
  const prunedFull = await usageAfter(ctx, f, empty, keep);
  const perPrunedBlock = usagePer(prunedHalf, prunedFull, sizes.emptyBlocks - half);
  log('disk per empty block (after - genesis) / blocks:');
  for (const line of formatUsage(perBlock, 'block')) log(line);
  log('disk per transfer (after - genesis) / transfers:');
  for (const line of formatUsage(perTx, 'tx')) log(line);
  add(ctx, {
    id: 'disk.per-empty-block',
    label: `data dir bytes per empty block (${sizes.emptyBlocks.toLocaleString('en-US')} blocks, compacted, archive)`,
    unit: 'B',
    summary: summarize([perBlock.totalBytes]),
    target: { text: `<= ${EMPTY_BLOCK_TARGET} B`, check: (median) => median <= EMPTY_BLOCK_TARGET },
    note: bucketNote(perBlock),
  });
  log(`disk per empty block, pruned (keep ${keep}), growth from ${half} to ${sizes.emptyBlocks} blocks:`);
  for (const line of formatUsage(perPrunedBlock, 'block')) log(line);
  add(ctx, {
    id: 'disk.per-empty-block.pruned',
    label: `data dir growth per empty block, pruned (keep ${keep.toLocaleString('en-US')}; from ${half.toLocaleString('en-US')} to ${sizes.emptyBlocks.toLocaleString('en-US')} blocks, compacted)`,
    unit: 'B',
    summary: summarize([perPrunedBlock.totalBytes]),
    note: `${bucketNote(perPrunedBlock)}; the window's blocks stay, so the dir holds about keep x the archive figure`,
  });
  add(ctx, {
    id: 'disk.per-transfer',
    label: `data dir bytes per transfer (${txs.toLocaleString('en-US')} transfers in ${sizes.fullBlocks} blocks, compacted, archive)`,
    unit: 'B',
    summary: summarize([perTx.totalBytes]),
    target: { text: `<= ${TRANSFER_TARGET} B`, check: (median) => median <= TRANSFER_TARGET },
    note: bucketNote(perTx),
  });
}
