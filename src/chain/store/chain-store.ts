/**
 * The LevelDB store of a node: blocks, the canonical index, the state, the tx index, mint/burn/
 * distribution history, undo records and the mempool journal, each a repository over its own
 * bucket. This is the only module that touches `level`. A block is committed in ONE
 * atomic batch, so a node killed at any moment restarts at its last committed block with exactly
 * that block's state, history and indexes, never at half a block.
 */
import { Level } from 'level';
import { MemoryState, type StateValue, type TokenEvent, U64_MAX, type WriteSet } from '../../tokenomics/index.ts';
import { decodeEvent, encodeEvent } from '../codec/events.ts';
import { pack, unpack } from '../codec/msgpack.ts';
import { bin, list, nullable, record, u64 } from '../codec/schema.ts';
import { decodeStateValue, encodeStateValue, stateKeyBytes } from '../codec/state.ts';
import { ChainError, ChainErrorCode, malformed } from '../errors.ts';
import { PROTOCOL_VERSION } from '../protocol-version.ts';
import { Bucket, META_GENESIS_CONFIG_KEY, META_HEAD_KEY, META_HISTORY_INDEX_KEY, META_PROTOCOL_VERSION_KEY, bucketKey, heightBytes, indexBytes, isU64 } from './buckets.ts';
import { type HistoryFilter, type HistoryKind, filterPrefix, indexKeys, positionOf, prefixEnd, reasonOf } from './history-index.ts';
import { type BatchOp, type Db, type EntityCodec, Repository, storeFailure } from './repository.ts';

export interface StoredHead {
  readonly height: bigint;
  readonly hash: Uint8Array;
  readonly stateRoot: Uint8Array;
}

export interface CommitInput {
  readonly height: bigint;
  readonly hash: Uint8Array;
  readonly blockBytes: Uint8Array;
  readonly stateRoot: Uint8Array;
  /** The block's final value per written key (null = deleted). */
  readonly writes: WriteSet;
  /** The previous value of each written key (what MemoryState.commit returns); empty for genesis. */
  readonly undo: WriteSet;
  readonly events: readonly TokenEvent[];
  readonly txHashes: readonly Uint8Array[];
  /**
   * The block's txs that the mempool journal holds (those the mempool held); their entries go in
   * the same batch. Absent: every tx's entry is deleted. A block from sync usually has none, and
   * a delete per tx is a LevelDB write per tx for nothing.
   */
  readonly journaled?: readonly Uint8Array[];
}

export type { HistoryKind } from './history-index.ts';

const HISTORY_KINDS: readonly HistoryKind[] = ['mint', 'burn', 'distribution'];
const HISTORY_BUCKETS: Record<HistoryKind, Bucket> = { mint: Bucket.MINT, burn: Bucket.BURN, distribution: Bucket.DISTRIBUTION };

/** What a canonical block adds to the store besides the state. */
export type BlockPart = Omit<CommitInput, 'writes' | 'stateRoot'>;

export interface BranchCommit {
  /** Canonical blocks above the common ancestor that the new branch replaces. */
  readonly abandoned: readonly { readonly height: bigint; readonly txHashes: readonly Uint8Array[] }[];
  /** The new branch, ascending. */
  readonly blocks: readonly BlockPart[];
  /** Net state change from the old head's state to the new tip's. */
  readonly writes: WriteSet;
  readonly head: StoredHead;
}

/** What the genesis batch adds last: the block itself, the head, and the config's fingerprint. */
export interface GenesisHead {
  readonly hash: Uint8Array;
  readonly blockBytes: Uint8Array;
  readonly stateRoot: Uint8Array;
  /** See genesis-fingerprint.ts; null (a config it cannot encode) stores none. */
  readonly fingerprint: Uint8Array | null;
}

/**
 * The genesis block on its way into the store: ONE atomic batch like every block, but filled piece
 * by piece (LevelDB's chained batch holds the encoded entries natively) while the genesis is built,
 * so a genesis funding a million accounts never holds its events, or a million encoded operations,
 * in JS at once. Nothing is written before `commit`.
 */
