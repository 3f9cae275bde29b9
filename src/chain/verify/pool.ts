/**
 * ed25519 verification on worker threads (node:worker_threads), one per core by default, so a
 * block's signatures are checked on every core while the calling thread goes on (decoding, applying
 * the token economy in order).
 *
 * A request's checks are copied once into a shared buffer of fixed-size records (key, message,
 * signature) and the job goes to every worker at once; the workers claim chunks of a few dozen
 * records from a shared counter until none is left. So the calling thread can stay busy (applying
 * the block) without starving anyone, and a worker that gets less CPU claims fewer chunks instead
 * of finishing last. Small requests arriving in the same turn of the event loop share one job.
 *
 * The answer is one byte per check: 1 = verifies, 0 = does not verify OR could not be checked (a
 * worker died, the pool was closed mid-request). So 0 is never proof of a bad signature: callers
 * that see one check again on their own thread, which also gives them the exact error to report.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { verifySignature } from '../crypto.ts';
import { CONTROL_SLOTS, KEY_BYTES, MESSAGE_BYTES, RECORDS_DONE, RECORD_BYTES, SIGNATURE_BYTES, type VerifyJob, type VerifyJobDone } from './protocol.ts';

export interface SignatureCheck {
  readonly publicKey: Uint8Array;
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
}

export interface SignatureVerifier {
  /** One byte per check: 1 = verifies; 0 = does not, or could not be checked (check it again yourself). */
  verify(checks: readonly SignatureCheck[]): Promise<Uint8Array>;
  /** Stops the worker threads; later requests are verified on the calling thread. */
  close(): Promise<void>;
}

export interface VerifyPoolOptions {
  /** Worker threads; 0 verifies on the calling thread. Default: one per core (availableParallelism). */
  readonly threads?: number;
  /** Records a worker claims at a time (about 3 ms of work at the default). */
  readonly chunk?: number;
  /** The worker's code (tests only; default ./worker.ts). */
  readonly workerUrl?: URL;
  /** Told when a worker fails (its checks are then answered "not checked"). */
  readonly onWorkerError?: (err: Error) => void;
}

export const DEFAULT_VERIFY_CHUNK = 32;

interface Request {
  readonly checks: readonly SignatureCheck[];
  readonly results: Uint8Array;
  remaining: number;
  readonly resolve: (results: Uint8Array) => void;
}

/** A run of one request's checks inside a job. */
interface Segment {
  readonly request: Request;
  readonly start: number;
  readonly count: number;
}

interface Job {
  readonly message: VerifyJob;
  readonly segments: readonly Segment[];
  readonly control: Int32Array;
  /** Workers that got the job and have not said they are done with it. */
  readonly workers: Set<Slot>;
  finished: boolean;
}

interface Slot {
  readonly worker: Worker;
  readonly jobs: Map<number, Job>;
  /** The worker has answered a job (so it loads and runs here). */
  answered: boolean;
}

const WORKER_URL = new URL('./worker.ts', import.meta.url);

/** Verifies on the calling thread (through the shared key cache). */
function verifyInline(checks: readonly SignatureCheck[], start: number, count: number, into: Uint8Array): void {
  for (let i = start; i < start + count; i++) {
    const c = checks[i]!;
    into[i] = verifySignature(c.publicKey, c.message, c.signature) ? 1 : 0;
  }
}

const packable = (c: SignatureCheck): boolean => c.publicKey.length === KEY_BYTES && c.message.length === MESSAGE_BYTES && c.signature.length === SIGNATURE_BYTES;

export class VerifyPool implements SignatureVerifier {
  readonly threads: number;
  private readonly chunk: number;
  private readonly workerUrl: URL;
  private readonly onWorkerError: (err: Error) => void;
  private readonly slots: (Slot | null)[];
  /** Small requests' checks waiting for the end of this turn of the event loop, to share a job. */
  private waiting: Segment[] = [];
  private waitingCount = 0;
  private flushScheduled = false;
  private nextId = 1;
  private closed = false;
  /** Set when a worker cannot be started at all: everything is verified on the calling thread. */
  private broken = false;

