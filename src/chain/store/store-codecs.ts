/**
 * The value codecs of the store's repositories that are more than a schema: raw bytes, schema
 * values through msgpack, and the undo record (previous values, decoded per state key).
 */
import type { WriteSet } from '../../tokenomics/index.ts';
import { pack, unpack } from '../codec/msgpack.ts';
import { bin, list, nullable, record } from '../codec/schema.ts';
import { decodeStateValue, encodeStateValue, stateKeyBytes } from '../codec/state.ts';
import { heightBytes } from './buckets.ts';
import type { EntityCodec } from './repository.ts';

/** A state key's bytes read back as its name. */
export const ascii = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');

/** Stored bytes kept as they are (blocks, journaled txs): their own decoders check them later. */
export const rawBytes = <K>(key: (k: K) => Uint8Array): EntityCodec<K, Uint8Array> => ({
  key,
  encode: (value) => value,
  decode: (bytes) => bytes,
});

/** A msgpack value read back through a schema codec: anything off is a decode error. */
export function schemaCodec<K, V>(key: (k: K) => Uint8Array, what: string, codec: { enc(v: V): unknown; dec(raw: unknown, path: string): V }): EntityCodec<K, V> {
  return { key, encode: (value) => pack(codec.enc(value)), decode: (bytes) => codec.dec(unpack(bytes, what), what) };
}

/** Undo record: [[state key bytes, previous encoded value | nil]...]. Values decode per key. */
const undoEntries = list(record({ key: bin(), value: nullable(bin()) }), Number.MAX_SAFE_INTEGER);

export const undoCodec: EntityCodec<bigint, WriteSet> = {
  key: heightBytes,
  encode: (undo) =>
    pack(undoEntries.enc([...undo].map(([key, value]) => ({ key: stateKeyBytes(key), value: value === null ? null : encodeStateValue(key, value) })))),
  decode(bytes) {
    const undo: WriteSet = new Map();
    for (const { key, value } of undoEntries.dec(unpack(bytes, 'undo'), 'undo')) {
      const name = ascii(key);
      undo.set(name, value === null ? null : decodeStateValue(name, value));
    }
    return undo;
  },
};
