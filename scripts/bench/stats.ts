/** Timing helpers of the benchmarks: several runs, median with min and max, percentiles. */

export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly runs: number;
  readonly samples: readonly number[];
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) throw new Error('No samples to summarize.');
  return { median: percentile(samples, 50), min: Math.min(...samples), max: Math.max(...samples), runs: samples.length, samples: [...samples] };
}

/** Runs `run` `runs` times (after `warmup` unrecorded runs) and summarizes what each returns. */
export async function repeat(runs: number, run: (index: number) => Promise<number> | number, warmup = 0): Promise<Summary> {
  for (let i = 0; i < warmup; i++) await run(-1 - i);
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) samples.push(await run(i));
  return summarize(samples);
}

export const nowMs = (): number => performance.now();
