/**
 * GET /v1/projection's computation, bounded (issue 12 item 3): answers are cached per head (the
 * same question asked again before the next block costs nothing), identical questions asked at
 * once share one computation, and the computation runs on a worker thread, at most MAX_QUEUED at a
 * time; one more is 503 Overloaded. The worker returns the response's JSON text, since turning a
 * thousand points of bigints into JSON costs the main thread as much as projecting them. The
 * input limits (years, blocks, points) are the route's. If the worker fails, its jobs and later
 * ones run on the main thread (the answer is the same, only the event loop pays).
 */
import { Worker } from 'node:worker_threads';
import { MemoryState, type StateValue, type StateView } from '../../tokenomics/index.ts';
import { type ProjectionOptions, projectSupply } from '../../tokenomics/projection.ts';
import { ApiError } from '../http/errors.ts';
import { projectionJson } from './json.ts';

export interface ProjectionJob {
  readonly id: number;
  readonly entries: [string, StateValue][];
  readonly options: ProjectionOptions;
}

export interface ProjectionJobDone {
  readonly id: number;
  /** The response body: JSON of projectionJson(projection). */
  readonly json: string;
}

/** What a job answers, wherever it runs. */
export function projectionText(job: ProjectionJob): string {
  return JSON.stringify(projectionJson(projectSupply(new MemoryState(job.entries), job.options)));
}

/** Projections kept per head, and computations queued at once. */
const CACHED = 64;
export const MAX_QUEUED = 8;

const WORKER_URL = new URL('./projection-worker.ts', import.meta.url);

/**
 * The state entries a projection reads: those read by a one-block projection (every read happens
 * before the walk starts: parameters, supply, reserve, schedules, validators, relays, pools), so
 * the worker gets a few entries, never the whole state.
 */
export function projectionInputs(state: StateView): [string, StateValue][] {
  const read = new Map<string, StateValue>();
  projectSupply({ get: (key) => { const value = state.get(key); if (value !== undefined) read.set(key, value); return value; } }, { blocks: 1n, burnPerBlock: 0n, points: 1 });
  return [...read];
}

export class ProjectionService {
  private readonly state: () => StateView;
  private readonly headKey: () => string;
  private cacheHead = '';
  private readonly cache = new Map<string, Promise<string>>();
  private worker: Worker | null = null;
  private workerFailed = false;
  private readonly jobs = new Map<number, { resolve: (json: string) => void; reject: (e: unknown) => void; job: ProjectionJob }>();
  private nextId = 0;

  /** `headKey` names the head the state is at (its hash): the cache holds one head's answers. */
  constructor(state: () => StateView, headKey: () => string, useWorker = true) {
    this.state = state;
    this.headKey = headKey;
    this.workerFailed = !useWorker;
  }

  project(options: ProjectionOptions): Promise<string> {
    const head = this.headKey();
    if (head !== this.cacheHead) {
      this.cache.clear();
      this.cacheHead = head;
    }
    const key = `${options.blocks}:${options.burnPerBlock}:${options.points}`;
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    if (this.jobs.size >= MAX_QUEUED) throw new ApiError('Overloaded', `The node is computing ${MAX_QUEUED} projections already; retry in a second.`);
    const result = this.compute({ id: this.nextId++, entries: projectionInputs(this.state()), options });
    this.cache.set(key, result);
    if (this.cache.size > CACHED) this.cache.delete(this.cache.keys().next().value!);
    // A failure is not cached: the next request tries again.
    result.catch(() => this.cache.get(key) === result && this.cache.delete(key));
    return result;
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    await worker?.terminate();
  }

  private compute(job: ProjectionJob): Promise<string> {
    const worker = this.workerFailed ? null : this.startedWorker();
    if (worker === null) return Promise.resolve().then(() => projectionText(job));
    return new Promise((resolve, reject) => {
      this.jobs.set(job.id, { resolve, reject, job });
      worker.postMessage(job);
    });
  }

  private startedWorker(): Worker {
    if (this.worker !== null) return this.worker;
    const worker = new Worker(WORKER_URL, { name: 'dchat-projection' });
    worker.unref();
    worker.on('message', (done: ProjectionJobDone) => {
      const pending = this.jobs.get(done.id);
      this.jobs.delete(done.id);
      pending?.resolve(done.json);
    });
    const fail = (): void => {
      if (this.worker !== worker) return;
      this.worker = null;
      this.workerFailed = true;
      // Whatever was sent to it is answered here instead.
      for (const [id, pending] of this.jobs) {
        this.jobs.delete(id);
        this.compute(pending.job).then(pending.resolve, pending.reject);
      }
    };
    worker.on('error', fail);
    worker.on('exit', fail);
    this.worker = worker;
    return worker;
  }
}
