/**
 * Key-value views of the token state. A block runs on an Overlay over the committed state; each
 * transaction runs on an Overlay over the block's, merged only when the transaction succeeds. So a
 * failed transaction or block leaves nothing behind, and the block's writes (final value per key,
 * null for a deletion) fall out for the state root and the store's atomic batch.
 */
import type { Account, Allocation, AuthorityState, BlockPosition, DeadlineEntry, Listing, Purchase, Pool, Schedule, SupplyState, Validator } from '../records.ts';
import type { ChainParams } from '../params.ts';
import type { Uuid } from '../ids.ts';
import type { PendingValidators, Proposal, StakingState, Vote } from '../gov/records.ts';

export type StateValue =
  | Account
  | Pool
  | Listing
  | Purchase
  | Allocation
  | Schedule
  | SupplyState
  | BlockPosition
  | ChainParams
  | AuthorityState
  | readonly Validator[]
  | readonly Uuid[]
  | DeadlineEntry
  | Proposal
  | Vote
  | StakingState
  | PendingValidators
  /** A count (deadline-count:<height>) or an accumulator snapshot (stake-entry:<wallet>). */
  | bigint;

/** Final value per written key; null = deleted. */
export type WriteSet = Map<string, StateValue | null>;

export interface StateView {
  get(key: string): StateValue | undefined;
}

/** The committed state: a plain map. `commit` is the only mutation. */
export class MemoryState implements StateView {
  private readonly entries: Map<string, StateValue>;

  constructor(entries?: Iterable<[string, StateValue]>) {
    this.entries = new Map(entries);
  }

  get(key: string): StateValue | undefined {
    return this.entries.get(key);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Keys in byte order, with values: for export, invariants and genesis roots. */
  sortedEntries(): [string, StateValue][] {
    return [...this.entries.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  keysWithPrefix(prefix: string): string[] {
    const keys: string[] = [];
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) keys.push(key);
    return keys;
  }

  /** Applies a write set and returns the previous values of the written keys (an undo record). */
  commit(writes: WriteSet): WriteSet {
    const undo: WriteSet = new Map();
    for (const [key, value] of writes) {
      undo.set(key, this.entries.get(key) ?? null);
      if (value === null) this.entries.delete(key);
      else this.entries.set(key, value);
    }
    return undo;
  }

  clone(): MemoryState {
    return new MemoryState(this.entries);
  }
}

export class Overlay implements StateView {
  readonly writes: WriteSet = new Map();
  private readonly parent: StateView;

  constructor(parent: StateView) {
    this.parent = parent;
  }

  get(key: string): StateValue | undefined {
    const written = this.writes.get(key);
    if (written !== undefined) return written ?? undefined;
    return this.parent.get(key);
  }

  set(key: string, value: StateValue): void {
    this.writes.set(key, value);
  }

  delete(key: string): void {
    this.writes.set(key, null);
  }

  /**
   * Applies a write set on top of this overlay and returns the previous values of the written keys
   * (an undo record), as MemoryState.commit does; the state below is not touched.
   */
  commit(writes: WriteSet): WriteSet {
    const undo: WriteSet = new Map();
    for (const [key, value] of writes) {
      undo.set(key, this.get(key) ?? null);
      this.writes.set(key, value);
    }
    return undo;
  }

  /** Moves this overlay's writes into the overlay it was built on. */
  mergeInto(parent: Overlay): void {
    for (const [key, value] of this.writes) parent.writes.set(key, value);
  }
}
