/**
 * Key buckets of the LevelDB store (after Lodestar's `db/buckets.ts`): every key starts with one
 * byte naming its bucket, so each entity lives in its own contiguous key range and can be iterated
 * alone. A number, once used, is never reused or renumbered: a data dir written by an older node
 * must never be read as another entity. Add new buckets at the end.
 */
import { U64_MAX } from '../../tokenomics/index.ts';
import { malformed } from '../errors.ts';

export const Bucket = {
  /**
   * `head` -> pack([height, block hash, state root]): the last committed block.
   * `genesis-config` -> pack(SHA-256 fingerprint of the genesis config), written with the genesis
   * block (absent in data dirs of older nodes): a restart recognises its genesis without rebuilding it.
   * `protocol-version` -> pack(u64), written with the genesis block (absent: version 1): the
   * protocol version that made the chain (docs/protocol.md §12); another version refuses to resume it.
   */
  META: 1,
  /**
   * block hash -> the block: its canonical wire encoding, or (a canonical block with transactions,
   * docs/protocol.md §11.1) `0x01 ‖ height u64 BE ‖ tx count u32 BE ‖ head length u32 BE ‖ head ‖
   * tail`, its transactions in BLOCK_TX (block-bodies.ts).
   */
  BLOCK: 2,
  /** height (8-byte BE) -> block hash of the canonical chain. */
  CANONICAL: 3,
  /** state key (ASCII bytes) -> encodeStateValue(key, value). */
  STATE: 4,
  /**
   * tx hash -> pack([height, index within the block]). In a data dir made with META `tx-index-short`
   * the key is the hash's first 16 bytes, the full hash checked against the tx on reading
   * (docs/protocol.md §11.1).
   */
  TX: 5,
  /** height (8-byte BE) ++ index among the block's mint events (4-byte BE) -> the event's record (event-records.ts). */
  MINT: 6,
  /** Same layout as MINT, for burn events. */
  BURN: 7,
  /** Same layout as MINT, for distribution events. */
  DISTRIBUTION: 8,
  /** height (8-byte BE) -> pack([[state key bytes, previous value bytes | nil]...]): reverts the block. */
  UNDO: 9,
  /**
   * tx hash -> pack([sequence, signed tx bytes]): the mempool journal, so pending txs survive a
   * restart. The sequence restores them in the order they were accepted: the mempool re-validates
   * each on top of the ones before it (nonces, balances), so hash order would drop valid txs.
   */
  PENDING: 10,
  /**
   * The history's filter index (history-index.ts): [shape][kind][reason?][account?][height][index]
   * -> empty. Written and reverted with the events it points at. META `history-index` marks a
   * store whose index is complete (a data dir of an older node gets it built once at open).
   */
  HISTORY_INDEX: 11,
  /** State tree nodes (docs/protocol.md §18.6): node key (version ‖ depth ‖ path) -> encoded node. */
  TREE_NODE: 12,
  /** State tree stale records: version u64 BE -> the node keys that version stopped using (for pruning). */
  TREE_STALE: 13,
  /** height (8-byte BE) -> pack([root hash, root ref | nil]) of the canonical block's state tree. */
  TREE_ROOT: 14,
  /**
   * activation height (8-byte BE) -> pack([the set's encoded `meta:validators` value, the previous
   * set's size]): every validator set the canonical chain put in force, genesis's at height 0
   * (validator-set-log.ts). Written and reverted with the block that activated it; light clients
   * are served the changes from it (docs/protocol.md §19.1).
   */
  VALIDATOR_SETS: 15,
  /** height (8-byte BE) ++ index within the block (4-byte BE) -> signed tx bytes: a split canonical block's txs (BLOCK). */
  BLOCK_TX: 16,
  /**
   * height (8-byte BE) ++ block hash -> empty: the side blocks stored whole in BLOCK (valid blocks off
   * the canonical chain, and canonical ones a reorg abandoned), by height, so they are deleted once
   * final blocks pass them (docs/protocol.md §20.6). Side blocks written by older nodes are not listed.
   */
  SIDE_BLOCKS: 17,
} as const;

export type Bucket = (typeof Bucket)[keyof typeof Bucket];

