/**
 * Why recent transactions were refused or dropped, for `GET /v1/txs/:hash` (docs/protocol.md §15):
 * a bounded LRU, so a flood of failing txs costs at most `capacity` entries (about 200 bytes
 * each: the hash, a code and a sentence). Remembering a hash again makes it the newest; once full,
 * the least recently remembered is forgotten and its status reads `unknown` again.
 */

/** 10 000 entries (~2 MB): the last several minutes of refusals at the API's submission limits. */
export const REJECTED_TXS_KEPT = 10_000;

export interface Rejection {
  readonly code: string;
  readonly message: string;
}

export class RejectedTxs {
  private readonly entries = new Map<string, Rejection>();
  readonly capacity: number;

  constructor(capacity = REJECTED_TXS_KEPT) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`RejectedTxs capacity must be a positive integer, got ${capacity}.`);
    this.capacity = capacity;
  }

  get size(): number {
    return this.entries.size;
  }

  remember(hashHex: string, error: Rejection): void {
    this.entries.delete(hashHex);
    this.entries.set(hashHex, { code: error.code, message: error.message });
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  /** A tx that was accepted after all (a retry that now fits) is no longer rejected. */
  forget(hashHex: string): void {
    this.entries.delete(hashHex);
  }

  get(hashHex: string): Rejection | undefined {
    return this.entries.get(hashHex);
  }
}
