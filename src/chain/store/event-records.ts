/**
 * How the history buckets store an event (docs/protocol.md §11): leaner than its canonical msgpack
 * (codec/events.ts), as history is no part of consensus. Two fields are mostly implied by where
 * the record sits:
 *   - `height` is the block height in the record's key: stored as nil when it is that height;
 *   - `id` is the UUIDv5 the tx (or the block's system steps) handed out on its n-th call
 *     (IdSource, docs/protocol.md §6.3): stored as n when that re-derives it, else as its 16 bytes.
 *   - `tx_hash` is the hash of a tx of the record's block, when the block is kept split
 *     (block-bodies.ts): stored as that tx's index, the hash read from the tx on reading;
 *   - `timestamp_ms` is its block's timestamp (every event's is): stored as nil, read from the
 *     block's header on reading.
 * That saves 16 + 32 incompressible bytes, the height and the timestamp per event, i.e. per
 * transfer (its fee burn) and per empty block (its inflation mint).
 *
 *   record: 0x01 ‖ msgpack [kind, n | id bytes, ...the kind's other fields, height | nil, ..., tx index | tx hash | nil]
 *
 * A record of an older node is the event's canonical msgpack, an array: its first byte is a
 * fixarray header (0x90..0x9f), never 0x01, so both read back and old data dirs open unchanged.
 */
import { type CreatedKind, type TokenEvent, createdIdAt, knownIdIndex } from '../../tokenomics/index.ts';
import { EVENT_FIELDS, decodeEvent } from '../codec/events.ts';
import { pack, unpack } from '../codec/msgpack.ts';
import { type Codec, hexBin, nullable, record, u64, uuid } from '../codec/schema.ts';
import { malformed } from '../errors.ts';

/** The first byte of a record in this layout. */
export const COMPACT_EVENT_RECORD = 0x01;

/** Ids are looked for among the first calls of their source; further ones are stored whole. */
const SMALL_INDICES = 8;
/** After a match, the next calls of the same source are tried first (a genesis hands out millions in order). */
const AHEAD = 8;
/** The largest n stored (a u32: far more ids than a block or tx hands out). */
const MAX_INDEX = 0xffff_ffff;

/** A u32 standing for what it numbers, or the thing itself (`whole`). */
function indexOr<T>(whole: Codec<T>, what: string): Codec<number | T> {
  return {
    enc: (v) => (typeof v === 'number' ? v : whole.enc(v)),
    dec: (raw, path) => (typeof raw === 'number' ? (Number.isInteger(raw) && raw >= 0 && raw <= MAX_INDEX ? raw : malformed(path, `expected a u32 ${what}.`)) : whole.dec(raw, path)),
  };
}
type IdRef = number | string;
const idRef = indexOr(uuid, 'id index');
type TxRef = number | string | null;
const txRef = indexOr(nullable(hexBin(32)), 'tx index');

// Same fields in the same order as the canonical record, id, height and tx hash swapped for their stored forms.
const stored = <T extends object>(fields: T): Codec<unknown> => record({ ...fields, id: idRef, height: nullable(u64), timestampMs: nullable(u64), txHash: txRef }) as Codec<unknown>;
const STORED: Record<TokenEvent['kind'], Codec<unknown>> = { mint: stored(EVENT_FIELDS.mint), burn: stored(EVENT_FIELDS.burn), distribution: stored(EVENT_FIELDS.distribution) };

/** The last source an id was found for, and at which call: the next event's id is most likely its next call. */
let last: { origin: string | bigint; index: number } | null = null;

function idIndex(kind: CreatedKind, id: string, origin: string | bigint): number | null {
  // The block was executed just before its commit, in this process: its ids are known.
  const known = knownIdIndex(kind, origin, id);
  if (known !== null) return known;
  const tries: number[] = [];
  if (last !== null && last.origin === origin) for (let i = 1; i <= AHEAD; i++) tries.push(last.index + i);
  for (let i = 0; i < SMALL_INDICES; i++) tries.push(i);
  for (const index of tries) {
    if (index <= MAX_INDEX && createdIdAt(kind, origin, index) === id) {
      last = { origin, index };
      return index;
    }
  }
  return null;
}

