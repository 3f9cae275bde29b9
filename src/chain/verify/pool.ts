/**
 * ed25519 verification on worker threads (node:worker_threads), one per core by default, so a
 * block's signatures are checked on every core while the calling thread goes on (decoding, applying
 * the token economy in order). Checks travel in batches of a few hundred fixed-size records in one
 * transferred buffer; a big request is cut and handed out at once (the calling thread may be busy
 * for a while and could not hand out more later), small requests arriving in the same turn of the
 * event loop are merged into one batch.
 *
 * The answer is one byte per check: 1 = verifies, 0 = does not verify OR could not be checked (a
 * worker died, the pool is closed mid-request). So 0 is never proof of a bad signature: callers that
 * see one redo the check on their own thread, which also gives them the exact error to report.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { verifySignature } from '../crypto.ts';
import { KEY_BYTES, MESSAGE_BYTES, RECORD_BYTES, SIGNATURE_BYTES, type VerifyReply, type VerifyRequest } from './protocol.ts';

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
  /** Checks per message to a worker. */
  readonly batchSize?: number;
}

export const DEFAULT_VERIFY_BATCH = 256;

interface Request {
  readonly checks: readonly SignatureCheck[];
  readonly results: Uint8Array;
  remaining: number;
  readonly resolve: (results: Uint8Array) => void;
}

/** A run of one request's checks inside a batch. */
interface Segment {
  readonly request: Request;
  readonly start: number;
  readonly count: number;
}

interface Batch {
  readonly segments: readonly Segment[];
  readonly count: number;
}

interface Slot {
  readonly worker: Worker;
  readonly inFlight: Map<number, Batch>;
  /** Checks sent and not answered yet (to hand the next batch to the least loaded worker). */
  queued: number;
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
  private readonly batchSize: number;
  private readonly slots: (Slot | null)[];
  /** Small requests' checks waiting for the end of this turn of the event loop, to share a batch. */
  private waiting: Segment[] = [];
  private waitingCount = 0;
  private flushScheduled = false;
  private nextId = 1;
  private closed = false;
  /** Set when a worker cannot be started at all: everything is verified on the calling thread. */
  private broken = false;

