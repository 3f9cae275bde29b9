/**
 * Stored nodes of the state tree and their LevelDB keys (docs/protocol.md §18.6). A node is keyed by
 * the version (block height) that wrote it and its position, as Jellyfish does, never by its hash:
 * an identical subtree written again at another height is another record, so pruning a stale one
 * can never delete a node that a retained version still uses.
 */
import { ChainError, ChainErrorCode } from '../errors.ts';
import { HASH_BYTES } from '../../light/tree-rules.ts';

/** A parent's reference to a child: the child's kind, the version that wrote it, and its hash. */
export type ChildRef = { readonly kind: 'leaf' | 'internal'; readonly version: bigint; readonly hash: Uint8Array } | null;

export type TreeNode =
  | { readonly kind: 'leaf'; readonly keyHash: Uint8Array; readonly valueHash: Uint8Array }
  | { readonly kind: 'internal'; readonly left: ChildRef; readonly right: ChildRef };

const VERSION_BYTES = 8;
const DEPTH_BYTES = 2;

/** version u64 BE ‖ depth u16 BE ‖ the first `depth` bits of the path in ⌈depth/8⌉ bytes, later bits zero. */
export function nodeKey(version: bigint, depth: number, path: Uint8Array, alloc: (length: number) => Uint8Array = (length) => new Uint8Array(length)): Uint8Array {
  const key = alloc(nodeKeyLength(depth));
  writeU64(key, 0, version);
  writeKeyPosition(key, 0, depth, path);
  return key;
}

/** The length of a node key at `depth`: every key of one depth has it. */
export const nodeKeyLength = (depth: number): number => VERSION_BYTES + DEPTH_BYTES + ((depth + 7) >> 3);

/** A node key's position (depth ‖ path bits) after the version that starts the key at out[at]. */
export function writeKeyPosition(out: Uint8Array, at: number, depth: number, path: Uint8Array): void {
  const pathBytes = (depth + 7) >> 3;
  const start = at + VERSION_BYTES;
  out[start] = depth >> 8;
  out[start + 1] = depth & 0xff;
  for (let i = 0; i < pathBytes; i++) out[start + DEPTH_BYTES + i] = path[i]!;
  if (depth % 8 !== 0) out[start + DEPTH_BYTES + pathBytes - 1]! &= (0xff << (8 - (depth % 8))) & 0xff;
}

/** The version of a node key at out[at] (its first 8 bytes). */
export const writeKeyVersion = (out: Uint8Array, at: number, version: bigint): void => writeU64(out, at, version);

const TWO_32 = 2 ** 32;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** u64 big-endian by hand: a DataView per node key is an allocation per node, and BigInt shifts allocate too (versions are heights, far below 2^53). */
function writeU64(out: Uint8Array, at: number, value: bigint): void {
  let hi: number;
  let lo: number;
  if (value <= MAX_SAFE) {
    const v = Number(value);
    hi = Math.floor(v / TWO_32);
    lo = v >>> 0;
  } else {
    hi = Number(value >> 32n);
    lo = Number(value & 0xffff_ffffn);
  }
  for (let i = 3; i >= 0; i--) {
    out[at + i] = hi & 0xff;
    out[at + 4 + i] = lo & 0xff;
    hi >>>= 8;
    lo >>>= 8;
  }
}

/** A node key (or any bytes) as a Map key: a latin1 string, one char per byte. */
// Buffer's native latin1Slice takes any Uint8Array: ~6x cheaper than wrapping it in a Buffer to call toString.
const latin1Slice = (Buffer.prototype as unknown as { latin1Slice(this: Uint8Array, start: number, end: number): string }).latin1Slice;
export const bytesId = (key: Uint8Array): string => latin1Slice.call(key, 0, key.length);

/** Small versions come back as the same bigint: one per node read would be an allocation per node. */
const versionCache: bigint[] = [];
const VERSION_CACHE_LIMIT = 1 << 16;

/** The u64 BE at `at`, without a DataView (an allocation per call). */
export function readU64(bytes: Uint8Array, at: number): bigint {
  const hi = ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
  const lo = ((bytes[at + 4]! << 24) | (bytes[at + 5]! << 16) | (bytes[at + 6]! << 8) | bytes[at + 7]!) >>> 0;
  if (hi >= 1 << 21) return (BigInt(hi) << 32n) | BigInt(lo);
  const value = hi * TWO_32 + lo;
  if (value >= VERSION_CACHE_LIMIT) return BigInt(value);
  return (versionCache[value] ??= BigInt(value));
}

export function nodeKeyVersion(key: Uint8Array): bigint {
  return readU64(key, 0);
}

/** The 8-byte version prefix shared by every node a version wrote (a range for revert). */
export function versionPrefix(version: bigint): Uint8Array {
  const out = new Uint8Array(VERSION_BYTES);
  writeU64(out, 0, version);
  return out;
}

const TAG = { empty: 0, leaf: 1, internal: 2 } as const;
const REF_BYTES = 1 + VERSION_BYTES + HASH_BYTES;
export const LEAF_BYTES = 1 + 2 * HASH_BYTES;
export const INTERNAL_BYTES = 1 + 2 * REF_BYTES;
/** Where an internal record holds its left and right child's hash (all zero, i.e. EMPTY, for an empty child). */
export const LEFT_HASH_AT = 1 + 1 + VERSION_BYTES;
export const RIGHT_HASH_AT = LEFT_HASH_AT + REF_BYTES;