/** The fields of an event a record holds itself, which the history index keys on (history-index.ts): all but its id, tx hash and timestamp. */
type WithoutRefs<E> = E extends unknown ? Omit<E, 'id' | 'txHash' | 'timestampMs'> : never;
export type IndexedEvent = WithoutRefs<TokenEvent>;

/** What a record leaves to its block: the hash of one of its txs, its timestamp. */
export interface FromBlock {
  readonly txHash?: string;
  readonly timestampMs?: bigint;
}

/** A record read back: the event once what it leaves to its block is known (see FromBlock). */
export interface EventRecord {
  /** Its fields but those it may leave to its block. */
  readonly fields: IndexedEvent;
  /** The index, in the record's block, of the tx whose hash the event carries; null when the record holds it itself. */
  readonly txIndex: number | null;
  /** Whether the timestamp is its block's, to be read from the block's header. */
  readonly needsTimestamp: boolean;
  /** The event, given the hash of tx `txIndex` and the block's timestamp when the record needs them. */
  event(fromBlock?: FromBlock): TokenEvent;
}

/** What the block a record is stored under lets it leave out: its txs' indices by hash (a split block), its timestamp. */
export interface BlockContext {
  readonly txIndexOf?: (txHash: string) => number | undefined;
  readonly timestampMs?: bigint;
}

/** The stored record of `event`, kept under the key of block `height` (`block`: what that block lets it leave out). */
export function encodeEventRecord(event: TokenEvent, height: bigint, block: BlockContext = {}): Uint8Array {
  const index = idIndex(event.kind, event.id, event.txHash ?? event.height);
  const txIndex = event.txHash === null ? undefined : block.txIndexOf?.(event.txHash);
  const fields = {
    ...event,
    id: index ?? event.id,
    height: event.height === height ? null : event.height,
    timestampMs: event.timestampMs === block.timestampMs ? null : event.timestampMs,
    txHash: txIndex ?? event.txHash,
  };
  const body = pack(STORED[event.kind].enc(fields));
  const out = new Uint8Array(1 + body.length);
  out[0] = COMPACT_EVENT_RECORD;
  out.set(body, 1);
  return out;
}

/** The record stored under the key of block `height` (either layout). */
export function decodeEventRecord(bytes: Uint8Array, height: bigint): EventRecord {
  if (bytes[0] !== COMPACT_EVENT_RECORD) {
    const event = decodeEvent(bytes);
    return { fields: event, txIndex: null, needsTimestamp: false, event: () => event };
  }
  const raw = unpack(bytes.subarray(1), 'event');
  const kind = Array.isArray(raw) ? raw[0] : undefined;
  if (typeof kind !== 'string' || !Object.hasOwn(STORED, kind)) malformed('event', 'unknown kind.');
  const fields = STORED[kind as TokenEvent['kind']].dec(raw, 'event') as Omit<TokenEvent, 'id' | 'height' | 'timestampMs' | 'txHash'> & {
    id: IdRef;
    height: bigint | null;
    timestampMs: bigint | null;
    txHash: TxRef;
  };
  const eventHeight = fields.height ?? height;
  const txIndex = typeof fields.txHash === 'number' ? fields.txHash : null;
  const needsTimestamp = fields.timestampMs === null;
  const event = (fromBlock: FromBlock = {}): TokenEvent => {
    const txHash = txIndex === null ? (fields.txHash as string | null) : fromBlock.txHash;
    const timestampMs = fields.timestampMs ?? fromBlock.timestampMs;
    if (txHash === undefined) throw new Error(`the event's tx hash (tx ${txIndex} of block ${height}) was not resolved.`);
    if (timestampMs === undefined) throw new Error(`the event's timestamp (block ${height}'s) was not resolved.`);
    const id = typeof fields.id === 'number' ? createdIdAt(fields.kind, txHash ?? eventHeight, fields.id) : fields.id;
    return { ...fields, id, height: eventHeight, timestampMs, txHash } as TokenEvent;
  };
  return { fields: { ...fields, height: eventHeight } as unknown as IndexedEvent, txIndex, needsTimestamp, event };
}
