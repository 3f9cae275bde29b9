/**
 * The few canonical msgpack forms the light client needs (docs/protocol.md §1.1): writing a block
 * header (u64, str, bin, array) and reading an account record and a validator set (u64, array, bin). Its own small copy of
 * the node's codec (src/chain/codec) because that one is built on Buffer; a test checks both write
 * the same header bytes.
 */
import { LightError, LightErrorCode } from './errors.ts';

export type Packable = bigint | string | Uint8Array | readonly Packable[];

const utf8 = new TextEncoder();

function uint(n: bigint, out: number[]): void {
  if (n < 0n || n >= 1n << 64n) throw new RangeError(`${n} is not a u64.`);
  if (n < 0x80n) return void out.push(Number(n));
  const [marker, bytes] = n < 0x100n ? [0xcc, 1] : n < 0x10000n ? [0xcd, 2] : n < 0x1_0000_0000n ? [0xce, 4] : [0xcf, 8];
  out.push(marker);
  for (let i = bytes - 1; i >= 0; i--) out.push(Number((n >> BigInt(8 * i)) & 0xffn));
}

function length(k: number, out: number[], markers: readonly [number, number, number], bytes: readonly [number, number, number]): void {
  const form = k < 0x100 ? 0 : k < 0x10000 ? 1 : 2;
  out.push(markers[form]!);
  for (let i = bytes[form]! - 1; i >= 0; i--) out.push((k >>> (8 * i)) & 0xff);
}

function write(value: Packable, out: number[]): void {
  if (typeof value === 'bigint') return uint(value, out);
  if (typeof value === 'string') {
    const b = utf8.encode(value);
    if (b.length < 32) out.push(0xa0 | b.length);
    else length(b.length, out, [0xd9, 0xda, 0xdb], [1, 2, 4]);
    for (const x of b) out.push(x);
    return;
  }
  if (value instanceof Uint8Array) {
    length(value.length, out, [0xc4, 0xc5, 0xc6], [1, 2, 4]);
    for (const x of value) out.push(x);
    return;
  }
  const items = value as readonly Packable[];
  if (items.length < 16) out.push(0x90 | items.length);
  else if (items.length < 0x10000) out.push(0xdc, items.length >> 8, items.length & 0xff);
  else out.push(0xdd, (items.length >>> 24) & 0xff, (items.length >>> 16) & 0xff, (items.length >>> 8) & 0xff, items.length & 0xff);
  for (const item of items) write(item, out);
}

export function pack(value: Packable): Uint8Array {
  const out: number[] = [];
  write(value, out);
  return Uint8Array.from(out);
}

/** A cursor over msgpack bytes that reads u64s and array headers, refusing anything else. */
export class MsgpackReader {
  private at = 0;
  private readonly bytes: Uint8Array;
  private readonly what: string;

  constructor(bytes: Uint8Array, what: string) {
    this.bytes = bytes;
    this.what = what;
  }

  private fail(problem: string): never {
    throw new LightError(LightErrorCode.MalformedAnswer, `The ${this.what} is not a valid record: ${problem} at byte ${this.at}.`);
  }

  private take(n: number): number {
    if (this.at + n > this.bytes.length) this.fail('it ends early');
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 256 + this.bytes[this.at++]!;
    return v;
  }

  u64(): bigint {
    const marker = this.take(1);
    if (marker < 0x80) return BigInt(marker);
    const widths: Record<number, number> = { 0xcc: 1, 0xcd: 2, 0xce: 4, 0xcf: 8 };
    const width = widths[marker];
    if (width === undefined) this.fail(`marker 0x${marker.toString(16)} is not a u64`);
    let n = 0n;
    for (let i = 0; i < width; i++) n = (n << 8n) | BigInt(this.take(1));
    return n;
  }

  /** A binary (bin 8/16/32) of exactly `length` bytes. */
  bin(length: number): Uint8Array {
    const marker = this.take(1);
    const widths: Record<number, number> = { 0xc4: 1, 0xc5: 2, 0xc6: 4 };
    const width = widths[marker];
    if (width === undefined) this.fail(`marker 0x${marker.toString(16)} is not a binary`);
    const size = this.take(width);
    if (size !== length) this.fail(`a binary of ${size} bytes where ${length} belong`);
    if (this.at + size > this.bytes.length) this.fail('it ends early');
    const out = this.bytes.slice(this.at, this.at + size);
    this.at += size;
    return out;
  }

  arrayHeader(): number {
    const marker = this.take(1);
    if (marker >= 0x90 && marker <= 0x9f) return marker & 0x0f;
    if (marker === 0xdc) return this.take(2);
    if (marker === 0xdd) return this.take(4);
    return this.fail(`marker 0x${marker.toString(16)} is not an array`);
  }

  /** An array header of exactly `n` items (a record of n fields). */
  record(n: number): void {
    const count = this.arrayHeader();
    if (count !== n) this.fail(`${count} fields where ${n} belong`);
  }

  end(): void {
    if (this.at !== this.bytes.length) this.fail('trailing bytes');
  }
}
