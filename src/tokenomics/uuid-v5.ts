/**
 * RFC 9562 UUIDv5 (SHA-1 name-based), byte-for-byte what the `uuid` package computes, without its
 * per-call costs: the `uuid` package parses a string namespace and turns the name into bytes
 * through `unescape(encodeURIComponent(...))` on every call, about 10 µs, and the fee burn of every
 * transfer needs an id. Hashing is pure (no I/O), so it belongs in the deterministic core.
 */
import { createHash } from 'node:crypto';

const HEX_UUID = /^([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})$/;

/** The 16 bytes of a UUID in canonical lowercase text form. */
export function uuidBytes(uuid: string): Buffer {
  const parts = HEX_UUID.exec(uuid);
  if (parts === null) throw new TypeError(`"${uuid}" is not a UUID in lowercase canonical form.`);
  return Buffer.from(parts.slice(1).join(''), 'hex');
}

/** UUIDv5 of `name` (a string is hashed as UTF-8) under a namespace given as its 16 bytes. */
export function uuidV5(name: string | Uint8Array, namespace: Uint8Array): string {
  const digest = createHash('sha1').update(namespace).update(name).digest();
  digest[6] = (digest[6]! & 0x0f) | 0x50;
  digest[8] = (digest[8]! & 0x3f) | 0x80;
  return formatUuid(digest);
}

const HEX_DIGITS = Buffer.from('0123456789abcdef', 'latin1');
const text = Buffer.alloc(36);

/**
 * 16 bytes as a UUID's canonical text, as one flat string: slicing a hex string and joining the
 * parts leaves V8 a rope of five slices (about 300 bytes each, instead of 56), and the state and
 * the events hold millions of ids.
 */
export function formatUuid(bytes: Uint8Array): string {
  let at = 0;
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) text[at++] = 0x2d;
    const b = bytes[i]!;
    text[at++] = HEX_DIGITS[b >> 4]!;
    text[at++] = HEX_DIGITS[b & 0x0f]!;
  }
  return text.toString('latin1', 0, 36);
}
