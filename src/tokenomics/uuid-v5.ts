/**
 * RFC 9562 UUIDv5 (SHA-1 name-based), byte-for-byte what the `uuid` package computes, without its
 * per-call costs: the `uuid` package parses a string namespace and turns the name into bytes
 * through `unescape(encodeURIComponent(...))` on every call, about 10 µs, and the fee burn of every
 * transfer needs an id. Hashing is pure (no I/O), so it belongs in the deterministic core.
 */
import { createHash } from 'node:crypto';
import { uuidV5FromSha1 } from './uuid-text.ts';

export { formatUuid, uuidBytes } from './uuid-text.ts';

/** UUIDv5 of `name` (a string is hashed as UTF-8) under a namespace given as its 16 bytes. */
export function uuidV5(name: string | Uint8Array, namespace: Uint8Array): string {
  return uuidV5FromSha1(createHash('sha1').update(namespace).update(name).digest());
}
