/**
 * Node records packed into large chunks, each record named by one number (its place): the memory
 * store and the LevelDB store's cache keep millions of ~83-byte records this way instead of as one
 * typed array each, which would be a malloc'd backing store, a GC-tracked object and a finalizer
 * per record (a million-key tree took the heap to ~5 GB, and LevelDB's read buffers kept in a cache
 * fragmented the native heap into ~1 GiB that was never given back). Space is never reused: the
 * owner drops the whole arena (node-cache.ts) or lives with it (a tool's store).
 */
const CHUNK_BYTES = 1 << 20;
/** Records are at most 255 bytes (node.ts: 83); the length is kept in the low byte of the place. */
const LENGTH_BITS = 256;

export class ByteArena {
  private readonly chunks: Uint8Array[] = [];
  private used = CHUNK_BYTES;

  /** Bytes taken by the chunks (the arena's own memory). */
  get bytes(): number {
    return this.chunks.length * CHUNK_BYTES;
  }

  /** A copy of `bytes` in the arena; its place. */
  write(bytes: Uint8Array): number {
    if (bytes.length >= LENGTH_BITS) throw new RangeError(`A state tree record of ${bytes.length} bytes is too long for a byte arena.`);
    if (this.used + bytes.length > CHUNK_BYTES) {
      this.chunks.push(new Uint8Array(CHUNK_BYTES));
      this.used = 0;
    }
    const chunk = this.chunks.length - 1;
    this.chunks[chunk]!.set(bytes, this.used);
    const place = (chunk * CHUNK_BYTES + this.used) * LENGTH_BITS + bytes.length;
    this.used += bytes.length;
    return place;
  }

  /** Whether the record at `place` holds exactly bytes[from, from + length) (compared in place: no view made). */
  equals(place: number, bytes: Uint8Array, from = 0, length = bytes.length): boolean {
    if (place % LENGTH_BITS !== length) return false;
    const at = (place - length) / LENGTH_BITS;
    const offset = at % CHUNK_BYTES;
    const chunk = this.chunks[(at - offset) / CHUNK_BYTES]!;
    for (let i = 0; i < length; i++) if (chunk[offset + i] !== bytes[from + i]) return false;
    return true;
  }

  /** The chunk holding the record at `place`, and the record's offset and length in it, for a caller that reads it in place. */
  chunkOf(place: number): Uint8Array {
    const at = (place - (place % LENGTH_BITS)) / LENGTH_BITS;
    return this.chunks[(at - (at % CHUNK_BYTES)) / CHUNK_BYTES]!;
  }

  offsetOf(place: number): number {
    return ((place - (place % LENGTH_BITS)) / LENGTH_BITS) % CHUNK_BYTES;
  }

  lengthOf(place: number): number {
    return place % LENGTH_BITS;
  }

  /** A view of the record at `place` (callers never write into it). */
  read(place: number): Uint8Array {
    const length = place % LENGTH_BITS;
    const at = (place - length) / LENGTH_BITS;
    const offset = at % CHUNK_BYTES;
    return this.chunks[(at - offset) / CHUNK_BYTES]!.subarray(offset, offset + length);
  }
}
