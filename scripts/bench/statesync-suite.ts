/**
 * Joining by snapshot vs by replay (`--only=statesync`, issue 15 item 7): a source chain of
 * `statesyncBlocks` blocks whose transfers create `accounts` wallets (statesync-source.ts), then
 * two fresh nodes in child processes, one replaying every block from genesis (the baseline, this
 * same run) and one installing the source's head snapshot after checking it (statesync-child.ts):
 * the time of each and their ratio, the bytes each would fetch, and each one's peak RSS. Both
 * must end on the source's head block. The network is not in these figures: on loopback it adds
 * the transfer of the same bytes. With `--statesync-source=<dir>` the source (~1,050 s of one core
 * at full size) is built into that folder once and reused by later runs of the same sizes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixture } from './fixtures.ts';
import { runJsonChild } from './json-child.ts';
import type { JoinReport } from './statesync-child.ts';
import { type SourceChain, buildSource, keptSource } from './statesync-source.ts';
import { summarize } from './stats.ts';
import { type BenchContext, MB, add } from './suites.ts';

const CHILD = fileURLToPath(new URL('./statesync-child.ts', import.meta.url));

export async function benchStateSync(ctx: BenchContext): Promise<void> {
  const { sizes, log } = ctx;
  const blocks = sizes.statesyncBlocks;
  const n = sizes.accounts;
  log(`statesync: a source chain of ${blocks.toLocaleString('en-US')} blocks creating ${n.toLocaleString('en-US')} accounts, joined by replay and by snapshot`);
  const kept = ctx.statesyncSource;
  const dir = kept ?? (await mkdtemp(join(tmpdir(), 'dchat-bench-statesync-')));
  try {
    const f = await fixture(sizes.senders);
    let source: SourceChain;
    let reused = false;
    if (kept === undefined) source = await buildSource(f, dir, blocks, n);
    else ({ source, reused } = await keptSource(f, dir, { blocks, accounts: n, senders: sizes.senders }));
    log(`statesync: source ${reused ? `reused from ${dir} (built` : 'built'} in ${Math.round(source.buildMs / 1000)} s${reused ? ')' : ''} (${source.transfers.toLocaleString('en-US')} transfers, ${source.stateKeys.toLocaleString('en-US')} state keys, ${source.chunks} chunks)`);
    const join = (mode: 'replay' | 'snapshot'): Promise<JoinReport> => runJsonChild<JoinReport>(CHILD, [mode, String(sizes.senders), dir], `statesync ${mode}`);
    const replay = await join('replay');
    const snapshot = await join('snapshot');
    if (replay.headHash !== snapshot.headHash) throw new Error(`the two joins ended on different heads: ${replay.headHeight} ${replay.headHash} vs ${snapshot.headHeight} ${snapshot.headHash}`);
    const ratio = replay.ms / snapshot.ms;
    const what = `${blocks.toLocaleString('en-US')} blocks, ${source.stateKeys.toLocaleString('en-US')} state keys`;
    add(ctx, {
      id: 'statesync.replay', label: `join by full replay from genesis (${what}) (BASELINE of this suite)`, unit: 's',
      summary: summarize([replay.ms / 1000]), note: `${(replay.bytes / MB).toFixed(1)} MiB of blocks, peak RSS ${(replay.peakRssBytes / MB).toFixed(0)} MiB`,
    });
    add(ctx, {
      id: 'statesync.snapshot', label: `join by snapshot (check manifest and every chunk, install in one batch) (${what})`, unit: 's',
      summary: summarize([snapshot.ms / 1000]),
      note: `${ratio.toFixed(1)}x faster than replay; ${(snapshot.bytes / MB).toFixed(1)} MiB of snapshot, peak RSS ${(snapshot.peakRssBytes / MB).toFixed(0)} MiB`,
      target: { text: '< 60 s and >= 20x faster than replay', check: (median: number) => median < 60 && ratio >= 20 },
    });
  } finally {
    if (kept === undefined) await rm(dir, { recursive: true, force: true });
  }
}
