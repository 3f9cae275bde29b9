/**
 * Unsigned LEB128 varints (7 bits a byte, low bits first), for the store's compact tree records
 * (node-record.ts, stale-list.ts): version differences there are mostly 0 or a few blocks, one byte.
 */

/** Bytes of `value` as a varint (u64: at most 10). */
export function varintLength(value: bigint): number {
  let length = 1;
  for (let v = value >> 7n; v > 0n; v >>= 7n) length++;
  return length;
}

/** Writes `value` at `at`; returns the offset after it. */
export function writeVarint(out: Uint8Array, at: number, value: bigint): number {
  let v = value;
  let i = at;
  while (v >= 0x80n) {
    out[i++] = Number(v & 0x7fn) | 0x80;
    v >>= 7n;
  }
  out[i++] = Number(v);
  return i;
}

/** The varint at `from` (at most 10 bytes, a u64) and the offset after it; `corrupt` is called for one cut short. */
export function readVarint(bytes: Uint8Array, from: number, corrupt: (problem: string) => never): [bigint, number] {
  let value = 0n;
  let shift = 0n;
  for (let at = from; at < bytes.length && shift < 70n; at++, shift += 7n) {
    const byte = bytes[at]!;
    value |= BigInt(byte & 0x7f) << shift;
    if (byte < 0x80) return [value, at + 1];
  }
  return corrupt('a varint is cut short.');
}
