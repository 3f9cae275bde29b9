/**
 * Unsigned LEB128 varints (7 bits a byte, low bits first) of safe integers, for the store's compact
 * tree records (node-record.ts, stale-list.ts): version differences there are mostly 0 or a few
 * blocks, one byte. Plain numbers, not bigints: a block's commit encodes one per node it writes.
 */

/** Bytes of `value` (a safe non-negative integer) as a varint: at most 8. */
export function varintLength(value: number): number {
  let length = 1;
  for (let v = value; v >= 0x80; v = Math.floor(v / 0x80)) length++;
  return length;
}

/** Writes `value` at `at`; returns the offset after it. */
export function writeVarint(out: Uint8Array, at: number, value: number): number {
  let v = value;
  let i = at;
  while (v >= 0x80) {
    out[i++] = (v % 0x80) | 0x80;
    v = Math.floor(v / 0x80);
  }
  out[i++] = v;
  return i;
}

/** The varint at `from` and the offset after it; `corrupt` is called for one cut short or past 2^53. */
export function readVarint(bytes: Uint8Array, from: number, corrupt: (problem: string) => never): [number, number] {
  let value = 0;
  let scale = 1;
  for (let at = from; at < bytes.length && at - from < 8; at++, scale *= 0x80) {
    const byte = bytes[at]!;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return Number.isSafeInteger(value) ? [value, at + 1] : corrupt('a varint past 2^53.');
  }
  return corrupt('a varint is cut short or too long.');
}

const TWO_32 = 2 ** 32;

/** The u64 BE at `at` as a number, or -1 when it is past 2^53 (no height of a real chain). */
export function safeU64At(bytes: Uint8Array, at: number): number {
  const hi = ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
  if (hi >= 1 << 21) return -1;
  const lo = ((bytes[at + 4]! << 24) | (bytes[at + 5]! << 16) | (bytes[at + 6]! << 8) | bytes[at + 7]!) >>> 0;
  return hi * TWO_32 + lo;
}

/** Writes a safe integer as u64 BE at `at`. */
export function writeSafeU64(out: Uint8Array, at: number, value: number): void {
  let hi = Math.floor(value / TWO_32);
  let lo = value >>> 0;
  for (let i = 3; i >= 0; i--) {
    out[at + i] = hi & 0xff;
    out[at + 4 + i] = lo & 0xff;
    hi >>>= 8;
    lo >>>= 8;
  }
}
