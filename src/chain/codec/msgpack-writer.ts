/**
 * The canonical msgpack writer of docs/protocol.md §1 (msgpack.ts says what it writes and why), on
 * Uint8Array, DataView and TextEncoder only: the node and the client SDK (src/client) encode with
 * this one writer, so their bytes cannot drift apart.
 */

const U64_LIMIT = 1n << 64n;
const utf8 = new TextEncoder();
/** A grown scratch buffer is kept up to this size; a bigger one (a rare huge value) is let go. */
const SCRATCH_KEPT_BYTES = 1 << 20;

/**
 * One scratch buffer for every write: encoding is synchronous and never nests, and a fresh
 * zero-filled array and DataView per call cost twice the encoding of a tx itself.
 */
let scratch = new Uint8Array(4096);
let scratchView = new DataView(scratch.buffer);

function stringHeaderBytes(length: number): number {
  return length < 32 ? 1 : length < 0x100 ? 2 : length < 0x10000 ? 3 : 5;
}

class Writer {
  private buf = scratch;
  private view = scratchView;
  length = 0;

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
    if (next.length <= SCRATCH_KEPT_BYTES) {
      scratch = next;
      scratchView = this.view;
    }
  }

  byte(b: number): void {
    this.room(1);
    this.buf[this.length++] = b;
  }

  head(small: number, marker8: number | null, marker16: number, marker32: number, n: number, smallLimit: number): void {
    if (n < smallLimit) this.byte(small | n);
    else if (marker8 !== null && n < 0x100) {
      this.byte(marker8);
      this.byte(n);
    } else if (n < 0x10000) {
      this.room(3);
      this.buf[this.length] = marker16;
      this.view.setUint16(this.length + 1, n);
      this.length += 3;
    } else {
      this.room(5);
      this.buf[this.length] = marker32;
      this.view.setUint32(this.length + 1, n);
      this.length += 5;
    }
  }

  uint(v: bigint): void {
    if (v < 0n || v >= U64_LIMIT) throw new RangeError(`${v} is not a u64`);
    if (v < 0x1_0000_0000n) {
      this.smallUint(Number(v));
      return;
    }
    this.room(9);
    this.buf[this.length] = 0xcf;
    this.view.setBigUint64(this.length + 1, v);
    this.length += 9;
  }

  /** Below 2^32: number arithmetic, cheaper than bigint comparisons. */
  private smallUint(v: number): void {
    if (v < 0x80) this.byte(v);
    else if (v < 0x100) {
      this.byte(0xcc);
      this.byte(v);
    } else if (v < 0x10000) {
      this.room(3);
      this.buf[this.length] = 0xcd;
      this.view.setUint16(this.length + 1, v);
      this.length += 3;
    } else {
      this.room(5);
      this.buf[this.length] = 0xce;
      this.view.setUint32(this.length + 1, v);
      this.length += 5;
    }
  }

  /** Short ASCII strings (reasons, kinds, ids) are copied byte by byte: no native call for them. */
  private string(v: string): void {
    if (v.length < 32) {
      this.room(v.length + 1);
      const start = this.length;
      this.buf[start] = 0xa0 | v.length;
      let i = 0;
      for (; i < v.length; i++) {
        const c = v.charCodeAt(i);
        if (c > 0x7f) break;
        this.buf[start + 1 + i] = c;
      }
      if (i === v.length) {
        this.length = start + 1 + i;
        return;
      }
    }
    // Encoded in place after room for the header of the longest possible encoding (3 bytes per
    // UTF-16 unit), then moved back when the real length takes a shorter header.
    const reserved = stringHeaderBytes(v.length * 3);
    this.room(reserved + v.length * 3);
    const start = this.length;
    const { written } = utf8.encodeInto(v, this.buf.subarray(start + reserved));
    const header = stringHeaderBytes(written);
    if (header !== reserved) this.buf.copyWithin(start + header, start + reserved, start + reserved + written);
    this.head(0xa0, 0xd9, 0xda, 0xdb, written, 32);
    this.length += written;
  }

  bytes(data: Uint8Array): void {
    this.room(data.length);
    this.buf.set(data, this.length);
    this.length += data.length;
  }

  value(v: unknown): void {
    if (v === null) this.byte(0xc0);
    else if (v === true) this.byte(0xc3);
    else if (v === false) this.byte(0xc2);
    else if (typeof v === 'bigint') this.uint(v);
    else if (typeof v === 'number') {
      if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`${v} is not an unsigned integer`);
      if (v < 0x1_0000_0000) this.smallUint(v);
      else this.uint(BigInt(v));
    } else if (typeof v === 'string') {
      this.string(v);
    } else if (v instanceof Uint8Array) {
      this.head(0, 0xc4, 0xc5, 0xc6, v.length, 0);
      this.bytes(v);
    } else if (Array.isArray(v)) {
      this.head(0x90, null, 0xdc, 0xdd, v.length, 16);
      for (const item of v) this.value(item);
    } else {
      throw new TypeError(`The canonical encoding has no form for ${typeof v}`);
    }
  }

  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

export function pack(value: unknown): Uint8Array {
  const writer = new Writer();
  writer.value(value);
  return writer.result();
}

/** The header of an array of `length` items, for callers that append already-encoded items. */
export function packArrayHeader(length: number): Uint8Array {
  const writer = new Writer();
  writer.head(0x90, null, 0xdc, 0xdd, length, 16);
  return writer.result();
}
