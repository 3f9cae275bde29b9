/**
 * One repository per entity over one bucket (after Lodestar's `db/abstractRepository.ts`): it owns
 * the key layout and the value codec of its entity. Reads go to LevelDB directly; writes come back
 * as batch operations, so the store can put every write of a block into one atomic batch.
 * Undecodable stored bytes become ChainError StoreCorrupt naming the bucket and the key; LevelDB
 * failures are wrapped too, so nothing untyped leaves the store.
 */
import type { Level } from 'level';
import { ChainError, ChainErrorCode } from '../errors.ts';
import { type Bucket, bucketKey } from './buckets.ts';

export type Db = Level<Uint8Array, Uint8Array>;

/**
 * An explicit LevelDB snapshot (classic-level 3): reads given it see the store as it was when it
 * was taken, so a read made of several lookups (a history page and the blocks its records name) is
 * never torn by a commit or a prune between them. Absent: each read sees the store as it is.
 */
export type ReadSnapshot = ReturnType<Db['snapshot']>;

export type BatchOp = { type: 'put'; key: Uint8Array; value: Uint8Array } | { type: 'del'; key: Uint8Array };

export interface EntityCodec<K, V> {
  /** The key's bytes after the bucket byte. */
  key(key: K): Uint8Array;
  encode(value: V, keyBytes: Uint8Array): Uint8Array;
  decode(bytes: Uint8Array, keyBytes: Uint8Array): V;
  /** How a key is named in an error message. Default: hex. */
  describe?(keyBytes: Uint8Array): string;
}

/** Wraps anything thrown by LevelDB (or by a decoder) as a typed error; typed errors pass through. */
export function storeFailure(what: string, err: unknown): ChainError {
  if (err instanceof ChainError && err.code === ChainErrorCode.StoreCorrupt) return err;
  const detail = err instanceof Error ? err.message : String(err);
  return new ChainError(ChainErrorCode.StoreCorrupt, `The store could not ${what}: ${detail}`, { cause: err });
}

export class Repository<K, V> {
  readonly name: string;
  private readonly db: Db;
  private readonly bucket: Bucket;
  private readonly codec: EntityCodec<K, V>;

  constructor(db: Db, name: string, bucket: Bucket, codec: EntityCodec<K, V>) {
    this.db = db;
    this.name = name;
    this.bucket = bucket;
    this.codec = codec;
  }

  async get(key: K, snapshot?: ReadSnapshot): Promise<V | null> {
    const keyBytes = this.codec.key(key);
    let bytes: Uint8Array | undefined;
    try {
      // abstract-level 3 resolves a missing key to undefined instead of throwing NotFound.
      bytes = (await this.db.get(bucketKey(this.bucket, keyBytes), snapshot === undefined ? {} : { snapshot })) as Uint8Array | undefined;
    } catch (err) {
      throw storeFailure(`read ${this.name} ${this.describe(keyBytes)}`, err);
    }
    return bytes === undefined ? null : this.decode(bytes, keyBytes);
  }

  /** Several keys in one LevelDB call (null for each one missing), in the order given. */
  async getMany(keys: readonly K[], snapshot?: ReadSnapshot): Promise<(V | null)[]> {
    if (keys.length === 0) return [];
    const keyBytes = keys.map((k) => this.codec.key(k));
    let values: (Uint8Array | undefined)[];
    try {
      values = (await this.db.getMany(keyBytes.map((k) => bucketKey(this.bucket, k)), snapshot === undefined ? {} : { snapshot })) as (Uint8Array | undefined)[];
    } catch (err) {
      throw storeFailure(`read ${keys.length} ${this.name}s`, err);
    }
    return values.map((bytes, i) => (bytes === undefined ? null : this.decode(bytes, keyBytes[i]!)));
  }

  /** Whether the key is stored, without reading (or decoding) its value. */
  async has(key: K): Promise<boolean> {
    const keyBytes = this.codec.key(key);
    try {
      return await this.db.has(bucketKey(this.bucket, keyBytes));
    } catch (err) {
      throw storeFailure(`look up ${this.name} ${this.describe(keyBytes)}`, err);
    }
  }

  put(key: K, value: V): BatchOp {
    const keyBytes = this.codec.key(key);
    return { type: 'put', key: bucketKey(this.bucket, keyBytes), value: this.codec.encode(value, keyBytes) };
  }

  del(key: K): BatchOp {
    return { type: 'del', key: bucketKey(this.bucket, this.codec.key(key)) };
  }

  /**
   * Entries in key order (or reversed), as [key bytes after the bucket byte, value]. `gte`/`lt`
   * bound the key bytes after the bucket byte; without them the whole bucket is read. The LevelDB
   * iterator is made by this call, not on the first read, so the entries are the store as it was
   * at the call (classic-level iterators read from an implicit snapshot taken when made). Stopping
   * early (break) closes it.
   */
  entries(options: { gte?: Uint8Array; lt?: Uint8Array; reverse?: boolean; snapshot?: ReadSnapshot } = {}): AsyncGenerator<[Uint8Array, V]> {
    const range = {
      ...(options.snapshot === undefined ? {} : { snapshot: options.snapshot }),
      gte: bucketKey(this.bucket, options.gte ?? new Uint8Array()),
      // Without an upper bound the range ends where the next bucket starts.
      lt: options.lt === undefined ? Uint8Array.of(this.bucket + 1) : bucketKey(this.bucket, options.lt),
      reverse: options.reverse ?? false,
    };
    return this.read(this.db.iterator(range));
  }

  private async *read(iterator: ReturnType<Db['iterator']>): AsyncGenerator<[Uint8Array, V]> {
    try {
      while (true) {
        let entry: [Uint8Array, Uint8Array] | undefined;
        try {
          entry = (await iterator.next()) as [Uint8Array, Uint8Array] | undefined;
        } catch (err) {
          throw storeFailure(`iterate ${this.name}`, err);
        }
        if (entry === undefined) return;
        const keyBytes = entry[0].subarray(1);
        yield [keyBytes, this.decode(entry[1], keyBytes)];
      }
    } finally {
      await iterator.close().catch(() => undefined);
    }
  }

  private decode(bytes: Uint8Array, keyBytes: Uint8Array): V {
    try {
      return this.codec.decode(bytes, keyBytes);
    } catch (err) {
      const detail = err instanceof Error ? err.message : String(err);
      throw new ChainError(ChainErrorCode.StoreCorrupt, `Stored ${this.name} ${this.describe(keyBytes)} cannot be decoded: ${detail}`, { cause: err });
    }
  }

  private describe(keyBytes: Uint8Array): string {
    return this.codec.describe?.(keyBytes) ?? Buffer.from(keyBytes).toString('hex');
  }
}
