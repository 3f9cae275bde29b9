/**
 * The benchmark suite in its short mode, as a CI smoke test: every benchmark runs and produces
 * numbers, with its baseline from the same run. No timing threshold is checked here: the figures
 * of a shared CI machine say nothing; `npm run bench` on a quiet machine does.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type BenchResults, runBench } from '../../scripts/bench/run.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const EXPECTED = [
  'verify.raw',
  'verify.cached',
  'verify.pool',
  'import.transfers',
  'import.transfers.sequential',
  'import.transfers.1thread',
  'commit.transfers.p50',
  'commit.transfers.p99',
  'block.build',
  'block.import',
  'mempool.batch',
  'block.import.known',
  'block.produce',
  'sync.empty',
  'commit.empty.p50',
  'commit.empty.p99',
  'disk.empty',
  'sync.full',
  'commit.full.p50',
  'commit.full.p99',
  'disk.full',
  'memory.state',
  'disk.state',
  'memory.genesis.first',
  'memory.genesis.restart',
  'disk.genesis',
  'api.commit.idle.p99',
  'api.commit.load.p99',
  'tree.sha256.raw',
  'tree.sha256.pair',
  'tree.build',
  'tree.update',
  'tree.memory.rss',
  'tree.proof.bytes',
  'tree.prove.batch',
  'tree.prove.single',
  'tree.verify',
  'tree.level.build',
  'tree.level.update',
  'tree.level.write',
  'tree.level.prove',
  'tree.level.rss',
  'tree.level.disk',
  'snapshot.hash.raw',
  'snapshot.cut',
  'snapshot.loop-delay',
  'snapshot.check',
  'statesync.replay',
  'statesync.snapshot',
  'disk.per-empty-block.whole',
  'disk.per-empty-block',
  'disk.per-empty-block.past-windows',
  'disk.per-empty-block.pruned',
  'disk.per-transfer',
  'disk.per-transfer.pruned',
];

/** Figures of a data dir's growth, which is ~0 by design (bounded disk): no sign is required of them. */
const GROWTH_FIGURES = new Set(['disk.per-empty-block.pruned', 'disk.per-transfer.pruned']);

describe('npm run bench -- --short (smoke)', () => {
  it('runs every benchmark and writes its figures, each with median, min and max', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dchat-bench-smoke-'));
    dirs.push(dir);
    const lines: string[] = [];
    const results = await runBench({ short: true, outDir: dir, log: (line) => lines.push(line) });

    expect(results.figures.map((f) => f.id)).toEqual(EXPECTED);
    for (const f of results.figures) {
      const { median, min, max, runs, samples } = f.summary;
      for (const value of [median, min, max]) {
        expect(Number.isFinite(value), f.id).toBe(true);
        // A growth may be nothing (a pruned node past its window: a few bytes either way); every other figure is positive.
        if (!GROWTH_FIGURES.has(f.id)) expect(value, f.id).toBeGreaterThan(0);
      }
      expect(min).toBeLessThanOrEqual(median);
      expect(median).toBeLessThanOrEqual(max);
      expect(samples).toHaveLength(runs);
      if (f.ratio !== undefined) {
        expect(f.ratio.to).toBe('verify.raw');
        expect(Number.isFinite(f.ratio.value) && f.ratio.value > 0).toBe(true);
      }
    }
    // The rates that the issue compares with the baseline carry their ratio.
    for (const id of ['verify.cached', 'verify.pool', 'import.transfers', 'import.transfers.sequential', 'import.transfers.1thread']) {
      expect(results.figures.find((f) => f.id === id)?.ratio, id).toBeDefined();
    }
    // The import rates are compared with the baseline measured again just before each run.
    for (const id of ['import.transfers', 'import.transfers.sequential', 'import.transfers.1thread']) {
      expect(results.figures.find((f) => f.id === id)?.ratio?.paired, id).toBe(true);
    }
    // The shares of an import: the five stages add up to 100 %.
    const stages = results.importShares.slice(0, 5);
    expect(stages.map((s) => s.stage)).toEqual(['decode', 'verify (pool)', 'apply', 'state root', 'LevelDB commit']);
    expect(stages.reduce((sum, s) => sum + s.percent, 0)).toBeCloseTo(100, 5);

    // Printed as a table and written as JSON.
    const table = lines.join('\n');
    expect(table).toContain('raw ed25519 verify, 1 core');
    expect(table).toMatch(/figure\s+unit\s+median\s+min\s+max\s+ratio/);
    // The disk suite breaks its figures down by bucket; within the short chain (no window reached) the tree's nodes grow with every block.
    expect(table).toContain('data dir bytes per empty block (20 blocks, compacted, archive; windows included):');
    expect(table).toContain('disk per transfer (after - genesis) / transfers:');
    expect(table).toMatch(/TREE_NODE\s+\d/);
    const written = JSON.parse(readFileSync(results.file!, 'utf8')) as BenchResults;
    expect(written.figures.map((f) => f.id)).toEqual(EXPECTED);
    expect(JSON.parse(readFileSync(join(dir, 'latest-short.json'), 'utf8'))).toEqual(written);
    expect(written.machine.nproc).toBeGreaterThan(0);
  });

  it('the command line runs a suite and refuses an unknown one', () => {
    const cli = join(import.meta.dirname, '../../scripts/bench.ts');
    const ok = spawnSync(process.execPath, [cli, '--short', '--only=signatures', '--no-write'], { encoding: 'utf8' });
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('raw ed25519 verify, 1 core');
    const bad = spawnSync(process.execPath, [cli, '--short', '--only=nope', '--no-write'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('Unknown suite');
  });
});
