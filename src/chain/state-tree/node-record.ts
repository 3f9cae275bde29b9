/**
 * How LevelDB stores an internal node (docs/protocol.md §18.6): leaner than the fixed 83-byte
 * layout the tree code reads (node.ts), which is what every node is turned back into on its way
 * out of LevelDB, so nothing above the node store sees the difference and no hash moves.
 *
 * A child's version is never above its parent's (the version that wrote the parent, in the
 * parent's key): most children were written by the same block or one shortly before, so the
 * version is stored as the difference, a LEB128 varint of one or two bytes instead of 8:
 *
 *   0x02 ‖ left tag | right tag << 2 ‖ for each non-empty child: varint(parent - child version) ‖ hash
 *
 * 68 bytes instead of 83 for an internal node with both children. Leaves (0x00 ‖ two hashes) and
 * internal nodes written by an older node (0x01 ‖ ...) are stored and read as they are.
 */
import { ChainError, ChainErrorCode } from '../errors.ts';
import { HASH_BYTES } from '../../light/tree-rules.ts';
import { INTERNAL_BYTES } from './node.ts';
import { Slab } from './slab.ts';
import { readVarint, safeU64At, varintLength, writeSafeU64, writeVarint } from './varint.ts';

/** The first byte of an internal node stored compactly (0x00: leaf, 0x01: the fixed layout). */
export const COMPACT_INTERNAL = 2;
const FIXED_INTERNAL = 1;
/** tag u8 ‖ version u64 ‖ hash, as in node.ts. */
const REF_BYTES = 1 + 8 + HASH_BYTES;

/** Records are 68 or 83 bytes: allocated alone, each would live off the V8 heap (slab.ts). LevelDB copies what a batch puts. */
const slab = new Slab();

const corrupt = (problem: string): never => {
  throw new ChainError(ChainErrorCode.StoreCorrupt, `A stored state tree node is corrupt: ${problem}`);
};

/** The record to store for node `value` under node key `key` (values other than full internal nodes unchanged). */
export function storedNode(key: Uint8Array, value: Uint8Array): Uint8Array {
  if (value[0] !== FIXED_INTERNAL || value.length !== INTERNAL_BYTES) return value;
  // Versions past 2^53 (no real chain's heights) keep the fixed layout.
  const version = safeU64At(key, 0);
  if (version < 0) return value;
  let leftDelta = -1;
  let rightDelta = -1;
  let length = 2;
  for (let side = 0; side < 2; side++) {
    const at = 1 + side * REF_BYTES;
    if (value[at] === 0) continue;
    const child = safeU64At(value, at + 1);
    // A child newer than its parent is no tree this code writes: keep such a record as it came.
    if (child < 0 || child > version) return value;
    const delta = version - child;
    if (side === 0) leftDelta = delta;
    else rightDelta = delta;
    length += varintLength(delta) + HASH_BYTES;
  }
  const out = slab.alloc(length);
  out[0] = COMPACT_INTERNAL;
  out[1] = value[1]! | (value[1 + REF_BYTES]! << 2);
  let at = 2;
  // Byte loops, not subarray + set: a view is an allocation, and a block's commit stores every node it wrote.
  if (leftDelta >= 0) {
    at = writeVarint(out, at, leftDelta);
    for (let i = 0; i < HASH_BYTES; i++) out[at + i] = value[1 + 9 + i]!;
    at += HASH_BYTES;
  }
  if (rightDelta >= 0) {
    at = writeVarint(out, at, rightDelta);
    for (let i = 0; i < HASH_BYTES; i++) out[at + i] = value[1 + REF_BYTES + 9 + i]!;
  }
  return out;
}

/** The fixed layout (node.ts) of the record stored under node key `key` (records in that layout come back as they are). */
export function loadedNode(key: Uint8Array, stored: Uint8Array): Uint8Array {
  if (stored[0] !== COMPACT_INTERNAL) return stored;
  if (stored.length < 2) corrupt('a compact internal node is cut short.');
  const version = safeU64At(key, 0);
  if (version < 0) corrupt('a compact internal node of a version past 2^53.');
  const out = slab.alloc(INTERNAL_BYTES);
  out[0] = FIXED_INTERNAL;
  const tags = stored[1]!;
  if (tags > 0b1010 || (tags & 3) === 3 || tags >> 2 === 3) corrupt(`child tags ${tags}.`);
  let at = 2;
  for (let side = 0; side < 2; side++) {
    const tag = (tags >> (side * 2)) & 3;
    if (tag === 0) continue;
    const [delta, next] = readVarint(stored, at, corrupt);
    if (delta > version) corrupt('a child newer than its parent.');
    if (next + HASH_BYTES > stored.length) corrupt('a compact internal node is cut short.');
    const ref = 1 + side * REF_BYTES;
    out[ref] = tag;
    writeSafeU64(out, ref + 1, version - delta);
    for (let i = 0; i < HASH_BYTES; i++) out[ref + 9 + i] = stored[next + i]!;
    at = next + HASH_BYTES;
  }
  if (at !== stored.length) corrupt(`${stored.length - at} bytes after a compact internal node.`);
  return out;
}