export interface GenesisBatch {
  /** Adds genesis events in the order they were made; numbering continues across calls. */
  events(events: readonly TokenEvent[]): void;
  /** Adds the genesis state. */
  state(writes: WriteSet): void;
  /** Adds the block, its index, the head and the fingerprint, and writes everything at once. */
  commit(head: GenesisHead): Promise<void>;
  /** Drops everything added (the genesis could not be built). */
  abort(): Promise<void>;
}

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

export interface TxLocation {
  readonly height: bigint;
  readonly index: number;
}

const ascii = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');

/** Stored bytes kept as they are (blocks, journaled txs): their own decoders check them later. */
const rawBytes = <K>(key: (k: K) => Uint8Array): EntityCodec<K, Uint8Array> => ({
  key,
  encode: (value) => value,
  decode: (bytes) => bytes,
});

/** A msgpack value read back through a schema codec: anything off is a decode error. */
function schemaCodec<K, V>(key: (k: K) => Uint8Array, what: string, codec: { enc(v: V): unknown; dec(raw: unknown, path: string): V }): EntityCodec<K, V> {
  return { key, encode: (value) => pack(codec.enc(value)), decode: (bytes) => codec.dec(unpack(bytes, what), what) };
}

const headCodec = record<StoredHead>({ height: u64, hash: bin(32), stateRoot: bin(32) });

const txLocationCodec = record<TxLocation>({
  height: u64,
  index: {
    enc: (v) => v,
    dec: (raw, path) => (typeof raw === 'number' && Number.isInteger(raw) && raw >= 0 && raw <= 0xffff_ffff ? raw : malformed(path, 'expected a u32 index.')),
  },
});

/** Undo record: [[state key bytes, previous encoded value | nil]...]. Values decode per key. */
const undoEntries = list(record({ key: bin(), value: nullable(bin()) }), Number.MAX_SAFE_INTEGER);