  constructor(options: VerifyPoolOptions = {}) {
    this.threads = Math.max(0, Math.floor(options.threads ?? availableParallelism()));
    this.chunk = Math.max(1, Math.floor(options.chunk ?? DEFAULT_VERIFY_CHUNK));
    this.workerUrl = options.workerUrl ?? WORKER_URL;
    this.onWorkerError = options.onWorkerError ?? (() => undefined);
    this.slots = Array.from({ length: this.threads }, () => null);
  }

  verify(checks: readonly SignatureCheck[]): Promise<Uint8Array> {
    const n = checks.length;
    const results = new Uint8Array(n);
    if (n === 0) return Promise.resolve(results);
    if (this.threads === 0 || this.closed || this.broken) {
      verifyInline(checks, 0, n, results);
      return Promise.resolve(results);
    }
    return new Promise<Uint8Array>((resolve) => {
      const request: Request = { checks, results, remaining: n, resolve };
      // Odd sizes (never produced by the chain: its messages are hashes) are checked right here.
      let start = 0;
      for (let i = 0; i <= n; i++) {
        if (i < n && packable(checks[i]!)) continue;
        if (i > start) {
          this.waiting.push({ request, start, count: i - start });
          this.waitingCount += i - start;
        }
        if (i < n) {
          verifyInline(checks, i, 1, results);
          request.remaining--;
        }
        start = i + 1;
      }
      if (request.remaining === 0) {
        resolve(results);
        return;
      }
      // A block or a batch goes out now (the caller is about to keep this thread busy); single
      // checks (transactions submitted one by one) wait for the end of this turn to share a job.
      if (n > 1 || this.waitingCount >= this.chunk * this.threads) this.flush();
      else if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => {
          this.flushScheduled = false;
          this.flush();
        });
      }
    });
  }

  /** Starts every worker now (instead of on first use) and resolves once they all listen. */
  async warmUp(): Promise<void> {
    if (this.closed || this.broken) return;
    const slots: Slot[] = [];
    for (let i = 0; i < this.slots.length; i++) {
      const slot = this.slots[i] ?? this.spawn(i);
      if (slot === null) return;
      slots.push(slot);
    }
    // An empty job: every worker answers it once it has loaded.
    await new Promise<void>((resolve) => {
      const request: Request = { checks: [], results: new Uint8Array(0), remaining: 0, resolve: () => resolve() };
      this.post(slots, [{ request, start: 0, count: 0 }], 0);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Waiting checks are answered on this thread; those in flight as "not checked" (onExit).
    this.flush();
    // terminate() alone does not always keep the event loop alive until the worker is gone (seen on
    // a busy machine: one of two workers exits, the other never does, and a caller awaiting close()
    // is left with a promise that never settles: "unsettled top-level await"). A timer holds the
    // loop open until every worker has exited.
    const keepAlive = setInterval(() => undefined, 1_000);
    try {
      await Promise.all(this.slots.map((slot) => slot?.worker.terminate()));
    } finally {
      clearInterval(keepAlive);
    }
  }

  /** Sends the waiting checks to the workers as one job. */
  private flush(): void {
    const segments = this.waiting;
    const count = this.waitingCount;
    this.waiting = [];
    this.waitingCount = 0;
    if (count === 0) return;
    const slots = this.closed || this.broken ? [] : this.liveSlots();
    if (slots.length === 0) {
      for (const s of segments) {
        verifyInline(s.request.checks, s.start, s.count, s.request.results);
        this.settle(s);
      }
      return;
    }
    this.post(slots, segments, count);
  }

  private post(slots: readonly Slot[], segments: readonly Segment[], count: number): void {
    const records = new SharedArrayBuffer(count * RECORD_BYTES);
    const bytes = new Uint8Array(records);
    let at = 0;
    for (const s of segments) {
      for (let i = s.start; i < s.start + s.count; i++) {
        const c = s.request.checks[i]!;
        bytes.set(c.publicKey, at);
        bytes.set(c.message, at + KEY_BYTES);
        bytes.set(c.signature, at + KEY_BYTES + MESSAGE_BYTES);
        at += RECORD_BYTES;
      }
    }
    const control = new SharedArrayBuffer(CONTROL_SLOTS * Int32Array.BYTES_PER_ELEMENT);
    const counters = new Int32Array(control);
    // An atomic write after the plain ones: a worker's first claim (atomic) then sees the records.
    Atomics.store(counters, RECORDS_DONE, 0);
    // Small jobs (a few chunks) are spread so that every worker gets a share.
    const chunk = Math.max(1, Math.min(this.chunk, Math.ceil(count / slots.length)));
    const message: VerifyJob = { id: this.nextId++, count, chunk, records, results: new SharedArrayBuffer(Math.max(1, count)), control };
    const job: Job = { message, segments, control: counters, workers: new Set(slots), finished: false };
    for (const slot of slots) {
      if (slot.jobs.size === 0) slot.worker.ref();
      slot.jobs.set(message.id, job);
      slot.worker.postMessage(message);
    }
  }

  private liveSlots(): Slot[] {
    const slots: Slot[] = [];
    for (let i = 0; i < this.slots.length; i++) {
      const slot = this.slots[i] ?? this.spawn(i);
      if (slot !== null) slots.push(slot);
    }
    return slots;
  }

  private spawn(index: number): Slot | null {
    let worker: Worker;
    try {
      worker = new Worker(this.workerUrl, { name: `dchat-verify-${index}` });
    } catch (err) {
      this.broken = true;
      this.onWorkerError(err as Error);
      return null;
    }
    // An idle pool never keeps the process alive; a worker with a job in hand does.
    worker.unref();
    const slot: Slot = { worker, jobs: new Map(), answered: false };
    worker.on('message', (done: VerifyJobDone) => this.onDone(slot, done.id));
    // An 'error' is followed by 'exit': the jobs in hand are settled there.
    worker.on('error', (err) => this.onWorkerError(err));
    worker.on('exit', () => this.onExit(index, slot));
    this.slots[index] = slot;
    return slot;
  }

  private onDone(slot: Slot, id: number): void {
    slot.answered = true;
    const job = slot.jobs.get(id);
    if (job === undefined) return;
    this.leave(slot, id, job);
  }

  /**
   * A worker stopped (closed, crashed): what it had claimed and not finished stays 0, "not checked";
   * the slot is started again on next use, unless the worker stopped before answering anything (it
   * cannot load or run here): then everything is verified on the calling thread from now on.
   */
  private onExit(index: number, slot: Slot): void {
    if (this.slots[index] === slot) this.slots[index] = null;
    if (!slot.answered && !this.closed) this.broken = true;
    for (const [id, job] of [...slot.jobs]) this.leave(slot, id, job);
  }

  private leave(slot: Slot, id: number, job: Job): void {
    slot.jobs.delete(id);
    if (slot.jobs.size === 0) slot.worker.unref();
    job.workers.delete(slot);
    // Every record done, or nobody left who could do more: answer now. (An empty job, the warm-up,
    // waits for every worker.)
    const count = job.message.count;
    if ((count > 0 && Atomics.load(job.control, RECORDS_DONE) === count) || job.workers.size === 0) this.finish(job);
  }

  private finish(job: Job): void {
    if (job.finished) return;
    job.finished = true;
    const results = new Uint8Array(job.message.results);
    let at = 0;
    for (const s of job.segments) {
      s.request.results.set(results.subarray(at, at + s.count), s.start);
      at += s.count;
      this.settle(s);
    }
  }

  private settle(segment: Segment): void {
    const request = segment.request;
    request.remaining -= segment.count;
    if (request.remaining === 0) request.resolve(request.results);
  }
}
