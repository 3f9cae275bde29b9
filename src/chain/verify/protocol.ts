/**
 * The messages between the verify pool and its worker threads (fixed-size records, no msgpack).
 * A job's records, results and counters live in SharedArrayBuffers that every worker gets: the
 * workers claim chunks of records from a shared counter until none are left, so a worker slowed
 * down (by the main thread or anything else on its core) simply claims fewer chunks.
 */

export const KEY_BYTES = 32;
/** Every message the chain signs is a SHA-256 hash (tx hash, block hash). */
export const MESSAGE_BYTES = 32;
export const SIGNATURE_BYTES = 64;
export const RECORD_BYTES = KEY_BYTES + MESSAGE_BYTES + SIGNATURE_BYTES;

/** Int32 slots of a job's control buffer. */
export const NEXT_RECORD = 0;
export const RECORDS_DONE = 1;
export const CONTROL_SLOTS = 2;

export interface VerifyJob {
  readonly id: number;
  readonly count: number;
  /** Records claimed at a time. */
  readonly chunk: number;
  /** `count` records of [public key | message | signature]. */
  readonly records: SharedArrayBuffer;
  /** One byte per record, written by the worker that claimed it: 1 = the signature verifies. */
  readonly results: SharedArrayBuffer;
  /** Int32 [NEXT_RECORD, RECORDS_DONE], updated with Atomics only. */
  readonly control: SharedArrayBuffer;
}

/** A worker found nothing left to claim in job `id`. */
export interface VerifyJobDone {
  readonly id: number;
}
