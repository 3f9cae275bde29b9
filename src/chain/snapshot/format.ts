/**
 * The snapshot format (docs/protocol.md §20): a manifest and its chunks, the same bytes on disk and
 * on the wire. A snapshot of height H holds every state pair (key, value) of block H, cut into the
 * 2^depth subtrees of the state tree under the first `depth` bits of the path (SHA-256(key)), one
 * chunk each. The manifest names each subtree's root (kind and hash), so it can be checked against
 * H's state_root alone, and every chunk against its manifest entry the moment it arrives.
 */
import { pathBit } from '../../light/tree-rules.ts';
import { ChainError, ChainErrorCode } from '../errors.ts';

export const SNAPSHOT_FORMAT = 1;
/** 2^16 chunks at most: a manifest stays under 3 MB. */
export const MAX_SNAPSHOT_DEPTH = 16;
/** The largest chunk a node writes or reads (one frame). */
export const MAX_CHUNK_BYTES = 16 * 1024 * 1024;
export const MAX_MANIFEST_BYTES = 1 + 8 + 32 + 32 + 1 + (1 << MAX_SNAPSHOT_DEPTH) * 41;
/** State keys are short ASCII strings (docs/protocol.md §8.1); a u16 length is ample. */
const MAX_KEY_BYTES = 0xffff;

/** A subtree root's kind (docs/protocol.md §18.6 ref tags): empty, one leaf, or an internal node. */
export const RefKind = { Empty: 0, Leaf: 1, Internal: 2 } as const;
export type RefKind = (typeof RefKind)[keyof typeof RefKind];

export interface SubtreeRef {
  readonly kind: RefKind;
  readonly hash: Uint8Array;
}

export interface ChunkInfo extends SubtreeRef {
  /** State pairs in the chunk. */
  readonly entries: number;
  /** The chunk's encoded length. */
  readonly bytes: number;
}

export interface SnapshotManifest {
  readonly height: bigint;
  readonly blockHash: Uint8Array;
  readonly stateRoot: Uint8Array;
  readonly depth: number;
  /** 2^depth entries, chunk i holding the paths whose first `depth` bits are i. */
  readonly chunks: readonly ChunkInfo[];
}

/** One state pair as the tree hashes it: the key's bytes and the encoded value (docs/protocol.md §8). */
export interface StatePair {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
}

/** One chunk of a snapshot as read or fetched: its index and its bytes (§20.2), not yet checked. */
export interface SnapshotChunk {
  readonly index: number;
  readonly bytes: Uint8Array;
}

export function invalidSnapshot(message: string): never {
  throw new ChainError(ChainErrorCode.InvalidSnapshot, message);
}

/** The depth that cuts `keys` pairs into chunks of about `targetKeys` (at most MAX_SNAPSHOT_DEPTH). */
export function depthFor(keys: number, targetKeys: number): number {
  let depth = 0;
  while (depth < MAX_SNAPSHOT_DEPTH && keys / 2 ** depth > targetKeys) depth++;
  return depth;
}

/** The chunk a path belongs to: its first `depth` bits as a number. */
export function chunkIndexOf(path: Uint8Array, depth: number): number {
  let index = 0;
  for (let d = 0; d < depth; d++) index = index * 2 + pathBit(path, d);
  return index;
}

export function encodeManifest(m: SnapshotManifest): Uint8Array {
  if (m.chunks.length !== 2 ** m.depth) throw new RangeError(`A manifest of depth ${m.depth} has ${2 ** m.depth} chunks.`);
  const out = Buffer.alloc(1 + 8 + 32 + 32 + 1 + m.chunks.length * 41);
  let at = out.writeUInt8(SNAPSHOT_FORMAT, 0);
  at = out.writeBigUInt64BE(m.height, at);
  out.set(m.blockHash, at);
  out.set(m.stateRoot, at + 32);
  at = out.writeUInt8(m.depth, at + 64);
  for (const chunk of m.chunks) {
    at = out.writeUInt8(chunk.kind, at);
    out.set(chunk.hash, at);
    at = out.writeUInt32BE(chunk.entries, at + 32);
    at = out.writeUInt32BE(chunk.bytes, at);
  }
  return out;
}

