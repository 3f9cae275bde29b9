/**
 * How the history buckets store an event (docs/protocol.md §11): leaner than its canonical msgpack
 * (codec/events.ts), as history is no part of consensus. Two fields are mostly implied by where
 * the record sits:
 *   - `height` is the block height in the record's key: stored as nil when it is that height;
 *   - `id` is the UUIDv5 the tx (or the block's system steps) handed out on its n-th call
 *     (IdSource, docs/protocol.md §6.3): stored as n when that re-derives it, else as its 16 bytes.
 * That saves 16 incompressible bytes and the height per event, i.e. per transfer (its fee burn).
 *
 *   record: 0x01 ‖ msgpack [kind, n | id bytes, ...the kind's other fields, height | nil, ...]
 *
 * A record of an older node is the event's canonical msgpack, an array: its first byte is a
 * fixarray header (0x90..0x9f), never 0x01, so both read back and old data dirs open unchanged.
 */
import { type CreatedKind, type TokenEvent, createdIdAt, knownIdIndex } from '../../tokenomics/index.ts';
import { EVENT_FIELDS, decodeEvent } from '../codec/events.ts';
import { pack, unpack } from '../codec/msgpack.ts';
import { type Codec, nullable, record, u64, uuid } from '../codec/schema.ts';
import { malformed } from '../errors.ts';

/** The first byte of a record in this layout. */
export const COMPACT_EVENT_RECORD = 0x01;

/** Ids are looked for among the first calls of their source; further ones are stored whole. */
const SMALL_INDICES = 8;
/** After a match, the next calls of the same source are tried first (a genesis hands out millions in order). */
const AHEAD = 8;
/** The largest n stored (a u32: far more ids than a block or tx hands out). */
const MAX_INDEX = 0xffff_ffff;

type IdRef = number | string;
const idRef: Codec<IdRef> = {
  enc: (v) => (typeof v === 'number' ? v : uuid.enc(v)),
  dec: (raw, path) => (typeof raw === 'number' ? (Number.isInteger(raw) && raw >= 0 && raw <= MAX_INDEX ? raw : malformed(path, 'expected a u32 id index.')) : uuid.dec(raw, path)),
};

// Same fields in the same order as the canonical record, id and height swapped for their stored forms.
const stored = <T extends object>(fields: T): Codec<unknown> => record({ ...fields, id: idRef, height: nullable(u64) }) as Codec<unknown>;
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

/** The stored record of `event`, kept under the key of block `height`. */
export function encodeEventRecord(event: TokenEvent, height: bigint): Uint8Array {
  const index = idIndex(event.kind, event.id, event.txHash ?? event.height);
  const fields = { ...event, id: index ?? event.id, height: event.height === height ? null : event.height };
  const body = pack(STORED[event.kind].enc(fields));
  const out = new Uint8Array(1 + body.length);
  out[0] = COMPACT_EVENT_RECORD;
  out.set(body, 1);
  return out;
}

/** The event a record stored under the key of block `height` holds (either layout). */
export function decodeEventRecord(bytes: Uint8Array, height: bigint): TokenEvent {
  if (bytes[0] !== COMPACT_EVENT_RECORD) return decodeEvent(bytes);
  const raw = unpack(bytes.subarray(1), 'event');
  const kind = Array.isArray(raw) ? raw[0] : undefined;
  if (typeof kind !== 'string' || !Object.hasOwn(STORED, kind)) malformed('event', 'unknown kind.');
  const fields = STORED[kind as TokenEvent['kind']].dec(raw, 'event') as Omit<TokenEvent, 'id' | 'height'> & { id: IdRef; height: bigint | null };
  const eventHeight = fields.height ?? height;
  const id = typeof fields.id === 'number' ? createdIdAt(fields.kind, fields.txHash ?? eventHeight, fields.id) : fields.id;
  return { ...fields, id, height: eventHeight } as TokenEvent;
}
