/**
 * UUIDs as text and bytes without Buffer or node:crypto, so the client SDK (src/client) shares
 * them with the node: the hashing is the caller's (node:crypto in uuid-v5.ts, WebCrypto in the SDK).
 */

const HEX_UUID = /^([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})$/;
const HEX_DIGITS = [48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102];
const HEX_VALUES: Readonly<Record<string, number>> = Object.fromEntries(HEX_DIGITS.map((code, i) => [String.fromCharCode(code), i]));
const codes: number[] = new Array<number>(36);

/**
 * 16 bytes as a UUID's canonical text, as one flat string: slicing a hex string and joining the
 * parts leaves V8 a rope of five slices (about 300 bytes each, instead of 56), and the state and
 * the events hold millions of ids. String.fromCharCode over one list of codes builds it flat, as
 * fast as Buffer's latin1 decoding.
 */
export function formatUuid(bytes: Uint8Array): string {
  let at = 0;
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) codes[at++] = 0x2d;
    const b = bytes[i]!;
    codes[at++] = HEX_DIGITS[b >> 4]!;
    codes[at++] = HEX_DIGITS[b & 0x0f]!;
  }
  return String.fromCharCode.apply(null, codes);
}

/** Code arrays reused per output length for short hex (keys, hashes): no allocation per call. */
const SHORT_HEX_BYTES = 64;
const shortCodes = new Map<number, number[]>();

/** Bytes as lowercase hex, built flat the same way. */
export function bytesToHex(bytes: Uint8Array): string {
  const length = bytes.length * 2;
  let out = bytes.length <= SHORT_HEX_BYTES ? shortCodes.get(length) : undefined;
  if (out === undefined) {
    out = new Array<number>(length);
    if (bytes.length <= SHORT_HEX_BYTES) shortCodes.set(length, out);
  }
  for (let i = 0; i < bytes.length; i++) {
    out[2 * i] = HEX_DIGITS[bytes[i]! >> 4]!;
    out[2 * i + 1] = HEX_DIGITS[bytes[i]! & 0x0f]!;
  }
  if (length <= 2 * SHORT_HEX_BYTES) return String.fromCharCode.apply(null, out);
  // Chunks keep the argument list far below any engine's limit.
  let text = '';
  for (let i = 0; i < length; i += 8192) text += String.fromCharCode.apply(null, out.slice(i, i + 8192));
  return text;
}

/** Lowercase or uppercase hex of whole bytes; anything else is a programming error and throws. */
export function hexToBytes(hex: string): Uint8Array {
  if (hex.length % 2 !== 0) throw new TypeError('Hex text has an even number of digits.');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = HEX_VALUES[hex[2 * i]!.toLowerCase()];
    const lo = HEX_VALUES[hex[2 * i + 1]!.toLowerCase()];
    if (hi === undefined || lo === undefined) throw new TypeError(`"${hex.slice(0, 16)}…" is not hex.`);
    out[i] = (hi << 4) | lo;
  }
  return out;
}

/** The 16 bytes of a UUID in canonical lowercase text form. */
export function uuidBytes(uuid: string): Uint8Array {
  const parts = HEX_UUID.exec(uuid);
  if (parts === null) throw new TypeError(`"${uuid}" is not a UUID in lowercase canonical form.`);
  return hexToBytes(parts.slice(1).join(''));
}

/** RFC 9562 §5.5: a SHA-1 digest of namespace ‖ name made a version 5, variant 10 UUID. */
export function uuidV5FromSha1(digest: Uint8Array): string {
  const bytes = digest.slice(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  return formatUuid(bytes);
}
