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
  const hex = digest.toString('hex', 0, 16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
