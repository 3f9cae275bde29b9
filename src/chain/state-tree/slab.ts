/**
 * Small byte arrays carved out of large ones. A typed array over 64 bytes is allocated off the V8
 * heap with its own backing store, which costs a malloc, a GC-tracked extension and a finalizer: an
 * update makes ~160,000 node records (83 bytes) and as many hashes, and those allocations, not the
 * work, were most of its time and GC. A view into a 1 MiB chunk is one small heap object.
 */
const CHUNK_BYTES = 1 << 20;

export class Slab {
  private chunk = new Uint8Array(0);
  private used = 0;

  /** A zeroed view of `length` bytes. It keeps its whole chunk alive: a store that keeps bytes long copies them (node-cache.ts). */
  alloc(length: number): Uint8Array {
    if (this.used + length > this.chunk.length) {
      this.chunk = new Uint8Array(Math.max(CHUNK_BYTES, length));
      this.used = 0;
    }
    const out = this.chunk.subarray(this.used, this.used + length);
    this.used += length;
    return out;
  }
}
