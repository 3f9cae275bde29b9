/**
 * The LevelDB node store's bounded cache (level-node-store.ts), in two generations: entries go into
 * the young one; when it holds half the entry limit or half the byte limit it becomes the old one
 * and the previous old one is dropped whole. A hit in the old generation is copied into the young
 * one, so what every block reads (the upper levels) stays. Unlike an LRU over one Map (a delete and
 * a re-insert per hit), a hit in the young generation costs one lookup and nothing is re-inserted.
 *
 * Each generation copies its records into its own byte arena (byte-arena.ts) and drops it whole:
 * keeping LevelDB's read buffers (one malloc'd backing store each) in the cache instead pinned
 * fragments of the native heap that were never returned (the node's RSS reached ~1.8 GiB at a
 * million keys with a ~230 MiB V8 heap); keys are looked up in a byte table (byte-table.ts), with no
 * string made per lookup. `get` answers a view into the arena, valid while the
 * caller holds it (a dropped arena is freed only once no view is left).
 */
import { ByteArena } from './byte-arena.ts';
import { ByteTable } from './byte-table.ts';
import { copyRecordInto } from './node.ts';

/** A table slot and its share of free slots, counted against the byte limit beside the record and its key. */
const ENTRY_OVERHEAD_BYTES = 40;

class Generation {
  readonly places = new ByteTable();
  readonly arena = new ByteArena();
  bytes = 0;
}

export class NodeCache {
  private young = new Generation();
  private old = new Generation();
  private readonly halfEntries: number;
  private readonly halfBytes: number;

  /** At most `limit` entries and about `maxBytes` bytes (records, their keys and the Maps' entries). */
  constructor(limit: number, maxBytes = Number.POSITIVE_INFINITY) {
    this.halfEntries = Math.max(1, limit >> 1);
    this.halfBytes = Math.max(1, maxBytes / 2);
  }

  get(id: Uint8Array): Uint8Array | undefined {
    const place = this.young.places.get(id);
    if (place !== undefined) return this.young.arena.read(place);
    const older = this.old.places.get(id);
    if (older === undefined) return undefined;
    const bytes = this.old.arena.read(older);
    this.set(id, bytes);
    return bytes;
  }

  /**
   * get() of the key at keys[at, at + length), its record copied to out[outAt] (checked: node.ts
   * copyRecordInto), with no view made unless an old generation's hit is carried over.
   */
  copyInto(keys: Uint8Array, at: number, length: number, out: Uint8Array, outAt: number): boolean {
    const place = this.young.places.getAt(keys, at, length);
    const arena = place === undefined ? this.old.arena : this.young.arena;
    const found = place ?? this.old.places.getAt(keys, at, length);
    if (found === undefined) return false;
    copyRecordInto(arena.chunkOf(found), arena.offsetOf(found), arena.lengthOf(found), out, outAt);
    if (place === undefined) this.set(keys.slice(at, at + length), arena.read(found));
    return true;
  }

  set(id: Uint8Array, bytes: Uint8Array): void {
    const young = this.young;
    young.places.set(id, young.arena.write(bytes));
    young.bytes += bytes.length + id.length + ENTRY_OVERHEAD_BYTES;
    if (young.places.size >= this.halfEntries || young.bytes >= this.halfBytes) {
      this.old = young;
      this.young = new Generation();
    }
  }

  delete(id: Uint8Array): void {
    this.young.places.delete(id);
    this.old.places.delete(id);
  }

  get size(): number {
    return this.young.places.size + this.old.places.size;
  }

  /** The memory the two generations hold: their arenas' chunks and their tables. */
  get bytes(): number {
    return this.young.arena.bytes + this.old.arena.bytes + this.young.places.bytes + this.old.places.bytes;
  }
}
