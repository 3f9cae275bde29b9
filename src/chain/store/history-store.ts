/**
 * The mint/burn/distribution history of the store: one bucket of events per kind, numbered per
 * block, and the filter index over them (history-index.ts). It reads pages of history and hands
 * the ChainStore the batch operations that write, abandon and (for an older data dir) index
 * events; it writes nothing itself, so a block's history stays in the block's one atomic batch.
 */
import { type TokenEvent, U64_MAX } from '../../tokenomics/index.ts';
import { ChainError, ChainErrorCode, malformed } from '../errors.ts';
import { Bucket, META_HISTORY_INDEX_KEY, bucketKey, describePosition, heightBytes, indexBytes, isU64, keyHeight, positionBytes } from './buckets.ts';
import { type HistoryFilter, type HistoryKind, filterPrefix, indexKeys, positionOf, prefixEnd, reasonOf } from './history-index.ts';
import { type BlockContext, type EventRecord, decodeEventRecord, encodeEventRecord } from './event-records.ts';
import { type BatchOp, type Db, type EntityCodec, type ReadSnapshot, Repository } from './repository.ts';
import { rawBytes } from './store-codecs.ts';

export interface HistoryOptions extends HistoryFilter {
  readonly limit: number;
  /** Only events of blocks strictly below this height (paging backwards). */
  readonly beforeHeight?: bigint;
  /** Only events strictly older than this one (the `next` of the page before). */
  readonly before?: HistoryPosition;
}

/** Where an event sits in its kind's history: its block, and its number among the block's events of that kind. */
export interface HistoryPosition {
  readonly height: bigint;
  readonly index: number;
}

export interface HistoryPage {
  readonly events: TokenEvent[];
  /** The position of the last event returned when the page is full (more may follow), else null. */
  readonly next: HistoryPosition | null;
}

/** Every kind of history event, in the order a block's answers list them. */
export const HISTORY_KINDS: readonly HistoryKind[] = ['mint', 'burn', 'distribution'];
const HISTORY_BUCKETS: Record<HistoryKind, Bucket> = { mint: Bucket.MINT, burn: Bucket.BURN, distribution: Bucket.DISTRIBUTION };

/** An index entry's value: the key says everything. */
const EMPTY = new Uint8Array(0);
/** Index entries per batch while an older data dir's history is indexed at open. */
const INDEX_BUILD_BATCH = 10_000;

/** What records leave to their canonical block (event-records.ts), read from the store's blocks. */
export interface BlockLookups {
  /** The hash (hex) of tx `index` of the canonical block at `height`, for each position, read from `snapshot`. */
  txHashesAt(positions: readonly HistoryPosition[], snapshot: ReadSnapshot): Promise<string[]>;
  /** The timestamp of the canonical block at each height, read from `snapshot`. */
  timestampsAt(heights: readonly bigint[], snapshot: ReadSnapshot): Promise<bigint[]>;
}

/** What a block lets its events' records leave out: its txs when it is kept split (block-bodies.ts), its timestamp. */
export interface EventBlock {
  readonly txHashes: readonly Uint8Array[] | null;
  readonly timestampMs?: bigint;
}

function eventCodec(kind: HistoryKind): EntityCodec<HistoryPosition, EventRecord> {
  return {
    key: positionBytes,
    encode: () => {
      // A record depends on its block's txs (event-records.ts): eventPuts writes them.
      throw new Error('history records are written by HistoryStore.eventPuts only.');
    },
    decode(bytes, key) {
      const record = decodeEventRecord(bytes, keyHeight(key));
      // A mint in the burn bucket means the bucket layout was broken: refuse, do not serve it.
      if (record.fields.kind !== kind) malformed('event', `a ${record.fields.kind} event in the ${kind} bucket.`);
      return record;
    },
    describe: describePosition,
  };
}

export class HistoryStore {
  private readonly events: Record<HistoryKind, Repository<HistoryPosition, EventRecord>>;
  private readonly index: Repository<Uint8Array, Uint8Array>;
  private readonly marker: Repository<'marker', Uint8Array>;

  private readonly lookups: BlockLookups;

