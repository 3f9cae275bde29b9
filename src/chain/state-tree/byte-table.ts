/**
 * A hash table from node keys (bytes) to numbers, held in typed arrays: open addressing with linear
 * probing, the keys copied into a byte arena. A Map keyed by latin1 strings of the keys cost a
 * string allocation per lookup and, at a million keys, ~2.4 million strings and entries for every
 * major GC to trace; here a lookup allocates nothing and the GC sees a few large arrays.
 */
import { ByteArena } from './byte-arena.ts';

const EMPTY = -1;
const DELETED = -2;
const MIN_CAPACITY = 1024;

/** FNV-1a over the bytes: node keys end in path bits of a SHA-256, so they spread well. */
function hashOf(key: Uint8Array, at: number, length: number): number {
  let h = 0x811c9dc5;
  for (let i = at; i < at + length; i++) h = Math.imul(h ^ key[i]!, 0x01000193);
  return h | 0;
}

export class ByteTable {
  private readonly keys = new ByteArena();
  private mask = MIN_CAPACITY - 1;
  /** Per slot: the key's place in the arena (EMPTY, DELETED), its hash, and the value. */
  private keyAt = new Float64Array(MIN_CAPACITY).fill(EMPTY);
  private hashAt = new Int32Array(MIN_CAPACITY);
  private valueAt = new Float64Array(MIN_CAPACITY);
  private live = 0;
  private used = 0;

  get size(): number {
    return this.live;
  }

  /** The memory it holds: the slots and the key arena. */
  get bytes(): number {
    return (this.mask + 1) * 20 + this.keys.bytes;
  }

  /** The slot holding the key at bytes[at, at + length), or -1. */
  private find(bytes: Uint8Array, at: number, length: number, h: number): number {
    for (let i = h & this.mask; ; i = (i + 1) & this.mask) {
      const place = this.keyAt[i]!;
      if (place === EMPTY) return -1;
      if (place !== DELETED && this.hashAt[i] === h && this.keys.equals(place, bytes, at, length)) return i;
    }
  }

  get(key: Uint8Array): number | undefined {
    return this.getAt(key, 0, key.length);
  }

  /** get() of the key at bytes[at, at + length), read in place (the update's packed keys: no view per key). */
  getAt(bytes: Uint8Array, at: number, length: number): number | undefined {
    const slot = this.find(bytes, at, length, hashOf(bytes, at, length));
    return slot < 0 ? undefined : this.valueAt[slot];
  }

  set(key: Uint8Array, value: number): void {
    const h = hashOf(key, 0, key.length);
    const slot = this.find(key, 0, key.length, h);
    if (slot >= 0) {
      this.valueAt[slot] = value;
      return;
    }
    // Grow (or rehash away deleted slots) at 5/8 full, so probes stay short.
    if ((this.used + 1) * 8 > (this.mask + 1) * 5) this.resize(this.live * 8 >= (this.mask + 1) * 2 ? (this.mask + 1) * 2 : this.mask + 1);
    let i = h & this.mask;
    while (this.keyAt[i]! >= 0) i = (i + 1) & this.mask;
    if (this.keyAt[i] === EMPTY) this.used++;
    this.keyAt[i] = this.keys.write(key);
    this.hashAt[i] = h;
    this.valueAt[i] = value;
    this.live++;
  }

  /** Forgets `key` (its bytes stay in the arena: space is not reused). */
  delete(key: Uint8Array): void {
    const slot = this.find(key, 0, key.length, hashOf(key, 0, key.length));
    if (slot < 0) return;
    this.keyAt[slot] = DELETED;
    this.live--;
  }

  private resize(capacity: number): void {
    const { keyAt, hashAt, valueAt } = this;
    this.mask = capacity - 1;
    this.keyAt = new Float64Array(capacity).fill(EMPTY);
    this.hashAt = new Int32Array(capacity);
    this.valueAt = new Float64Array(capacity);
    this.used = this.live;
    for (let j = 0; j < keyAt.length; j++) {
      if (keyAt[j]! < 0) continue;
      let i = hashAt[j]! & this.mask;
      while (this.keyAt[i] !== EMPTY) i = (i + 1) & this.mask;
      this.keyAt[i] = keyAt[j]!;
      this.hashAt[i] = hashAt[j]!;
      this.valueAt[i] = valueAt[j]!;
    }
  }
}
