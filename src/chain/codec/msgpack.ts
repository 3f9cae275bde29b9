/**
 * The one msgpack encoder (SPEC 7), used for hashing, signing, storage and the wire. Integers
 * below 2^32 go out as msgpack's smallest uint form, larger u64 values as 64-bit integers, so one
 * value has one encoding. Decoding untrusted bytes throws MalformedBytes and nothing else; callers
 * re-encode what they decoded and compare bytes, which refuses every non-canonical form.
 */
import { Packr } from 'msgpackr';
import { malformed } from '../errors.ts';

const packr = new Packr({ useRecords: false, int64AsType: 'bigint', mapsAsObjects: false, moreTypes: false } as ConstructorParameters<typeof Packr>[0]);

export function pack(value: unknown): Uint8Array {
  return packr.pack(value);
}

export function unpack(bytes: Uint8Array, what: string): unknown {
  if (!(bytes instanceof Uint8Array)) malformed(what, 'expected bytes.');
  try {
    return packr.unpack(bytes);
  } catch (err) {
    return malformed(what, err instanceof Error ? err.message : 'not msgpack.');
  }
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}
