/**
 * Block cadence under API load (issue 12 item 3: "with 200 concurrent clients on the heaviest
 * routes for 60 s, 0 missed slots and block commit p99 < 500 ms"), measured on a node running in
 * this process while the load runs on a worker thread (api-load-worker.ts). The node's own 'block'
 * events give each block's slot and its processing time (what `dchat_block_process_seconds`
 * observes); a missed slot is a slot between two consecutive blocks that got no block (a dev node
 * has one validator: every slot is its own). Shared by the reliability test and the bench row.
 */
import { Worker } from 'node:worker_threads';
import type { DchatNode } from '../../../src/node/node.ts';
import { percentile } from '../../../scripts/bench/stats.ts';
import type { LoadJob, LoadResult } from './api-load-worker.ts';

/** The heaviest routes of the API: the longest projection (cached, and uncached by a varying burn), filtered and full history pages, blocks, collections, metrics. */
export const HEAVY_PATHS: readonly string[] = [
  '/v1/projection?years=1000&points=1000&burn_per_block={n}',
  '/v1/projection?years=1000&points=1000',
  '/v1/history/mints?reason=governance&limit=1000',
  '/v1/history/burns?limit=1000',
  '/v1/history/mints?limit=1000',
  '/v1/blocks/head',
  '/v1/stats/series',
  '/v1/listings',
  '/v1/pools',
  '/v1/stats',
  '/metrics',
];

export interface Cadence {
  readonly blocks: number;
  readonly missedSlots: number;
  /** Seconds-as-ms of each block's processing: its turn in the chain's queue to its commit. */
  readonly processP50Ms: number;
  readonly processP99Ms: number;
  readonly processMaxMs: number;
  /** From each block's slot start to its commit as head (processing plus the producer's lag). */
  readonly commitDelayP99Ms: number;
  readonly load: LoadResult | null;
}

const WORKER_URL = new URL('./api-load-worker.ts', import.meta.url);

/** Watches the node's blocks for `durationMs`, with `load` (clients and paths) running meanwhile, or none. */
export async function measureCadence(node: DchatNode, durationMs: number, load: Omit<LoadJob, 'base' | 'durationMs'> | null): Promise<Cadence> {
  const samples: { slot: bigint; processMs: number; delayMs: number }[] = [];
  const onBlock = (block: { header: { slot: bigint; timestampMs: bigint } }, _imported: unknown, _origin: unknown, processMs: number): void => {
    samples.push({ slot: block.header.slot, processMs, delayMs: Date.now() - Number(block.header.timestampMs) });
  };
  node.chain.events.on('block', onBlock);
  let result: LoadResult | null = null;
  try {
    if (load === null) await new Promise((resolve) => setTimeout(resolve, durationMs));
    else result = await runLoad({ ...load, base: node.apiUrl, durationMs });
  } finally {
    node.chain.events.off('block', onBlock);
  }
  let missedSlots = 0;
  for (let i = 1; i < samples.length; i++) missedSlots += Number(samples[i]!.slot - samples[i - 1]!.slot) - 1;
  const process = samples.map((s) => s.processMs);
  return {
    blocks: samples.length,
    missedSlots,
    processP50Ms: round(percentile(process, 50)),
    processP99Ms: round(percentile(process, 99)),
    processMaxMs: round(process.reduce((a, b) => Math.max(a, b), 0)),
    commitDelayP99Ms: round(percentile(samples.map((s) => s.delayMs), 99)),
    load: result,
  };
}

const round = (ms: number): number => Math.round(ms * 10) / 10;

function runLoad(job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_URL, { workerData: job, name: 'dchat-api-load' });
    worker.once('message', (result: LoadResult) => {
      resolve(result);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the load worker exited (${code}) before it reported`)));
  });
}
