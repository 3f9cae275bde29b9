/**
 * Block commit under API load (issue 12 item 3): a dev node with the public-node API limits, its
 * block processing p99 over an idle window, then over a window with `apiClients` clients on the
 * heaviest routes, same node, same run (the idle one is the baseline; the ratio is in the note, as
 * the table's ratios are to raw ed25519). Missed slots are in the note too: the target is 0.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/node/config.ts';
import { createLogger } from '../../src/node/logger.ts';
import { DchatNode } from '../../src/node/node.ts';
import { HEAVY_PATHS, measureCadence } from '../../test/reliability/support/api-load.ts';
import { percentile, summarize } from './stats.ts';
import { type BenchContext, add } from './suites.ts';

const BLOCK_MS = 500;

export async function benchApiLoad(ctx: BenchContext): Promise<void> {
  const { sizes, log } = ctx;
  log(`api: block processing with ${sizes.apiClients} API clients on the heaviest routes vs idle, ${sizes.apiSeconds} s windows, ${BLOCK_MS} ms blocks`);
  const dir = await mkdtemp(join(tmpdir(), 'dchat-bench-api-'));
  const node = await DchatNode.init(loadConfig({ dev: true, data_dir: dir, api_port: 0, block_time_ms: String(BLOCK_MS), log_level: 'silent' }), { logger: createLogger('silent', false) });
  const idle: number[] = [];
  const loaded: number[] = [];
  const missed = { idle: 0, loaded: 0 };
  let answered = 0;
  let refused = 0;
  try {
    for (let run = 0; run < sizes.heavyRuns; run++) {
      const quiet = await measureCadence(node, sizes.apiSeconds * 1000, null);
      const busy = await measureCadence(node, sizes.apiSeconds * 1000, { clients: sizes.apiClients, paths: HEAVY_PATHS });
      idle.push(quiet.processP99Ms);
      loaded.push(busy.processP99Ms);
      missed.idle += quiet.missedSlots;
      missed.loaded += busy.missedSlots;
      answered += busy.load?.byStatus['200'] ?? 0;
      refused += (busy.load?.requests ?? 0) - (busy.load?.byStatus['200'] ?? 0);
    }
  } finally {
    await node.close();
    await rm(dir, { recursive: true, force: true });
  }
  add(ctx, { id: 'api.commit.idle.p99', label: 'block processing p99, API idle', unit: 'ms', summary: summarize(idle), note: `${missed.idle} missed slots` });
  const ratio = percentile(loaded, 50) / percentile(idle, 50);
  add(ctx, {
    id: 'api.commit.load.p99',
    label: `block processing p99, ${sizes.apiClients} API clients on the heaviest routes`,
    unit: 'ms',
    summary: summarize(loaded),
    target: { text: 'p99 < 500 ms, 0 missed slots', check: (median) => median < 500 && missed.loaded === 0 },
    note: `${ratio.toFixed(1)}x idle; ${missed.loaded} missed slots; ${answered} answered, ${refused} refused (typed 429/503)`,
  });
}
