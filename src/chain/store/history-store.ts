/**
 * The mint/burn/distribution history of the store: one bucket of events per kind, numbered per
 * block, and the filter index over them (history-index.ts). It reads pages of history and hands
 * the ChainStore the batch operations that write, abandon and (for an older data dir) index
 * events; it writes nothing itself, so a block's history stays in the block's one atomic batch.
 */
import { type TokenEvent, U64_MAX } from '../../tokenomics/index.ts';
import { ChainError, ChainErrorCode, malformed } from '../errors.ts';
import { Bucket, META_HISTORY_INDEX_KEY, bucketKey, heightBytes, indexBytes, isU64, keyHeight } from './buckets.ts';
import { type HistoryFilter, type HistoryKind, filterPrefix, indexKeys, positionOf, prefixEnd, reasonOf } from './history-index.ts';
import { decodeEventRecord, encodeEventRecord } from './event-records.ts';
import { type BatchOp, type Db, type EntityCodec, Repository } from './repository.ts';
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

const HISTORY_KINDS: readonly HistoryKind[] = ['mint', 'burn', 'distribution'];
const HISTORY_BUCKETS: Record<HistoryKind, Bucket> = { mint: Bucket.MINT, burn: Bucket.BURN, distribution: Bucket.DISTRIBUTION };

/** An index entry's value: the key says everything. */
const EMPTY = new Uint8Array(0);
/** Index entries per batch while an older data dir's history is indexed at open. */
const INDEX_BUILD_BATCH = 10_000;

const eventKey = ({ height, index }: HistoryPosition): Uint8Array => Buffer.concat([heightBytes(height), indexBytes(index)]);

function eventCodec(kind: HistoryKind): EntityCodec<HistoryPosition, TokenEvent> {
  return {
    key: eventKey,
    encode: (event, key) => encodeEventRecord(event, keyHeight(key)),
    decode(bytes, key) {
      const event = decodeEventRecord(bytes, keyHeight(key));
      // A mint in the burn bucket means the bucket layout was broken: refuse, do not serve it.
      if (event.kind !== kind) malformed('event', `a ${event.kind} event in the ${kind} bucket.`);
      return event;
    },
    describe: (k) => (k.length === 12 ? `${Buffer.from(k).readBigUInt64BE(0)}/${Buffer.from(k).readUInt32BE(8)}` : Buffer.from(k).toString('hex')),
  };
}

export class HistoryStore {
  private readonly events: Record<HistoryKind, Repository<HistoryPosition, TokenEvent>>;
  private readonly index: Repository<Uint8Array, Uint8Array>;
  private readonly marker: Repository<'marker', Uint8Array>;

  constructor(db: Db) {
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
   * own, so a kind's bucket has no gaps.
   */
  eventPuts(height: bigint): (event: TokenEvent) => BatchOp[] {
    const next: Record<HistoryKind, number> = { mint: 0, burn: 0, distribution: 0 };
    return (event) => {
      const index = next[event.kind]++;
      return [this.events[event.kind].put({ height, index }, event), ...indexKeys(event, height, index).map((key) => this.index.put(key, EMPTY))];
    };
  }

  /** Deletes of every event block `height` wrote and of their index entries (the block is abandoned in a reorg). */
  async abandonOps(height: bigint, ops: BatchOp[]): Promise<void> {
    for (const kind of HISTORY_KINDS) {
      for await (const [key, event] of this.events[kind].entries({ gte: heightBytes(height), lt: heightBytes(height + 1n) })) {
        ops.push({ type: 'del', key: bucketKey(HISTORY_BUCKETS[kind], key) });
        const { index } = positionOf(key);
        for (const indexKey of indexKeys(event, height, index)) ops.push(this.index.del(indexKey));
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
      for await (const [key, event] of this.events[kind].entries()) {
        const { height, index } = positionOf(key);
        for (const indexKey of indexKeys(event, height, index)) ops.push(this.index.put(indexKey, EMPTY));
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
   * and each entry found costs one read of its event. Nothing is scanned and skipped.
   */
  async page(kind: HistoryKind, options: HistoryOptions): Promise<HistoryPage> {
    const events: TokenEvent[] = [];
    const { limit } = options;
    const upper = upperBound(options);
    if (!(limit > 0) || upper === 'none') return { events, next: null };
    const prefix = filterPrefix(kind, options);
    let last: HistoryPosition | null = null;
    if (prefix === null) {
      for await (const [key, event] of this.events[kind].entries({ lt: upper, reverse: true })) {
        events.push(event);
        last = positionOf(key);
        if (events.length >= limit) break;
      }
    } else {
      const lt = upper === undefined ? prefixEnd(prefix) : Buffer.concat([prefix, upper]);
      for await (const [key] of this.index.entries({ gte: prefix, lt, reverse: true })) {
        last = positionOf(key);
        const event = await this.events[kind].get(last);
        // The index and the events are written and deleted in the same batches: one without the other is damage.
        if (event === null || event.height !== last.height || (options.reason !== undefined && reasonOf(event) !== options.reason)) {
          throw new ChainError(ChainErrorCode.StoreCorrupt, `The history index points at ${kind} ${last.height}/${last.index}, which is not there.`);
        }
        events.push(event);
        if (events.length >= limit) break;
      }
    }
    return { events, next: events.length >= limit ? last : null };
  }

  /** The events of `kind` block `height` wrote, in block order: O(that block's events), nothing else read. */
  async eventsAt(kind: HistoryKind, height: bigint): Promise<TokenEvent[]> {
    const events: TokenEvent[] = [];
    if (!isU64(height) || height === U64_MAX) return events;
    for await (const [, event] of this.events[kind].entries({ gte: heightBytes(height), lt: heightBytes(height + 1n) })) events.push(event);
    return events;
  }
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