/** Decodes a manifest; only its form is checked here (verify.ts checks it against a state root). */
export function decodeManifest(bytes: Uint8Array): SnapshotManifest {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 74) invalidSnapshot(`A snapshot manifest is at least 74 bytes; this one is ${buf.length}.`);
  if (buf[0] !== SNAPSHOT_FORMAT) invalidSnapshot(`Snapshot manifest format ${buf[0]} is not ${SNAPSHOT_FORMAT}.`);
  const depth = buf[73]!;
  if (depth > MAX_SNAPSHOT_DEPTH) invalidSnapshot(`A snapshot depth of ${depth} is above ${MAX_SNAPSHOT_DEPTH}.`);
  const count = 2 ** depth;
  if (buf.length !== 74 + count * 41) invalidSnapshot(`A manifest of depth ${depth} is ${74 + count * 41} bytes, not ${buf.length}.`);
  const chunks: ChunkInfo[] = [];
  for (let i = 0, at = 74; i < count; i++, at += 41) {
    const kind = buf[at]!;
    if (kind > RefKind.Internal) invalidSnapshot(`Manifest chunk ${i} has kind ${kind}.`);
    chunks.push({ kind: kind as RefKind, hash: Uint8Array.from(buf.subarray(at + 1, at + 33)), entries: buf.readUInt32BE(at + 33), bytes: buf.readUInt32BE(at + 37) });
  }
  return { height: buf.readBigUInt64BE(1), blockHash: Uint8Array.from(buf.subarray(9, 41)), stateRoot: Uint8Array.from(buf.subarray(41, 73)), depth, chunks };
}

/** A chunk: `count` u32 BE, then per pair `key length` u16 BE ‖ key ‖ `value length` u32 BE ‖ value, in path order. */
export function encodeChunk(pairs: readonly StatePair[]): Uint8Array {
  let length = 4;
  for (const p of pairs) length += 6 + p.key.length + p.value.length;
  const out = Buffer.alloc(length);
  let at = out.writeUInt32BE(pairs.length, 0);
  for (const p of pairs) {
    if (p.key.length > MAX_KEY_BYTES) throw new RangeError(`A state key of ${p.key.length} bytes does not fit a chunk.`);
    at = out.writeUInt16BE(p.key.length, at);
    out.set(p.key, at);
    at = out.writeUInt32BE(p.value.length, at + p.key.length);
    out.set(p.value, at);
    at += p.value.length;
  }
  return out;
}

/** Decodes a chunk's pairs (views into `bytes`); its form only: verify.ts checks its content. */
export function decodeChunk(bytes: Uint8Array): StatePair[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 4) invalidSnapshot('A snapshot chunk is at least 4 bytes.');
  const count = buf.readUInt32BE(0);
  // Each pair takes at least 6 bytes: a count beyond that is a lie, refused before any allocation.
  if (count > (buf.length - 4) / 6) invalidSnapshot(`A chunk of ${buf.length} bytes cannot hold ${count} pairs.`);
  const pairs: StatePair[] = [];
  let at = 4;
  for (let i = 0; i < count; i++) {
    if (at + 2 > buf.length) invalidSnapshot(`Snapshot chunk pair ${i} is cut short.`);
    const keyLength = buf.readUInt16BE(at);
    if (at + 2 + keyLength + 4 > buf.length) invalidSnapshot(`Snapshot chunk pair ${i} is cut short.`);
    const key = bytes.subarray(at + 2, at + 2 + keyLength);
    const valueLength = buf.readUInt32BE(at + 2 + keyLength);
    const valueAt = at + 6 + keyLength;
    if (valueAt + valueLength > buf.length) invalidSnapshot(`Snapshot chunk pair ${i} is cut short.`);
    pairs.push({ key, value: bytes.subarray(valueAt, valueAt + valueLength) });
    at = valueAt + valueLength;
  }
  if (at !== buf.length) invalidSnapshot(`${buf.length - at} bytes follow the last pair of a snapshot chunk.`);
  return pairs;
}
