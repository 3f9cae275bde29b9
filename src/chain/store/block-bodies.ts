/**
 * Where the store keeps block bodies (docs/protocol.md §11.1). A canonical block with transactions
 * is kept split: BLOCK holds `0x01 ‖ height ‖ tx count ‖ head length ‖ head ‖ tail` (head: the
 * encoding up to its first tx; tail: the signature after the last) and BLOCK_TX each tx's bytes
 * under (height, index). So one tx is read without its block (a history event names its tx by
 * index, a tx lookup checks its hash), and the block reads back byte for byte as head ‖ txs ‖ tail.
 * Side blocks, empty blocks and blocks of older data dirs are kept whole: a whole encoding starts
 * with a fixarray header (0x93), never 0x01. A split block that leaves the canonical chain in a
 * reorg is written back whole, as its (height, index) keys then belong to the new branch.
 */
import { ChainError, ChainErrorCode } from '../errors.ts';
import { Bucket, describePosition, heightBytes, indexBytes, positionBytes } from './buckets.ts';
import { type BatchOp, type Db, type ReadSnapshot, Repository } from './repository.ts';
import { rawBytes } from './store-codecs.ts';
import type { TxLocation } from './store-types.ts';

/** The first byte of a split block's BLOCK value. */
const SPLIT_BLOCK = 0x01;
/** 0x01, height u64, tx count u32, head length u32. */
const SPLIT_PREFIX = 1 + 8 + 4 + 4;
/** The block's last field, its signature: msgpack bin 8 of 64 bytes. */
const TAIL_BYTES = 2 + 64;

/** A block as the store is given it: its encoding and the encodings of its txs in block order (views into it or copies). */
export interface BlockBody {
  readonly height: bigint;
  readonly hash: Uint8Array;
  readonly bytes: Uint8Array;
  readonly txs: readonly Uint8Array[];
}

export class BlockBodies {
  private readonly blocks: Repository<Uint8Array, Uint8Array>;
  private readonly txs: Repository<TxLocation, Uint8Array>;

  constructor(db: Db) {
    this.blocks = new Repository(db, 'block', Bucket.BLOCK, rawBytes((hash: Uint8Array) => hash));
    this.txs = new Repository(db, 'block tx', Bucket.BLOCK_TX, { ...rawBytes(positionBytes), describe: describePosition });
  }

  /** A canonical block's puts: split when it has txs, else whole. */
  canonicalOps(body: BlockBody, ops: BatchOp[]): void {
    if (body.txs.length === 0) {
      ops.push(this.blocks.put(body.hash, body.bytes));
      return;
    }
    ops.push(this.blocks.put(body.hash, splitValue(body)));
    body.txs.forEach((tx, index) => ops.push(this.txs.put({ height: body.height, index }, tx)));
  }

  /** A block kept whole (a side block, a restored snapshot's block). */
  wholeOp(hash: Uint8Array, bytes: Uint8Array): BatchOp {
    return this.blocks.put(hash, bytes);
  }

  /**
   * A canonical block leaving the chain in a reorg stays as a side block, written back whole when
   * it is kept split, its tx entries deleted (the new branch's puts come after these in the batch).
   */
  async abandonOps(hash: Uint8Array, ops: BatchOp[]): Promise<void> {
    const value = await this.blocks.get(hash);
    if (value === null || value[0] !== SPLIT_BLOCK) return;
    const split = parseSplit(value, hash);
    ops.push(this.blocks.put(hash, await this.assemble(split, hash)));
    this.txDels(split.height, split.count, ops);
  }

  /** The delete of a block kept whole (a side block). */
  deleteWholeOp(hash: Uint8Array): BatchOp {
    return this.blocks.del(hash);
  }

  /** Deletes of a pruned canonical block: its BLOCK entry and its `txCount` tx entries. */
  pruneOps(hash: Uint8Array, height: bigint, txCount: number, ops: BatchOp[]): void {
    ops.push(this.blocks.del(hash));
    this.txDels(height, txCount, ops);
  }

  has(hash: Uint8Array): Promise<boolean> {
    return this.blocks.has(hash);
  }

