/**
 * The one msgpack encoder (docs/protocol.md §1), used for hashing, signing, storage and the wire. It writes
 * only what the canonical encoding uses: nil, booleans, unsigned integers up to u64 (always the
 * smallest form: positive fixint, uint 8/16/32/64), UTF-8 strings, binary and arrays; so one value
 * has exactly one encoding. Anything else is a programming error and throws. Decoding untrusted
 * bytes (canonical-reader.ts) accepts exactly those encodings and throws MalformedBytes on anything
 * else, so what decodes re-encodes to the same bytes.
 */
import { readCanonical } from './canonical-reader.ts';

export { pack, packArrayHeader } from './msgpack-writer.ts';

/** Decodes untrusted bytes in the canonical encoding (trailing bytes refused). Throws MalformedBytes. */
export function unpack(bytes: Uint8Array, what: string): unknown {
  return readCanonical(bytes, what);
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}
