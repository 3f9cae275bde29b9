/**
 * Reads untrusted bytes in the canonical msgpack subset of docs/protocol.md §1 and nothing else, in one pass:
 * nil, booleans, unsigned integers in their smallest form, UTF-8 strings, binary and arrays, each
 * header in its smallest form. A value has exactly one accepted encoding, so whatever this reader
 * accepts re-encodes (msgpack.ts `pack`) to the very bytes it read; no decode-then-re-encode
 * comparison is needed, and a caller may hash a sub-range of the input (a tx's unsigned part) as
 * read. Every refusal is a MalformedBytes ChainError naming the byte offset.
 *
 * Decoded shapes: integers below 2^32 as numbers, uint 64 as bigint; binary as a Buffer view into
 * the input (the schema codecs copy what they keep); arrays as arrays.
 */
import { malformed } from '../errors.ts';

/** Nesting deeper than this is no message of ours; refusing it keeps the recursion bounded. */
const MAX_DEPTH = 32;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export class CanonicalReader {
  private readonly buf: Buffer;
  private readonly what: string;
  pos = 0;

  constructor(bytes: Uint8Array, what: string) {
    this.buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.what = what;
  }

  /** The input between two offsets, as a plain Uint8Array view (no copy). */
  slice(start: number, end: number): Uint8Array {
    return new Uint8Array(this.buf.buffer, this.buf.byteOffset + start, end - start);
  }

  fail(reason: string, at = this.pos): never {
    return malformed(this.what, `not in canonical encoding: ${reason} at byte ${at}.`);
  }

  /** Refuses trailing bytes after the top-level value. */
  end(): void {
    if (this.pos !== this.buf.length) this.fail(`${this.buf.length - this.pos} bytes after the value`);
  }

  /** An array header; its items follow. */
  arrayHeader(): number {
    const at = this.pos;
    const marker = this.byte();
    if (marker >= 0x90 && marker <= 0x9f) return marker & 0x0f;
    if (marker === 0xdc) return this.items(this.minimal(this.u16(), 16, at), at);
    if (marker === 0xdd) return this.items(this.minimal(this.u32(), 0x10000, at), at);
    return this.fail('expected an array', at);
  }

  value(depth = 0): unknown {
    const at = this.pos;
    const marker = this.byte();
    if (marker <= 0x7f) return marker;
    if (marker >= 0xa0 && marker <= 0xbf) return this.text(marker & 0x1f, at);
    if (marker >= 0x90 && marker <= 0x9f) return this.array(marker & 0x0f, depth, at);
    switch (marker) {
      case 0xc0:
        return null;
      case 0xc2:
        return false;
      case 0xc3:
        return true;
      case 0xc4:
        return this.binary(this.u8(), at);
      case 0xc5:
        return this.binary(this.minimal(this.u16(), 0x100, at), at);
      case 0xc6:
        return this.binary(this.minimal(this.u32(), 0x10000, at), at);
      case 0xcc:
        return this.minimal(this.u8(), 0x80, at);
      case 0xcd:
        return this.minimal(this.u16(), 0x100, at);
      case 0xce:
        return this.minimal(this.u32(), 0x10000, at);
      case 0xcf:
        return this.u64(at);
      case 0xd9:
        return this.text(this.minimal(this.u8(), 32, at), at);
      case 0xda:
        return this.text(this.minimal(this.u16(), 0x100, at), at);
      case 0xdb:
        return this.text(this.minimal(this.u32(), 0x10000, at), at);
      case 0xdc:
        return this.array(this.minimal(this.u16(), 16, at), depth, at);
      case 0xdd:
        return this.array(this.minimal(this.u32(), 0x10000, at), depth, at);
      default:
        return this.fail(`type 0x${marker.toString(16).padStart(2, '0')} has no canonical use`, at);
    }
  }

  private need(n: number, at: number): void {
    if (this.pos + n > this.buf.length) this.fail('the input ends inside a value', at);
  }

  private byte(): number {
    this.need(1, this.pos);
    return this.buf[this.pos++]!;
  }

  private u8(): number {
    return this.byte();
  }

  private u16(): number {
    this.need(2, this.pos - 1);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  private u32(): number {
    this.need(4, this.pos - 1);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  private u64(at: number): bigint {
    this.need(8, at);
    const v = this.buf.readBigUInt64BE(this.pos);
    this.pos += 8;
    if (v < 0x1_0000_0000n) this.fail('an integer in a longer form than it needs', at);
    return v;
  }

  /** A length or integer read from a longer form must not fit the shorter one. */
  private minimal(v: number, least: number, at: number): number {
    if (v < least) this.fail('a value in a longer form than it needs', at);
    return v;
  }

  /** Every item takes at least one byte: a count beyond the input is refused before allocating. */
  private items(count: number, at: number): number {
    if (count > this.buf.length - this.pos) this.fail(`an array of ${count} items in ${this.buf.length - this.pos} bytes`, at);
    return count;
  }

  private binary(n: number, at: number): Buffer {
    this.need(n, at);
    const view = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return view;
  }

  private text(n: number, at: number): string {
    this.need(n, at);
    const start = this.pos;
    this.pos += n;
    // ASCII (every string the chain itself writes) needs no UTF-8 validation.
    let ascii = true;
    for (let i = start; i < this.pos; i++) {
      if (this.buf[i]! > 0x7f) {
        ascii = false;
        break;
      }
    }
    if (ascii) return this.buf.toString('latin1', start, this.pos);
    try {
      return utf8.decode(this.buf.subarray(start, this.pos));
    } catch {
      return this.fail('a string that is not valid UTF-8', at);
    }
  }

  private array(count: number, depth: number, at: number): unknown[] {
    if (depth >= MAX_DEPTH) this.fail(`arrays nested deeper than ${MAX_DEPTH}`, at);
    this.items(count, at);
    const out = new Array<unknown>(count);
    for (let i = 0; i < count; i++) out[i] = this.value(depth + 1);
    return out;
  }
}

/** Decodes one whole canonical value (trailing bytes refused). Throws MalformedBytes. */
export function readCanonical(bytes: Uint8Array, what: string): unknown {
  if (!(bytes instanceof Uint8Array)) malformed(what, 'expected bytes.');
  const reader = new CanonicalReader(bytes, what);
  const value = reader.value();
  reader.end();
  return value;
}
