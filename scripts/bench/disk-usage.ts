/**
 * What a data dir holds, bucket by bucket (src/chain/store/buckets.ts): opened on its own after the
 * node closed it, compacted over every key (so no overwritten or deleted entry and no unflushed log
 * is counted), then each bucket's entries counted with their key and value lengths (exact, before
 * LevelDB's snappy compression) and LevelDB's approximateSize over the bucket's key range (the
 * table-file bytes, compressed, of a compacted store; an estimate from the tables' indexes).
 */
import { Level } from 'level';
import { Bucket, bucketRange } from '../../src/chain/store/buckets.ts';
import { dirBytes } from './fixtures.ts';

export interface BucketUsage {
  readonly bucket: string;
  readonly entries: number;
  /** Key bytes (the bucket byte included) plus value bytes, uncompressed. */
  readonly rawBytes: number;
  /** LevelDB's approximateSize of the bucket's range after a full compaction (compressed, on disk). */
  readonly diskBytes: number;
}

export interface DirUsage {
  readonly buckets: readonly BucketUsage[];
  /** Every file of the compacted, closed dir (tables, manifest, log, ...). */
  readonly totalBytes: number;
}

const NAMES = Object.entries(Bucket) as [string, Bucket][];

export async function dirUsage(dir: string): Promise<DirUsage> {
  const level = new Level<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view', createIfMissing: false });
  // In node, `level` is classic-level: these two are there, but `level`'s types also cover the browser build.
  const db = level as Level<Uint8Array, Uint8Array> & {
    compactRange(start: Uint8Array, end: Uint8Array): Promise<void>;
    approximateSize(start: Uint8Array, end: Uint8Array): Promise<number>;
  };
  await db.open();
  const buckets: BucketUsage[] = [];
  try {
    await db.compactRange(Uint8Array.of(0), Uint8Array.of(0xff));
    for (const [bucket, byte] of NAMES) {
      const range = bucketRange(byte);
      let entries = 0;
      let rawBytes = 0;
      for await (const [key, value] of db.iterator(range)) {
        entries++;
        rawBytes += key.length + value.length;
      }
      buckets.push({ bucket, entries, rawBytes, diskBytes: await db.approximateSize(range.gte, range.lt) });
    }
  } finally {
    await db.close();
  }
  return { buckets, totalBytes: await dirBytes(dir) };
}

/** `after` minus `before`, bucket by bucket, each divided by `per`. */
export function usagePer(before: DirUsage, after: DirUsage, per: number): DirUsage {
  return {
    buckets: after.buckets.map((b, i) => {
      const a = before.buckets[i]!;
      return { bucket: b.bucket, entries: (b.entries - a.entries) / per, rawBytes: (b.rawBytes - a.rawBytes) / per, diskBytes: (b.diskBytes - a.diskBytes) / per };
    }),
    totalBytes: (after.totalBytes - before.totalBytes) / per,
  };
}