function writeRef(out: Uint8Array, at: number, ref: ChildRef): void {
  if (ref === null) return;
  out[at] = TAG[ref.kind];
  writeU64(out, at + 1, ref.version);
  out.set(ref.hash, at + 1 + VERSION_BYTES);
}

/** A leaf: 0x00 ‖ key hash ‖ value hash (65 bytes). An internal node: 0x01 ‖ left ref ‖ right ref (83 bytes), a ref being tag u8 (0 empty, 1 leaf, 2 internal) ‖ version u64 BE ‖ hash, all zero when empty. */
export function encodeNode(node: TreeNode, alloc: (length: number) => Uint8Array = (length) => new Uint8Array(length)): Uint8Array {
  if (node.kind === 'leaf') {
    const out = alloc(LEAF_BYTES);
    out.set(node.keyHash, 1);
    out.set(node.valueHash, 1 + HASH_BYTES);
    return out;
  }
  const out = alloc(INTERNAL_BYTES);
  out[0] = 1;
  writeRef(out, 1, node.left);
  writeRef(out, 1 + REF_BYTES, node.right);
  return out;
}

const corrupt = (problem: string): never => {
  throw new ChainError(ChainErrorCode.StoreCorrupt, `A state tree node is corrupt: ${problem}`);
};

function readRef(bytes: Uint8Array, at: number): ChildRef {
  const tag = bytes[at]!;
  if (tag === TAG.empty) return null;
  if (tag !== TAG.leaf && tag !== TAG.internal) corrupt(`child tag ${tag}.`);
  const version = readU64(bytes, at + 1);
  return { kind: tag === TAG.leaf ? 'leaf' : 'internal', version, hash: bytes.subarray(at + 1 + VERSION_BYTES, at + REF_BYTES) };
}

/**
 * Read without decoding (proofs walk millions of nodes: an object per node is most of their cost).
 * Whether `bytes` is a leaf; anything neither a leaf nor an internal node is refused as corrupt.
 */
export function isLeafBytes(bytes: Uint8Array): boolean {
  if (bytes[0] === 0 && bytes.length === 1 + 2 * HASH_BYTES) return true;
  if (bytes[0] === 1 && bytes.length === 1 + 2 * REF_BYTES) return false;
  return corrupt(`${bytes.length} bytes starting with ${bytes[0]}.`);
}

/** A record's first byte: 0 for a leaf (1 for an internal node). */
export const LEAF_RECORD_TAG = 0;

/** Room for one record of either kind: packed reads (node-store.ts) copy each record at a multiple of it. */
export const RECORD_STRIDE = INTERNAL_BYTES;

/** Copies the record at bytes[from, from + length) to out[at], refusing anything neither a leaf nor an internal node as corrupt. */
export function copyRecordInto(bytes: Uint8Array, from: number, length: number, out: Uint8Array, at: number): void {
  const tag = bytes[from];
  if (!((tag === 0 && length === LEAF_BYTES) || (tag === 1 && length === INTERNAL_BYTES))) corrupt(`${length} bytes starting with ${tag}.`);
  out.set(bytes.subarray(from, from + length), at);
}

/** The kind of an internal node's child on `side` (null: empty), read in place. */
export function childKindAt(bytes: Uint8Array, side: number, at = 0): 'leaf' | 'internal' | null {
  const tag = bytes[at + 1 + side * REF_BYTES];
  if (tag === TAG.empty) return null;
  if (tag === TAG.leaf) return 'leaf';
  if (tag === TAG.internal) return 'internal';
  return corrupt(`child tag ${tag}.`);
}

/** The version of an internal node's non-empty child on `side`, read in place. */
export const childVersionAt = (bytes: Uint8Array, side: number): bigint => readU64(bytes, 2 + side * REF_BYTES);

/** Where the version of the child on `side` starts in an internal record at bytes[at] (8 bytes, as a node key starts). */
export const childVersionOffset = (at: number, side: number): number => at + 2 + side * REF_BYTES;

/** An internal node's child ref on `side` (0 left, 1 right), of the record at bytes[at]. */
export const childRefAt = (bytes: Uint8Array, side: number, at = 0): ChildRef => readRef(bytes, at + 1 + side * REF_BYTES);

/** A copy of the hash of an internal node's child on `side` (the empty hash for an empty child). */
export function childHashCopy(bytes: Uint8Array, side: number): Uint8Array {
  const at = 1 + side * REF_BYTES;
  return bytes[at] === TAG.empty ? new Uint8Array(HASH_BYTES) : bytes.slice(at + 1 + VERSION_BYTES, at + REF_BYTES);
}

/** Views into `bytes` (no copies: a node read is a node decoded, and copies cost the GC); callers never write into them. */
export function decodeNode(bytes: Uint8Array): TreeNode {
  if (bytes[0] === 0 && bytes.length === 1 + 2 * HASH_BYTES) {
    return { kind: 'leaf', keyHash: bytes.subarray(1, 1 + HASH_BYTES), valueHash: bytes.subarray(1 + HASH_BYTES) };
  }
  if (bytes[0] === 1 && bytes.length === 1 + 2 * REF_BYTES) return { kind: 'internal', left: readRef(bytes, 1), right: readRef(bytes, 1 + REF_BYTES) };
  return corrupt(`${bytes.length} bytes starting with ${bytes[0]}.`);
}