/** The bucket byte followed by the parts: the full LevelDB key. */
export function bucketKey(bucket: Bucket, ...parts: Uint8Array[]): Uint8Array {
  // Several keys per transaction go into a block's batch: written by hand, a third of Buffer.concat.
  let length = 1;
  for (const part of parts) length += part.length;
  const key = new Uint8Array(length);
  key[0] = bucket;
  let at = 1;
  for (const part of parts) {
    key.set(part, at);
    at += part.length;
  }
  return key;
}

/** The key range [bucket, bucket + 1) holds exactly the bucket's entries. */
export function bucketRange(bucket: Bucket): { gte: Uint8Array; lt: Uint8Array } {
  return { gte: Uint8Array.of(bucket), lt: Uint8Array.of(bucket + 1) };
}

export const isU64 = (height: bigint): boolean => height >= 0n && height <= U64_MAX;

/** Heights as 8-byte big-endian, so key order is height order (u64, as in the block header). */
export function heightBytes(height: bigint): Uint8Array {
  if (!isU64(height)) malformed('height', `${height} is outside u64.`);
  const out = Buffer.alloc(8);
  out.writeBigUInt64BE(height);
  return out;
}

/** The height a key starts with (heightBytes), read back. */
export function keyHeight(key: Uint8Array): bigint {
  if (key.length < 8) malformed('key', `${key.length} bytes, too short for a height.`);
  return Buffer.from(key.buffer, key.byteOffset, key.length).readBigUInt64BE(0);
}

/** An index within a block as 4-byte big-endian (a block holds far fewer than 2^32 events). */
export function indexBytes(index: number): Uint8Array {
  if (!Number.isInteger(index) || index < 0 || index > 0xffff_ffff) malformed('index', `${index} is outside u32.`);
  const out = Buffer.alloc(4);
  out.writeUInt32BE(index);
  return out;
}

/** A position within a block's entries (its height, then the entry's index): key order is block order. */
export const positionBytes = ({ height, index }: { readonly height: bigint; readonly index: number }): Uint8Array => Buffer.concat([heightBytes(height), indexBytes(index)]);

/** A positionBytes key as `height/index` for error messages (any other key as hex). */
export const describePosition = (key: Uint8Array): string =>
  key.length === 12 ? `${Buffer.from(key).readBigUInt64BE(0)}/${Buffer.from(key).readUInt32BE(8)}` : Buffer.from(key).toString('hex');

/** META key (after the bucket byte) of the head pointer. */
export const META_HEAD_KEY: Uint8Array = Buffer.from('head', 'ascii');

/** META key (after the bucket byte) of the genesis config's fingerprint. */
export const META_GENESIS_CONFIG_KEY: Uint8Array = Buffer.from('genesis-config', 'ascii');

/** META key (after the bucket byte) of the protocol version that made the chain. */
export const META_PROTOCOL_VERSION_KEY: Uint8Array = Buffer.from('protocol-version', 'ascii');
/** META key (after the bucket byte) marking that the history index covers every stored event. */
export const META_HISTORY_INDEX_KEY: Uint8Array = Buffer.from('history-index', 'ascii');
/**
 * META key (after the bucket byte) of the lowest height above genesis whose block the store holds
 * (absent: all of them): set by a state snapshot restore (docs/protocol.md §20.5) and by pruning.
 */
export const META_EARLIEST_HEIGHT_KEY: Uint8Array = Buffer.from('earliest-height', 'ascii');
/**
 * META keys (after the bucket byte) of the lowest heights whose undo record and whose state tree
 * version the store still holds, above the genesis block (absent: none trimmed yet). Old undo
 * records and tree versions are trimmed in every mode, archive included (docs/protocol.md §20.6).
 */
export const META_UNDO_FLOOR_KEY: Uint8Array = Buffer.from('undo-floor', 'ascii');
export const META_TREE_FLOOR_KEY: Uint8Array = Buffer.from('tree-floor', 'ascii');
/** META key (after the bucket byte) marking a data dir whose tx index keys are 16-byte hash prefixes (written with the genesis). */
export const META_TX_INDEX_SHORT_KEY: Uint8Array = Buffer.from('tx-index-short', 'ascii');