  constructor(options: VerifyPoolOptions = {}) {
    this.threads = Math.max(0, Math.floor(options.threads ?? availableParallelism()));
    this.batchSize = Math.max(1, Math.floor(options.batchSize ?? DEFAULT_VERIFY_BATCH));
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
        if (i > start) this.waiting.push({ request, start, count: i - start });
        this.waitingCount += i - start;
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
      // A big request is handed out now: the caller is about to keep this thread busy.
      if (this.waitingCount >= this.batchSize) this.flush();
      else if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => {
          this.flushScheduled = false;
          this.flush();
        });
      }
    });
  }

  /** Starts every worker now (instead of on first use) and resolves once they all run. */
  async warmUp(): Promise<void> {
    if (this.closed || this.broken) return;
    const starting: Promise<unknown>[] = [];
    for (let i = 0; i < this.slots.length; i++) {
      const slot = this.slots[i] ?? this.spawn(i);
      if (slot === null) return;
      // A ping of zero checks: answered once the worker has loaded and listens.
      starting.push(this.verifySlot(slot));
    }
    await Promise.all(starting);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Waiting checks are answered on this thread; in-flight ones as "not checked" by onExit.
    this.flush();
    await Promise.all(this.slots.map((slot) => slot?.worker.terminate()));
  }

  /** Cuts the waiting checks into batches and sends each to the least loaded worker. */
  private flush(): void {
    const segments = this.waiting;
    this.waiting = [];
    this.waitingCount = 0;
    let batch: Segment[] = [];
    let size = 0;
    for (const segment of segments) {
      let { start, count } = segment;
      while (count > 0) {
        const take = Math.min(count, this.batchSize - size);
        batch.push({ request: segment.request, start, count: take });
        size += take;
        start += take;
        count -= take;
        if (size === this.batchSize) {
          this.send({ segments: batch, count: size });
          batch = [];
          size = 0;
        }
      }
    }
    if (size > 0) this.send({ segments: batch, count: size });
  }

  private send(batch: Batch): void {
    const slot = this.closed || this.broken ? null : this.leastLoaded();
    if (slot === null) {
      for (const s of batch.segments) {
        verifyInline(s.request.checks, s.start, s.count, s.request.results);
        this.settle(s);
      }
      return;
    }
    const records = new Uint8Array(batch.count * RECORD_BYTES);
    let at = 0;
    for (const s of batch.segments) {
      for (let i = s.start; i < s.start + s.count; i++) {
        const c = s.request.checks[i]!;
        records.set(c.publicKey, at);
        records.set(c.message, at + KEY_BYTES);
        records.set(c.signature, at + KEY_BYTES + MESSAGE_BYTES);
        at += RECORD_BYTES;
      }
    }
    this.post(slot, batch, records);
  }

  private post(slot: Slot, batch: Batch, records: Uint8Array<ArrayBuffer>): void {
    const id = this.nextId++;
    if (slot.inFlight.size === 0) slot.worker.ref();
    slot.inFlight.set(id, batch);
    slot.queued += batch.count;
    const message: VerifyRequest = { id, count: batch.count, buffer: records.buffer };
    slot.worker.postMessage(message, [records.buffer]);
  }

  /** An empty batch to one worker: answered once it has loaded and listens. */
  private verifySlot(slot: Slot): Promise<void> {
    return new Promise((resolve) => {
      const request: Request = { checks: [], results: new Uint8Array(0), remaining: 0, resolve: () => resolve() };
      this.post(slot, { segments: [{ request, start: 0, count: 0 }], count: 0 }, new Uint8Array(0));
    });
  }

  private leastLoaded(): Slot | null {
    let best: Slot | null = null;
    for (let i = 0; i < this.slots.length; i++) {
      let slot: Slot | null = this.slots[i] ?? null;
      if (slot === null) {
        slot = this.spawn(i);
        if (slot === null) return null;
      }
      if (best === null || slot.queued < best.queued) best = slot;
    }
    return best;
  }

  private spawn(index: number): Slot | null {
    let worker: Worker;
    try {
      worker = new Worker(WORKER_URL, { name: `dchat-verify-${index}` });
    } catch {
      this.broken = true;
      return null;
    }
    // An idle pool never keeps the process alive; a worker with work in flight does.
    worker.unref();
    const slot: Slot = { worker, inFlight: new Map(), queued: 0 };
    worker.on('message', (reply: VerifyReply) => this.onReply(slot, reply));
    // An 'error' is followed by 'exit': the batches in flight are settled there.
    worker.on('error', () => undefined);
    worker.on('exit', () => this.onExit(index, slot));
    this.slots[index] = slot;
    return slot;
  }

  private onReply(slot: Slot, reply: VerifyReply): void {
    const batch = slot.inFlight.get(reply.id);
    if (batch === undefined) return;
    slot.inFlight.delete(reply.id);
    slot.queued -= batch.count;
    if (slot.inFlight.size === 0) slot.worker.unref();
    let at = 0;
    for (const s of batch.segments) {
      s.request.results.set(reply.results.subarray(at, at + s.count), s.start);
      at += s.count;
      this.settle(s);
    }
  }

  /** A worker stopped (closed, crashed): its unanswered checks stay 0, "not checked"; the slot respawns on next use. */
  private onExit(index: number, slot: Slot): void {
    if (this.slots[index] === slot) this.slots[index] = null;
    for (const batch of slot.inFlight.values()) for (const s of batch.segments) this.settle(s);
    slot.inFlight.clear();
  }

  private settle(segment: Segment): void {
    const request = segment.request;
    request.remaining -= segment.count;
    if (request.remaining === 0) request.resolve(request.results);
  }
}
