/**
 * The one msgpack encoder (docs/protocol.md §1), used for hashing, signing, storage and the wire. It writes
 * only what the canonical encoding uses: nil, booleans, unsigned integers up to u64 (always the
 * smallest form: positive fixint, uint 8/16/32/64), UTF-8 strings, binary and arrays; so one value
 * has exactly one encoding. Anything else is a programming error and throws. Decoding untrusted
 * bytes (canonical-reader.ts) accepts exactly those encodings and throws MalformedBytes on anything
 * else, so what decodes re-encodes to the same bytes.
 */
import { readCanonical } from './canonical-reader.ts';

const U64_LIMIT = 1n << 64n;

class Writer {
  private buf = Buffer.allocUnsafe(256);
  length = 0;

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + n));
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
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
      this.buf.writeUInt16BE(n, this.length + 1);
      this.length += 3;
    } else {
      this.room(5);
      this.buf[this.length] = marker32;
      this.buf.writeUInt32BE(n, this.length + 1);
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
    this.buf.writeBigUInt64BE(v, this.length + 1);
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
      this.buf.writeUInt16BE(v, this.length + 1);
      this.length += 3;
    } else {
      this.room(5);
      this.buf[this.length] = 0xce;
      this.buf.writeUInt32BE(v, this.length + 1);
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
    const length = Buffer.byteLength(v, 'utf8');
    this.head(0xa0, 0xd9, 0xda, 0xdb, length, 32);
    this.room(length);
    this.length += this.buf.write(v, this.length, length, 'utf8');
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
    return Uint8Array.prototype.slice.call(this.buf, 0, this.length);
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

/** Decodes untrusted bytes in the canonical encoding (trailing bytes refused). Throws MalformedBytes. */
export function unpack(bytes: Uint8Array, what: string): unknown {
  return readCanonical(bytes, what);
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}
