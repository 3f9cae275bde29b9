/**
 * A small codec DSL: each value kind knows how to become canonical msgpack-ready data (arrays in
 * field order, never maps) and how to be read back from untrusted decoded data, naming the path of
 * the first thing that is wrong.
 */
import { U64_MAX } from '../../tokenomics/amount.ts';
import { bytesToHex, formatUuid, hexToBytes } from '../../tokenomics/uuid-text.ts';
import { malformed } from '../errors.ts';

/** A short, never-throwing description of an untrusted decoded value for error messages. */
export function describeRaw(raw: unknown): string {
  if (typeof raw === 'string') return JSON.stringify(raw.slice(0, 40));
  if (typeof raw === 'bigint' || typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  if (raw === null) return 'nil';
  if (raw instanceof Uint8Array) return `${raw.length} bytes`;
  if (Array.isArray(raw)) return `a list of ${raw.length}`;
  return typeof raw;
}

export interface Codec<T> {
  enc(value: T): unknown;
  dec(raw: unknown, path: string): T;
}

export const u64: Codec<bigint> = {
  enc: (v) => v,
  dec(raw, path) {
    if (typeof raw === 'bigint') {
      if (raw < 0n || raw > U64_MAX) malformed(path, 'outside u64.');
      return raw;
    }
    // Small msgpack ints decode as numbers; a float, negative or unsafe number is no u64 of ours.
    if (typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= 0) return BigInt(raw);
    return malformed(path, 'expected an unsigned integer.');
  },
};

export const bool: Codec<boolean> = {
  enc: (v) => v,
  dec: (raw, path) => (typeof raw === 'boolean' ? raw : malformed(path, 'expected a boolean.')),
};

export function str(maxLength: number): Codec<string> {
  return {
    enc: (v) => v,
    dec(raw, path) {
      if (typeof raw !== 'string') malformed(path, 'expected a string.');
      if (raw.length > maxLength) malformed(path, `longer than ${maxLength} characters.`);
      return raw;
    },
  };
}

export function oneOf<T extends string>(values: readonly T[]): Codec<T> {
  return {
    enc: (v) => v,
    dec(raw, path) {
      if (typeof raw !== 'string' || !(values as readonly string[]).includes(raw)) malformed(path, `expected one of ${values.join(', ')}.`);
      return raw as T;
    },
  };
}

export function bin(length?: number): Codec<Uint8Array> {
  return {
    enc: (v) => v,
    dec(raw, path) {
      if (!(raw instanceof Uint8Array)) malformed(path, 'expected binary.');
      if (length !== undefined && raw.length !== length) malformed(path, `expected ${length} bytes, got ${raw.length}.`);
      return Uint8Array.from(raw);
    },
  };
}

/** Binary of fixed length, held as lowercase hex in memory (public keys). */
export function hexBin(length: number): Codec<string> {
  const inner = bin(length);
  return {
    enc: (v) => hexToBytes(v),
    dec: (raw, path) => bytesToHex(inner.dec(raw, path)),
  };
}

const uuidBin = bin(16);

/** A UUID as its 16 raw bytes. */
export const uuid: Codec<string> = {
  enc: (v) => hexToBytes(v.replace(/-/g, '')),
  dec: (raw, path) => formatUuid(uuidBin.dec(raw, path)),
};

export function nullable<T>(inner: Codec<T>): Codec<T | null> {
  return {
    enc: (v) => (v === null ? null : inner.enc(v)),
    dec: (raw, path) => (raw === null ? null : inner.dec(raw, path)),
  };
}

export function list<T>(inner: Codec<T>, maxItems: number): Codec<T[]> {
  return {
    enc: (v) => v.map((item) => inner.enc(item)),
    dec(raw, path) {
      if (!Array.isArray(raw)) malformed(path, 'expected a list.');
      if (raw.length > maxItems) malformed(path, `more than ${maxItems} items.`);
      return raw.map((item, i) => inner.dec(item, `${path}[${i}]`));
    },
  };
}

type Fields<T> = { [K in keyof T]: Codec<T[K]> };

/** A record as an array of its fields, in the order `fields` lists them. */
export function record<T extends object>(fields: Fields<T>): Codec<T> {
  const order = Object.keys(fields) as (keyof T & string)[];
  return {
    enc: (v) => order.map((key) => fields[key].enc(v[key])),
    dec(raw, path) {
      if (!Array.isArray(raw)) malformed(path, 'expected an array.');
      if (raw.length !== order.length) malformed(path, `expected ${order.length} fields, got ${raw.length}.`);
      const out = {} as T;
      order.forEach((key, i) => {
        out[key] = fields[key].dec(raw[i], `${path}.${key}`);
      });
      return out;
    },
  };
}
