/**
 * The whole state of a snapshot as Chain.adoptSnapshot installs it (docs/protocol.md §20.5): every
 * pair, and every pair's leaf (SHA-256 of its key and of its value) in path order. Verified chunks
 * bring their leaves (verify.ts hashed them to check the chunk), so the install builds the state
 * tree from them without hashing or sorting a million keys again; pairs from anywhere else are
 * hashed and sorted here.
 */
import { HASH_BYTES } from '../../light/tree-rules.ts';
import { MemoryState, type StateValue } from '../../tokenomics/index.ts';
import { decodeStateValue } from '../codec/state.ts';
import { sha256Into } from '../state-tree/sha256.ts';
import type { Leaf } from '../state-tree/update.ts';
import { type StatePair, invalidSnapshot } from './format.ts';
import { type VerifiedChunk, chunkLeaves } from './verify.ts';

export class SnapshotState {
  readonly pairs: StatePair[] = [];
  private readonly chunks: VerifiedChunk[] = [];
  private lastIndex = -1;

  /** Any pairs (a test's, an export's): hashed and put in path order here; a key twice is refused. */
  static ofPairs(pairs: readonly StatePair[]): SnapshotState {
    const hashes = new Uint8Array(pairs.length * 2 * HASH_BYTES);
    const order = pairs.map((pair, i) => {
      sha256Into(pair.key, hashes, 2 * HASH_BYTES * i);
      sha256Into(pair.value, hashes, 2 * HASH_BYTES * i + HASH_BYTES);
      return i;
    });
    const path = (i: number): Uint8Array => hashes.subarray(2 * HASH_BYTES * i, 2 * HASH_BYTES * i + HASH_BYTES);
    order.sort((a, b) => Buffer.compare(path(a), path(b)));
    const sorted = new Uint8Array(hashes.length);
    order.forEach((from, to) => sorted.set(hashes.subarray(2 * HASH_BYTES * from, 2 * HASH_BYTES * (from + 1)), 2 * HASH_BYTES * to));
    for (let i = 1; i < order.length; i++) {
      if (Buffer.compare(path(order[i - 1]!), path(order[i]!)) === 0) invalidSnapshot('The snapshot holds one state key twice.');
    }
    const state = new SnapshotState();
    state.add({ index: 0, pairs: order.map((i) => pairs[i]!), hashes: sorted });
    return state;
  }

  /** Adds the next verified chunk; chunks come in strictly ascending index order (path order, §20.1). */
  add(chunk: VerifiedChunk): void {
    if (chunk.index <= this.lastIndex) invalidSnapshot(`Snapshot chunk ${chunk.index} comes after chunk ${this.lastIndex}: chunks are added in index order.`);
    this.lastIndex = chunk.index;
    this.chunks.push(chunk);
    for (const pair of chunk.pairs) this.pairs.push(pair);
  }

  /** Every pair's leaf, in path order (the order of `pairs`). */
  leaves(): Leaf[] {
    const out: Leaf[] = [];
    for (const chunk of this.chunks) for (const leaf of chunkLeaves(chunk)) out.push(leaf);
    return out;
  }
}

/**
 * The pairs as the chain's memory state, decoded once, before the install's batch: a value that
 * does not decode refuses the snapshot with nothing written, and the chain does not read the
 * million keys it just wrote back from the store (what loadState would do).
 */
export function memoryStateOf(pairs: readonly StatePair[]): MemoryState {
  const entries: [string, StateValue][] = [];
  for (const pair of pairs) {
    // latin1 over the key's own bytes, not a copy (state keys are ASCII, §8.1).
    const key = Buffer.from(pair.key.buffer, pair.key.byteOffset, pair.key.byteLength).toString('latin1');
    try {
      entries.push([key, decodeStateValue(key, pair.value)]);
    } catch (err) {
      invalidSnapshot(`The snapshot's value of key "${key}" does not decode: ${(err as Error).message}`);
    }
  }
  return new MemoryState(entries);
}