  /** The block's canonical encoding, reassembled when it is kept split (from `snapshot`, or the store as it is). */
  async get(hash: Uint8Array, snapshot?: ReadSnapshot): Promise<Uint8Array | null> {
    const value = await this.blocks.get(hash, snapshot);
    return value === null || value[0] !== SPLIT_BLOCK ? value : this.assemble(parseSplit(value, hash), hash, snapshot);
  }

  /** A split block's encoding: its head, its txs read from BLOCK_TX, its tail. */
  private async assemble({ height, count, head, tail }: Split, hash: Uint8Array, snapshot?: ReadSnapshot): Promise<Uint8Array> {
    const parts: Uint8Array[] = [head];
    const from = { height, index: 0 };
    const range = { gte: positionBytes(from), lt: positionBytes({ height, index: count }) };
    for await (const [key, tx] of this.txs.entries(snapshot === undefined ? range : { ...range, snapshot })) {
      if (Buffer.from(key).readUInt32BE(8) !== parts.length - 1) break;
      parts.push(tx);
    }
    if (parts.length - 1 !== count) {
      throw new ChainError(ChainErrorCode.StoreCorrupt, `Block ${height} (${Buffer.from(hash).toString('hex').slice(0, 16)}) has ${parts.length - 1} of its ${count} stored transactions.`);
    }
    parts.push(tail);
    return Buffer.concat(parts);
  }

  /** The start of the block's encoding, its header included (a split block's head, or the whole block); null: not stored. */
  async headOf(hash: Uint8Array, snapshot?: ReadSnapshot): Promise<Uint8Array | null> {
    const value = await this.blocks.get(hash, snapshot);
    return value === null || value[0] !== SPLIT_BLOCK ? value : parseSplit(value, hash).head;
  }

  /** Each tx `index` of the split canonical block at `height`, in one read (null: none there, e.g. the block is kept whole). */
  txsAt(positions: readonly TxLocation[], snapshot?: ReadSnapshot): Promise<(Uint8Array | null)[]> {
    return this.txs.getMany(positions, snapshot);
  }

  private txDels(height: bigint, count: number, ops: BatchOp[]): void {
    for (let index = 0; index < count; index++) ops.push(this.txs.del({ height, index }));
  }
}

function splitValue(body: BlockBody): Uint8Array {
  const { bytes, txs } = body;
  let txBytes = 0;
  for (const tx of txs) txBytes += tx.length;
  const headLength = bytes.length - TAIL_BYTES - txBytes;
  // The txs must be exactly the bytes between head and tail, or the block would not read back the same.
  let at = headLength;
  for (const tx of txs) {
    if (at < 0 || Buffer.compare(bytes.subarray(at, at + tx.length), tx) !== 0) throw new Error(`block ${body.height}: its transactions are not where its encoding has them.`);
    at += tx.length;
  }
  const out = new Uint8Array(SPLIT_PREFIX + headLength + TAIL_BYTES);
  out[0] = SPLIT_BLOCK;
  out.set(heightBytes(body.height), 1);
  out.set(indexBytes(txs.length), 9);
  out.set(indexBytes(headLength), 13);
  out.set(bytes.subarray(0, headLength), SPLIT_PREFIX);
  out.set(bytes.subarray(bytes.length - TAIL_BYTES), SPLIT_PREFIX + headLength);
  return out;
}

interface Split {
  readonly height: bigint;
  readonly count: number;
  readonly head: Uint8Array;
  readonly tail: Uint8Array;
}

function parseSplit(value: Uint8Array, hash: Uint8Array): Split {
  const view = Buffer.from(value.buffer, value.byteOffset, value.length);
  const headLength = value.length >= SPLIT_PREFIX ? view.readUInt32BE(13) : -1;
  if (headLength < 0 || value.length !== SPLIT_PREFIX + headLength + TAIL_BYTES) {
    throw new ChainError(ChainErrorCode.StoreCorrupt, `Stored block ${Buffer.from(hash).toString('hex').slice(0, 16)} is a split block of the wrong length.`);
  }
  return {
    height: view.readBigUInt64BE(1),
    count: view.readUInt32BE(9),
    head: value.subarray(SPLIT_PREFIX, SPLIT_PREFIX + headLength),
    tail: value.subarray(SPLIT_PREFIX + headLength),
  };
}