  constructor(db: Db, lookups: BlockLookups) {
    this.lookups = lookups;
    this.events = {
      mint: new Repository(db, 'mint event', Bucket.MINT, eventCodec('mint')),
      burn: new Repository(db, 'burn event', Bucket.BURN, eventCodec('burn')),
      distribution: new Repository(db, 'distribution event', Bucket.DISTRIBUTION, eventCodec('distribution')),
    };
    this.index = new Repository(db, 'history index entry', Bucket.HISTORY_INDEX, rawBytes((key: Uint8Array) => key));
    this.marker = new Repository(db, 'history index marker', Bucket.META, rawBytes(() => META_HISTORY_INDEX_KEY));
  }

  /** The marker that says the index covers the whole history (genesis starts the history, so its batch writes it). */
  markerPut(): BatchOp {
    return this.marker.put('marker', Uint8Array.of(1));
  }

  /**
   * Puts one block's events in order, each with its index entries: each kind is numbered on its
   * own, so a kind's bucket has no gaps. `block`: what the records may leave to it (an event
   * then names its tx by index, and carries no timestamp of its own).
   */
  eventPuts(height: bigint, block: EventBlock): (event: TokenEvent) => BatchOp[] {
    const next: Record<HistoryKind, number> = { mint: 0, burn: 0, distribution: 0 };
    let byHash: Map<string, number> | undefined;
    const { txHashes } = block;
    const context: BlockContext = {
      ...(txHashes === null ? {} : { txIndexOf: (hash: string): number | undefined => (byHash ??= new Map(txHashes.map((h, i) => [Buffer.from(h).toString('hex'), i]))).get(hash) }),
      ...(block.timestampMs === undefined ? {} : { timestampMs: block.timestampMs }),
    };
    return (event) => {
      const index = next[event.kind]++;
      const put: BatchOp = { type: 'put', key: bucketKey(HISTORY_BUCKETS[event.kind], positionBytes({ height, index })), value: encodeEventRecord(event, height, context) };
      return [put, ...indexKeys(event, height, index).map((key) => this.index.put(key, EMPTY))];
    };
  }

  /** Deletes of every event block `height` wrote and of their index entries (the block is abandoned in a reorg). */
  async abandonOps(height: bigint, ops: BatchOp[]): Promise<void> {
    for (const kind of HISTORY_KINDS) {
      for await (const [key, record] of this.events[kind].entries({ gte: heightBytes(height), lt: heightBytes(height + 1n) })) {
        ops.push({ type: 'del', key: bucketKey(HISTORY_BUCKETS[kind], key) });
        const { index } = positionOf(key);
        for (const indexKey of indexKeys(record.fields, height, index)) ops.push(this.index.del(indexKey));
      }
    }
  }

  /**
   * A data dir written by a node without the history index gets it once, here: every stored event
   * is indexed in batches through `write`, then the marker is written (a node killed midway indexes
   * again, the puts are idempotent). An empty store needs nothing: the genesis batch writes the
   * marker. Returns the number of events indexed (0: none needed it).
   */
  async ensureIndex(storeIsEmpty: () => Promise<boolean>, write: (ops: BatchOp[], what: string) => Promise<void>): Promise<number> {
    if ((await this.marker.get('marker')) !== null || (await storeIsEmpty())) return 0;
    let indexed = 0;
    const ops: BatchOp[] = [];
    for (const kind of HISTORY_KINDS) {
      for await (const [key, record] of this.events[kind].entries()) {
        const { height, index } = positionOf(key);
        for (const indexKey of indexKeys(record.fields, height, index)) ops.push(this.index.put(indexKey, EMPTY));
        indexed++;
        if (ops.length >= INDEX_BUILD_BATCH) await write(ops.splice(0), 'build the history index');
      }
    }
    ops.push(this.markerPut());
    await write(ops, 'build the history index');
    return indexed;
  }

