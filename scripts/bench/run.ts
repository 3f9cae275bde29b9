/**
 * Runs the benchmark suites, prints the figures as a table (median, min, max, ratio to the
 * baseline of the same run, target) and writes them as JSON under bench-results/.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { VerifyPool } from '../../src/chain/verify/pool.ts';
import { benchApiLoad } from './api-load.ts';
import { benchTree } from './tree-suite.ts';
import { benchSnapshot } from './snapshot-suite.ts';
import { benchStateSync } from './statesync-suite.ts';
import { benchDisk } from './disk-suite.ts';
import { type BenchContext, type Figure, FULL, SHORT, type Share, type Sizes, benchImport, benchSignatures, fmt, formatRatio } from './suites.ts';
import { benchBigBlock, benchMemory, benchSync } from './block-suites.ts';

export const SUITES = ['signatures', 'import', 'block', 'sync', 'memory', 'api', 'tree', 'snapshot', 'statesync', 'disk'] as const;
export type Suite = (typeof SUITES)[number];

export interface BenchOptions {
  readonly short: boolean;
  /** Suites to run (default: all). */
  readonly only?: readonly Suite[];
  /** Directory for the JSON results; null writes none. */
  readonly outDir: string | null;
  readonly log?: (line: string) => void;
  /** Overrides of the sizes (tests use tiny ones). */
  readonly sizes?: Partial<Sizes>;
  /** See BenchContext.statesyncSource. */
  readonly statesyncSource?: string;
}

export interface Machine {
  readonly nproc: number;
  readonly cpuModel: string;
  readonly ramBytes: number;
  readonly node: string;
  readonly platform: string;
}

export interface BenchResults {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly short: boolean;
  readonly machine: Machine;
  /** 1-minute load average before and after: other work on the machine skews every figure. */
  readonly loadAverage: { readonly before: number; readonly after: number };
  readonly sizes: Sizes;
  readonly baseline: string;
  readonly figures: readonly Figure[];
  readonly importShares: readonly Share[];
  readonly file: string | null;
}

async function machine(): Promise<Machine> {
  let cpuModel = cpus()[0]?.model ?? 'unknown';
  try {
    const info = await readFile('/proc/cpuinfo', 'utf8');
    cpuModel = /^model name\s*:\s*(.+)$/m.exec(info)?.[1]?.trim() ?? cpuModel;
  } catch {
    // not Linux: node's own CPU model
  }
  return { nproc: availableParallelism(), cpuModel, ramBytes: totalmem(), node: process.version, platform: `${process.platform}-${process.arch}` };
}

export async function runBench(options: BenchOptions): Promise<BenchResults> {
  const log = options.log ?? ((line: string) => console.log(line));
  const sizes: Sizes = { ...(options.short ? SHORT : FULL), ...options.sizes };
  const suites = new Set<Suite>(options.only ?? SUITES);
  const startedAt = new Date().toISOString();
  const before = loadavg()[0]!;
  const host = await machine();
  log(`dchat bench${options.short ? ' --short' : ''}: ${host.nproc} cores (${host.cpuModel}), ${fmt(host.ramBytes / 2 ** 30)} GiB RAM, node ${host.node}, load ${before.toFixed(2)}`);
  const pool = new VerifyPool();
  await pool.warmUp();
  const ctx: BenchContext = { sizes, log, figures: [], shares: [], pool, ...(options.statesyncSource === undefined ? {} : { statesyncSource: options.statesyncSource }) };
  try {
    // The baseline is measured first in every run, whatever else runs.
    await benchSignatures(ctx);
    if (suites.has('import')) await benchImport(ctx);
    if (suites.has('block')) await benchBigBlock(ctx);
    if (suites.has('sync')) await benchSync(ctx);
    if (suites.has('memory')) await benchMemory(ctx, { genesis: true });
    if (suites.has('api')) await benchApiLoad(ctx);
    if (suites.has('tree')) await benchTree(ctx);
    if (suites.has('snapshot')) await benchSnapshot(ctx);
    if (suites.has('statesync')) await benchStateSync(ctx);
    if (suites.has('disk')) await benchDisk(ctx);
  } finally {
    await pool.close();
  }
  const results: Omit<BenchResults, 'file'> = {
    startedAt,
    finishedAt: new Date().toISOString(),
    short: options.short,
    machine: host,
    loadAverage: { before, after: loadavg()[0]! },
    sizes,
    baseline: 'verify.raw',
    figures: ctx.figures,
    importShares: ctx.shares,
  };
  let file: string | null = null;
  if (options.outDir !== null) {
    await mkdir(options.outDir, { recursive: true });
    const json = `${JSON.stringify(results, null, 2)}\n`;
    file = join(options.outDir, `bench-${startedAt.replace(/[:.]/g, '-')}${options.short ? '-short' : ''}.json`);
    await writeFile(file, json);
    await writeFile(join(options.outDir, options.short ? 'latest-short.json' : 'latest.json'), json);
  }
  log('');
  log(formatTable(results));
  if (file !== null) log(`\nwritten: ${file}`);
  return { ...results, file };
}

function pad(cells: readonly string[][]): string {
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  const numeric = (i: number): boolean => i >= 2 && i <= 5;
  return cells
    .map((row, r) =>
      row
        .map((cell, i) => (numeric(i) && r > 0 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** The figures as a plain-text table, then the shares of the import stages. */
export function formatTable(results: Omit<BenchResults, 'file'>): string {
  const rows: string[][] = [['figure', 'unit', 'median', 'min', 'max', 'ratio', 'target', 'note']];
  for (const f of results.figures) {
    rows.push([
      f.label,
      f.unit,
      fmt(f.summary.median),
      fmt(f.summary.min),
      fmt(f.summary.max),
      f.ratio === undefined ? '' : formatRatio(f.ratio),
      f.target === undefined ? '' : `${f.target.text}: ${f.target.met ? 'met' : 'NOT met'}`,
      f.note ?? '',
    ]);
  }
  const out = [
    pad(rows),
    `ratios to ${results.baseline}, measured in this run: "paired" = median [min..max] of per-run ratios, the baseline measured again just before each run; otherwise median / median. ${results.figures[0]?.summary.runs ?? 0} runs per fast figure.`,
  ];
  if (results.importShares.length > 0) {
    const shares: string[][] = [['import stage (one big block, stages one after the other)', 'ms median', 'min', 'max', 'share']];
    for (const s of results.importShares) shares.push([s.stage, fmt(s.ms.median), fmt(s.ms.min), fmt(s.ms.max), `${s.percent.toFixed(1)}%`]);
    out.push('', pad(shares));
  }
  out.push('', `load average ${results.loadAverage.before.toFixed(2)} before, ${results.loadAverage.after.toFixed(2)} after`);
  // Other work on the machine shows as a load before we start, or as a pool that does not scale.
  const pool = results.figures.find((f) => f.id === 'verify.pool');
  const cached = results.figures.find((f) => f.id === 'verify.cached');
  const scaling = pool !== undefined && cached !== undefined ? pool.summary.median / cached.summary.median : null;
  if (scaling !== null) out.push(`pool scaling: ${scaling.toFixed(2)}x one core (verify.pool / verify.cached)`);
  if (results.loadAverage.before > 1 || (scaling !== null && scaling < 0.8 * Math.min(results.machine.nproc, 2))) {
    out.push('WARNING: the machine was busy with other work during this run; multi-core figures are low and ratios unreliable.');
  }
  return out.join('\n');
}
