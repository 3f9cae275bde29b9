/**
 * A version's stale record (level-node-store.ts): the node keys (version ‖ depth u16 ‖ path, node.ts)
 * that the version stopped using, which pruning deletes. Most are the previous nodes at the very
 * positions the version rewrote, written a block or a few before, so each key is stored as
 *
 *   varint(record version - key version) ‖ varint(depth) ‖ path (⌈depth/8⌉ bytes, implied by depth)
 *
 * after a 0xff byte: about 4 bytes a key instead of 13. A record of an older node is its keys each
 * as length u8 ‖ key; no key is 255 bytes long (at most 42), so the first byte tells them apart.
 */
import { ChainError, ChainErrorCode } from '../errors.ts';
import { readVarint, safeU64At, varintLength, writeSafeU64, writeVarint } from './varint.ts';

const COMPACT_STALE_LIST = 0xff;
const VERSION_BYTES = 8;
const DEPTH_BYTES = 2;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

const corrupt = (problem: string): never => {
  throw new ChainError(ChainErrorCode.StoreCorrupt, `A state tree stale record is corrupt: ${problem}`);
};

export function encodeStaleList(version: bigint, keys: readonly Uint8Array[]): Uint8Array {
  // A version past 2^53 (no real chain's height) keeps the old layout.
  if (version > MAX_SAFE) return legacyList(keys);
  const recordVersion = Number(version);
  let length = 1;
  for (const key of keys) {
    const keyVersion = key.length >= VERSION_BYTES + DEPTH_BYTES ? safeU64At(key, 0) : -1;
    // A stale node newer than the version that replaced it, or a key not shaped by nodeKey, is no
    // tree this code writes: the old layout keeps such a list whole.
    if (keyVersion < 0 || keyVersion > recordVersion || key.length !== VERSION_BYTES + DEPTH_BYTES + ((depthOf(key) + 7) >> 3)) return legacyList(keys);
    length += varintLength(recordVersion - keyVersion) + varintLength(depthOf(key)) + key.length - VERSION_BYTES - DEPTH_BYTES;
  }
  const out = new Uint8Array(length);
  out[0] = COMPACT_STALE_LIST;
  let at = 1;
  for (const key of keys) {
    at = writeVarint(out, at, recordVersion - safeU64At(key, 0));
    at = writeVarint(out, at, depthOf(key));
    // A byte loop, not subarray + set: a view is an allocation per key.
    for (let i = VERSION_BYTES + DEPTH_BYTES; i < key.length; i++) out[at++] = key[i]!;
  }
  return out;
}

/** The node keys of the stale record of `version` (either layout). */
export function decodeStaleList(version: bigint, bytes: Uint8Array): Uint8Array[] {
  if (bytes[0] !== COMPACT_STALE_LIST) return decodeLegacyList(bytes);
  if (version > MAX_SAFE) corrupt('a compact record of a version past 2^53.');
  const recordVersion = Number(version);
  const keys: Uint8Array[] = [];
  for (let at = 1; at < bytes.length; ) {
    const [delta, afterDelta] = readVarint(bytes, at, corrupt);
    const [depth, afterDepth] = readVarint(bytes, afterDelta, corrupt);
    if (delta > recordVersion) corrupt('a stale node newer than its record.');
    if (depth > 256) corrupt(`depth ${depth}.`);
    const pathBytes = (depth + 7) >> 3;
    if (afterDepth + pathBytes > bytes.length) corrupt('it is cut short.');
    const key = new Uint8Array(VERSION_BYTES + DEPTH_BYTES + pathBytes);
    writeSafeU64(key, 0, recordVersion - delta);
    key[VERSION_BYTES] = depth >> 8;
    key[VERSION_BYTES + 1] = depth & 0xff;
    key.set(bytes.subarray(afterDepth, afterDepth + pathBytes), VERSION_BYTES + DEPTH_BYTES);
    keys.push(key);
    at = afterDepth + pathBytes;
  }
  return keys;
}

const depthOf = (key: Uint8Array): number => (key[VERSION_BYTES]! << 8) | key[VERSION_BYTES + 1]!;

/** Each key as length u8 ‖ key: what older nodes wrote. */
export function legacyList(keys: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const key of keys) length += 1 + key.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const key of keys) {
    out[at] = key.length;
    out.set(key, at + 1);
    at += 1 + key.length;
  }
  return out;
}

function decodeLegacyList(bytes: Uint8Array): Uint8Array[] {
  const keys: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; ) {
    const length = bytes[at]!;
    if (at + 1 + length > bytes.length) corrupt('it is cut short.');
    keys.push(bytes.slice(at + 1, at + 1 + length));
    at += 1 + length;
  }
  return keys;
}