  /**
   * One page of history, newest first. Its cost is O(limit) whatever the chain's age: without a
   * filter the kind's bucket is read backwards; with one, the filter index (history-index.ts) is,
   * and each entry found costs one read of its event. Nothing is scanned and skipped. Every read
   * is from `snapshot`, the blocks its records name included.
   */
  async page(kind: HistoryKind, options: HistoryOptions, snapshot: ReadSnapshot): Promise<HistoryPage> {
    const records: Located[] = [];
    const { limit } = options;
    const upper = upperBound(options);
    if (!(limit > 0) || upper === 'none') return { events: [], next: null };
    const prefix = filterPrefix(kind, options);
    let last: HistoryPosition | null = null;
    if (prefix === null) {
      for await (const [key, record] of this.events[kind].entries({ lt: upper, reverse: true, snapshot })) {
        last = positionOf(key);
        records.push({ height: last.height, record });
        if (records.length >= limit) break;
      }
    } else {
      const lt = upper === undefined ? prefixEnd(prefix) : Buffer.concat([prefix, upper]);
      for await (const [key] of this.index.entries({ gte: prefix, lt, reverse: true, snapshot })) {
        last = positionOf(key);
        const record = await this.events[kind].get(last, snapshot);
        // The index and the events are written and deleted in the same batches: one without the other is damage.
        if (record === null || record.fields.height !== last.height || (options.reason !== undefined && reasonOf(record.fields) !== options.reason)) {
          throw new ChainError(ChainErrorCode.StoreCorrupt, `The history index points at ${kind} ${last.height}/${last.index}, which is not there.`);
        }
        records.push({ height: last.height, record });
        if (records.length >= limit) break;
      }
    }
    return { events: await this.resolve(records, snapshot), next: records.length >= limit ? last : null };
  }

  /** The events of `kind` block `height` wrote, in block order: O(that block's events), nothing else read; from `snapshot`. */
  async eventsAt(kind: HistoryKind, height: bigint, snapshot: ReadSnapshot): Promise<TokenEvent[]> {
    const records: Located[] = [];
    if (!isU64(height) || height === U64_MAX) return [];
    for await (const [, record] of this.events[kind].entries({ gte: heightBytes(height), lt: heightBytes(height + 1n), snapshot })) records.push({ height, record });
    return this.resolve(records, snapshot);
  }

  /** The events of records read: the tx hashes and block timestamps they leave to their blocks read together. */
  private async resolve(records: readonly Located[], snapshot: ReadSnapshot): Promise<TokenEvent[]> {
    const named = records.filter((r) => r.record.txIndex !== null);
    const hashes = named.length === 0 ? [] : await this.lookups.txHashesAt(named.map((r) => ({ height: r.height, index: r.record.txIndex! })), snapshot);
    const byRecord = new Map(named.map((r, i) => [r, hashes[i]!]));
    const heights = [...new Set(records.filter((r) => r.record.needsTimestamp).map((r) => r.height))];
    const times = heights.length === 0 ? [] : await this.lookups.timestampsAt(heights, snapshot);
    const byHeight = new Map(heights.map((h, i) => [h, times[i]!]));
    return records.map((r) => {
      const txHash = byRecord.get(r);
      const timestampMs = byHeight.get(r.height);
      return r.record.event({ ...(txHash === undefined ? {} : { txHash }), ...(timestampMs === undefined ? {} : { timestampMs }) });
    });
  }
}

/** A record and the height of the block it is stored under. */
interface Located {
  readonly height: bigint;
  readonly record: EventRecord;
}

/** The key bytes (height, or height ++ index) history pages stay below; 'none' when nothing can be below. */
function upperBound(options: HistoryOptions): Uint8Array | undefined | 'none' {
  const { beforeHeight, before } = options;
  const bounds: Uint8Array[] = [];
  if (beforeHeight !== undefined) {
    if (beforeHeight <= 0n) return 'none';
    if (isU64(beforeHeight)) bounds.push(heightBytes(beforeHeight));
  }
  if (before !== undefined) {
    if (!isU64(before.height)) return before.height < 0n ? 'none' : undefined;
    bounds.push(Buffer.concat([heightBytes(before.height), indexBytes(before.index)]));
  }
  // The lower of the two bounds (byte order is (height, index) order).
  return bounds.sort((a, b) => Buffer.compare(a, b))[0];
}