const undoCodec: EntityCodec<bigint, WriteSet> = {
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

const eventKey = ({ height, index }: { height: bigint; index: number }): Uint8Array => Buffer.concat([heightBytes(height), indexBytes(index)]);

function eventCodec(kind: HistoryKind): EntityCodec<{ height: bigint; index: number }, TokenEvent> {
  return {
    key: eventKey,
    encode: (event) => encodeEvent(event),
    decode(bytes) {
      const event = decodeEvent(bytes);
      // A mint in the burn bucket means the bucket layout was broken: refuse, do not serve it.
      if (event.kind !== kind) malformed('event', `a ${event.kind} event in the ${kind} bucket.`);
      return event;
    },
    describe: (k) => (k.length === 12 ? `${Buffer.from(k).readBigUInt64BE(0)}/${Buffer.from(k).readUInt32BE(8)}` : Buffer.from(k).toString('hex')),
  };
}

/** A journaled tx with its acceptance sequence number. */
interface PendingEntry {
  readonly seq: bigint;
  readonly bytes: Uint8Array;
}
const pendingCodec = record<PendingEntry>({ seq: u64, bytes: bin() });

/** An encoder failure while a block's batch is assembled, as a typed error (typed errors pass through). */
function unencodable(height: bigint, err: unknown): ChainError {
  if (err instanceof ChainError) return err;
  const detail = err instanceof Error ? err.message : String(err);
  return new ChainError(ChainErrorCode.MalformedBytes, `Block ${height} cannot be encoded for the store: ${detail}`, { cause: err });
}

/**
 * Compacting an empty key range (no key starts with byte 0) makes LevelDB flush its memtable to a
 * table file first, and compacts nothing.
 */
const NO_KEYS = Uint8Array.of(0);

/** An index entry's value: the key says everything. */
const EMPTY = new Uint8Array(0);
/** Index entries per batch while an older data dir's history is indexed at open. */
const INDEX_BUILD_BATCH = 10_000;

export class ChainStore {
  private readonly db: Db;
  private readonly meta: Repository<'head', StoredHead>;
  private readonly genesisConfig: Repository<'fingerprint', Uint8Array>;
  private readonly protocol: Repository<'version', bigint>;
  private readonly blocks: Repository<Uint8Array, Uint8Array>;
  private readonly canonical: Repository<bigint, Uint8Array>;
  private readonly state: Repository<string, StateValue>;
  private readonly txs: Repository<Uint8Array, TxLocation>;
  private readonly events: Record<HistoryKind, Repository<{ height: bigint; index: number }, TokenEvent>>;
  private readonly undo: Repository<bigint, WriteSet>;
  private readonly historyIndex: Repository<Uint8Array, Uint8Array>;
  private readonly historyIndexMarker: Repository<'marker', Uint8Array>;
  /** Events the open indexed because the data dir was written by a node without the index (0: none). */
  historyIndexBuiltEvents = 0;
  private readonly pendingEntry: EntityCodec<Uint8Array, PendingEntry>;
  private readonly pending: Repository<Uint8Array, PendingEntry>;
  /** The same bucket undecoded, so one damaged journal entry can be dropped instead of failing open. */
  private readonly pendingRaw: Repository<Uint8Array, Uint8Array>;
  /** Journal entries found undecodable (and deleted) when the store opened; the chain logs them. */
  droppedJournalEntries = 0;
  /** Next journal sequence number; putPending calls come one at a time from the chain's queue. */
  private nextPendingSeq = 0n;

  private constructor(db: Db) {
    this.db = db;
    const hashKey = (hash: Uint8Array): Uint8Array => hash;
    this.meta = new Repository(db, 'head', Bucket.META, schemaCodec(() => META_HEAD_KEY, 'head', headCodec));
    this.genesisConfig = new Repository(db, 'genesis fingerprint', Bucket.META, schemaCodec(() => META_GENESIS_CONFIG_KEY, 'genesis fingerprint', bin(32)));
    this.protocol = new Repository(db, 'protocol version', Bucket.META, schemaCodec(() => META_PROTOCOL_VERSION_KEY, 'protocol version', u64));
    this.blocks = new Repository(db, 'block', Bucket.BLOCK, rawBytes(hashKey));
    this.canonical = new Repository(db, 'canonical hash', Bucket.CANONICAL, schemaCodec(heightBytes, 'canonical hash', bin(32)));
    this.state = new Repository(db, 'state', Bucket.STATE, {
      key: stateKeyBytes,
      encode: (value, key) => encodeStateValue(ascii(key), value),
      decode: (bytes, key) => decodeStateValue(ascii(key), bytes),
      describe: (key) => `key "${ascii(key)}"`,
    });
    this.txs = new Repository(db, 'tx location', Bucket.TX, schemaCodec(hashKey, 'tx location', txLocationCodec));
    this.events = {
      mint: new Repository(db, 'mint event', Bucket.MINT, eventCodec('mint')),
      burn: new Repository(db, 'burn event', Bucket.BURN, eventCodec('burn')),
      distribution: new Repository(db, 'distribution event', Bucket.DISTRIBUTION, eventCodec('distribution')),
    };
    this.undo = new Repository(db, 'undo record', Bucket.UNDO, undoCodec);
    this.historyIndex = new Repository(db, 'history index entry', Bucket.HISTORY_INDEX, rawBytes(hashKey));
    this.historyIndexMarker = new Repository(db, 'history index marker', Bucket.META, rawBytes(() => META_HISTORY_INDEX_KEY));
    this.pendingEntry = schemaCodec(hashKey, 'pending tx', pendingCodec);
    this.pending = new Repository(db, 'pending tx', Bucket.PENDING, this.pendingEntry);
    this.pendingRaw = new Repository(db, 'pending tx', Bucket.PENDING, rawBytes(hashKey));
  }

  /** Opens (creating if missing) the store in `dir`. A dir held by another process is a config error. */
  static async open(dir: string): Promise<ChainStore> {
    const db: Db = new Level<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' });
    try {
      await db.open();
    } catch (err) {
      const cause = (err as { cause?: { code?: unknown } }).cause;
      if (cause?.code === 'LEVEL_LOCKED') {
        throw new ChainError(ChainErrorCode.InvalidConfig, `The data dir ${dir} is in use by another process (is a node already running on it?).`, { cause: err });
      }
      throw storeFailure(`open ${dir}`, err);
    }
    const store = new ChainStore(db);
    try {
      await store.ensureHistoryIndex();
      // Continue the journal's sequence after the newest entry left by the previous run.
      for (const entry of await store.pendingEntries()) if (entry.seq >= store.nextPendingSeq) store.nextPendingSeq = entry.seq + 1n;
    } catch (err) {
      await db.close().catch(() => undefined);
      throw err;
    }
    return store;
  }

  async close(): Promise<void> {
    try {
      await this.db.close();
    } catch (err) {
      throw storeFailure('close', err);
    }
  }

  /** The last committed block, or null for an empty store (nothing committed yet, not even genesis). */
  head(): Promise<StoredHead | null> {
    return this.meta.get('head');
  }

  /** The fingerprint of the config the genesis was built from; null in data dirs of older nodes. */
  genesisFingerprint(): Promise<Uint8Array | null> {
    return this.genesisConfig.get('fingerprint');
  }

  /** The protocol version that wrote the genesis; null in data dirs made before it was recorded (version 1). */
  async protocolVersion(): Promise<number | null> {
    const version = await this.protocol.get('version');
    return version === null ? null : Number(version);
  }

  /** Records the fingerprint once an older data dir's genesis has been checked the slow way. */
  putGenesisFingerprint(fingerprint: Uint8Array): Promise<void> {
    return this.write([this.genesisConfig.put('fingerprint', fingerprint)], 'record the genesis fingerprint');
  }

  /** Starts the genesis block's batch (see GenesisBatch); the store must be empty. */
  genesisBatch(): GenesisBatch {
    const batch = this.db.batch();
    const add = (op: BatchOp): void => {
      if (op.type === 'put') batch.put(op.key, op.value);
      else batch.del(op.key);
    };
    const encoded = (stage: () => void): void => {
      try {
        stage();
      } catch (err) {
        throw unencodable(0n, err);
      }
    };
    const putEvent = this.eventPuts(0n);
    return {
      events: (events) => encoded(() => events.forEach((event) => putEvent(event).forEach(add))),
      state: (writes) => encoded(() => writes.forEach((value, key) => add(value === null ? this.state.del(key) : this.state.put(key, value)))),
      commit: async (head) => {
        encoded(() => {
          const ops: BatchOp[] = [];
          this.blockOps({ height: 0n, hash: head.hash, blockBytes: head.blockBytes, undo: new Map(), events: [], txHashes: [] }, ops);
          ops.push(this.meta.put('head', { height: 0n, hash: head.hash, stateRoot: head.stateRoot }));
          if (head.fingerprint !== null) ops.push(this.genesisConfig.put('fingerprint', head.fingerprint));
          ops.push(this.protocol.put('version', BigInt(PROTOCOL_VERSION)));
          ops.forEach(add);
        });
        try {
          await batch.write();
          // The whole genesis now sits in LevelDB's memtable (hundreds of MB for a million accounts)
          // until a later write finds it full: flushing it now hands that memory back at once.
          await this.compactRange(NO_KEYS, NO_KEYS);
        } catch (err) {
          throw storeFailure('commit the genesis block', err);
        }
      },
      abort: () => batch.close(),
    };
  }

  /**
   * Writes a whole block in ONE atomic batch: block, canonical index, state writes, undo record,
   * tx index, history events, removal of its txs from the pending journal, and the head pointer.
   * Everything is encoded before the batch is sent, so an unencodable value writes nothing.
   */
  async commitBlock(input: CommitInput): Promise<void> {
    await this.commitBranch({ abandoned: [], blocks: [input], writes: input.writes, head: input });
  }

  /**
   * A reorg in ONE atomic batch: the canonical blocks above the common ancestor are abandoned (their
   * index entries, tx locations, history and undo records removed), the new branch's blocks are
   * written as canonical, the state moves by the net `writes`, and the head moves to the branch tip.
   */
  async commitBranch(input: BranchCommit): Promise<void> {
    const ops: BatchOp[] = [];
    const newHeights = new Set(input.blocks.map((b) => b.height));
    for (const old of input.abandoned) {
      if (!newHeights.has(old.height)) {
        ops.push(this.canonical.del(old.height));
        ops.push(this.undo.del(old.height));
      }
      for (const hash of old.txHashes) ops.push(this.txs.del(hash));
      for (const kind of HISTORY_KINDS) {
        for await (const [key, event] of this.events[kind].entries({ gte: heightBytes(old.height), lt: heightBytes(old.height + 1n) })) {
          ops.push({ type: 'del', key: bucketKey(HISTORY_BUCKETS[kind], key) });
          const { index } = positionOf(key);
          for (const indexKey of indexKeys(event, old.height, index)) ops.push(this.historyIndex.del(indexKey));
        }
      }
    }
    try {
      for (const block of input.blocks) this.blockOps(block, ops);
      for (const [key, value] of input.writes) ops.push(value === null ? this.state.del(key) : this.state.put(key, value));
      ops.push(this.meta.put('head', { height: input.head.height, hash: input.head.hash, stateRoot: input.head.stateRoot }));
    } catch (err) {
      throw unencodable(input.head.height, err);
    }
    await this.write(ops, `commit block ${input.head.height}`);
  }

  /** Keeps a valid block that is not (yet) on the canonical chain, so its branch can win later. */
  putSideBlock(hash: Uint8Array, bytes: Uint8Array): Promise<void> {
    return this.write([this.blocks.put(hash, bytes)], 'store a side block');
  }

  /** One canonical block's entries (everything of commitBlock except the state and the head). */
  private blockOps(input: BlockPart, ops: BatchOp[]): void {
    ops.push(this.blocks.put(input.hash, input.blockBytes));
    ops.push(this.canonical.put(input.height, input.hash));
    ops.push(this.undo.put(input.height, input.undo));
    // Genesis starts the history, so its batch says the index covers all of it.
    if (input.height === 0n) ops.push(this.historyIndexMarker.put('marker', Uint8Array.of(1)));
    input.txHashes.forEach((hash, index) => ops.push(this.txs.put(hash, { height: input.height, index })));
    for (const hash of input.journaled ?? input.txHashes) ops.push(this.pending.del(hash));
    const putEvent = this.eventPuts(input.height);
    for (const event of input.events) ops.push(...putEvent(event));
  }

  /**
   * Puts one block's events in order, each with its index entries: each kind is numbered on its
   * own, so a kind's bucket has no gaps.
   */
  private eventPuts(height: bigint): (event: TokenEvent) => BatchOp[] {
    const next: Record<HistoryKind, number> = { mint: 0, burn: 0, distribution: 0 };
    return (event) => {
      const index = next[event.kind]++;
      return [this.events[event.kind].put({ height, index }, event), ...indexKeys(event, height, index).map((key) => this.historyIndex.put(key, EMPTY))];
    };
  }

  /**
   * A data dir written by a node without the history index gets it once, here: every stored event
   * is indexed in batches, then the marker is written (a node killed midway indexes again, the
   * puts are idempotent). An empty store needs nothing: the genesis batch writes the marker.
   */
  private async ensureHistoryIndex(): Promise<void> {
    if ((await this.historyIndexMarker.get('marker')) !== null || (await this.head()) === null) return;
    let ops: BatchOp[] = [];
    for (const kind of HISTORY_KINDS) {
      for await (const [key, event] of this.events[kind].entries()) {
        const { height, index } = positionOf(key);
        for (const indexKey of indexKeys(event, height, index)) ops.push(this.historyIndex.put(indexKey, EMPTY));
        this.historyIndexBuiltEvents++;
        if (ops.length >= INDEX_BUILD_BATCH) await this.write(ops.splice(0), 'build the history index');
      }
    }
    ops.push(this.historyIndexMarker.put('marker', Uint8Array.of(1)));
    await this.write(ops, 'build the history index');
  }

  /** The whole committed state; a value that does not decode is StoreCorrupt naming its key. */
  async loadState(): Promise<MemoryState> {
    const entries: [string, StateValue][] = [];
    for await (const [key, value] of this.state.entries()) entries.push([ascii(key), value]);
    return new MemoryState(entries);
  }

  async blockByHeight(height: bigint): Promise<Uint8Array | null> {
    const hash = await this.hashAtHeight(height);
    if (hash === null) return null;
    const bytes = await this.blocks.get(hash);
    // The canonical index and the block are written in one batch: one without the other is damage.
    if (bytes === null) throw new ChainError(ChainErrorCode.StoreCorrupt, `The canonical block at height ${height} is missing from the store.`);
    return bytes;
  }

  /** Whether a block with this hash is stored (canonical or side): a keys-only lookup. */
  hasBlock(hash: Uint8Array): Promise<boolean> {
    return this.blocks.has(hash);
  }

  blockByHash(hash: Uint8Array): Promise<Uint8Array | null> {
    return this.blocks.get(hash);
  }

  async hashAtHeight(height: bigint): Promise<Uint8Array | null> {
    return isU64(height) ? this.canonical.get(height) : null;
  }

  txLocation(hash: Uint8Array): Promise<TxLocation | null> {
    return this.txs.get(hash);
  }

  /** Newest first, at most `limit`, optionally by reason (recipient type for distributions) and account. */
  async history(kind: HistoryKind, options: HistoryOptions): Promise<TokenEvent[]> {
    return (await this.historyPage(kind, options)).events;
  }

  /**
   * One page of history, newest first. Its cost is O(limit) whatever the chain's age: without a
   * filter the kind's bucket is read backwards; with one, the filter index (history-index.ts) is,
   * and each entry found costs one read of its event. Nothing is scanned and skipped.
   */
  async historyPage(kind: HistoryKind, options: HistoryOptions): Promise<HistoryPage> {
    const events: TokenEvent[] = [];
    const { limit } = options;
    const upper = this.historyUpperBound(options);
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
      for await (const [key] of this.historyIndex.entries({ gte: prefix, lt, reverse: true })) {
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

  /** The key bytes (height, or height ++ index) history pages stay below; 'none' when nothing can be below. */
  private historyUpperBound(options: HistoryOptions): Uint8Array | undefined | 'none' {
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

  /** The events of `kind` block `height` wrote, in block order: O(that block's events), nothing else read. */
  async eventsAt(kind: HistoryKind, height: bigint): Promise<TokenEvent[]> {
    const events: TokenEvent[] = [];
    if (!isU64(height) || height === U64_MAX) return events;
    for await (const [, event] of this.events[kind].entries({ gte: heightBytes(height), lt: heightBytes(height + 1n) })) events.push(event);
    return events;
  }

  /** Journals a mempool tx so it survives a restart; commitBlock removes it once included. */
  putPending(hash: Uint8Array, bytes: Uint8Array): Promise<void> {
    return this.write([this.pending.put(hash, { seq: this.nextPendingSeq++, bytes })], 'journal a pending tx');
  }

  deletePending(hash: Uint8Array): Promise<void> {
    return this.write([this.pending.del(hash)], 'drop a pending tx');
  }

  /** Every journaled tx in the order it was accepted, so the mempool can re-add them one by one. */
  async loadPending(): Promise<Uint8Array[]> {
    return (await this.pendingEntries()).map((entry) => entry.bytes);
  }

  /** Previous values of the keys block `height` wrote (null = the key did not exist), to revert it. */
  async undoRecord(height: bigint): Promise<WriteSet | null> {
    return isU64(height) ? this.undo.get(height) : null;
  }

  /** LevelDB's compactRange: classic-level has it, but `level`'s types also cover the browser build. */
  private compactRange(start: Uint8Array, end: Uint8Array): Promise<void> {
    return (this.db as unknown as { compactRange(start: Uint8Array, end: Uint8Array): Promise<void> }).compactRange(start, end);
  }

  /**
   * The journal only spares accepted txs a restart; it holds nothing the chain depends on. So an
   * entry that does not decode (a torn disk, a bug of another version) is deleted and counted, not
   * a reason to refuse to start, unlike damage to blocks or state.
   */
  private async pendingEntries(): Promise<PendingEntry[]> {
    const entries: PendingEntry[] = [];
    const damaged: Uint8Array[] = [];
    for await (const [key, bytes] of this.pendingRaw.entries()) {
      try {
        entries.push(this.pendingEntry.decode(bytes, key));
      } catch (err) {
        if (!(err instanceof ChainError)) throw err;
        damaged.push(key);
      }
    }
    if (damaged.length > 0) {
      await this.write(damaged.map((key) => this.pending.del(key)), 'drop undecodable journal entries');
      this.droppedJournalEntries += damaged.length;
    }
    return entries.sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0));
  }

  private async write(ops: BatchOp[], what: string): Promise<void> {
    try {
      await this.db.batch(ops);
    } catch (err) {
      throw storeFailure(what, err);
    }
  }
}
