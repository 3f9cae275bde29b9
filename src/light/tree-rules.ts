/**
 * The hashing rules of the authenticated state tree (docs/protocol.md §18), shared by the node's
 * tree (src/chain/state-tree) and the light verifier so that both compute one root. The SHA-256
 * function is passed in: the node uses node:crypto, the light verifier its portable one.
 */
export type Sha256 = (data: Uint8Array) => Uint8Array;

export const HASH_BYTES = 32;
/** The root of the empty tree, and the hash of an empty subtree anywhere (§18.2). */
export const EMPTY_HASH: Uint8Array = new Uint8Array(HASH_BYTES);
/**
 * Domain separation (§18.2): a leaf's preimage is 65 bytes starting with 0x00, an internal node's
 * is its two child hashes, 64 bytes. SHA-256 pads the length into its last block, so a preimage of
 * one kind cannot hash like one of the other without a SHA-256 collision.
 */
export const LEAF_PREFIX = 0x00;
/** Keys are hashed to 256-bit paths, so the tree has at most 256 levels below the root. */
export const MAX_DEPTH = 256;

// One preimage buffer per kind, reused: both hashes are synchronous and every SHA-256 here copies
// its input, and a typed array per hash is most of the cost of building a million-key tree.
const leafPreimage = new Uint8Array(1 + 2 * HASH_BYTES);
const pairPreimage = new Uint8Array(2 * HASH_BYTES);

/** SHA-256(0x00 ‖ key_hash ‖ value_hash). */
export function leafHash(sha: Sha256, keyHash: Uint8Array, valueHash: Uint8Array): Uint8Array {
  leafPreimage[0] = LEAF_PREFIX;
  leafPreimage.set(keyHash, 1);
  leafPreimage.set(valueHash, 1 + HASH_BYTES);
  return sha(leafPreimage);
}

/** SHA-256(left ‖ right). */
export function internalHash(sha: Sha256, left: Uint8Array, right: Uint8Array): Uint8Array {
  pairPreimage.set(left, 0);
  pairPreimage.set(right, HASH_BYTES);
  return sha(pairPreimage);
}

/** Bit `depth` of a 256-bit path, most significant bit of byte 0 first: 0 goes left, 1 right. */
export function pathBit(path: Uint8Array, depth: number): number {
  return (path[depth >> 3]! >> (7 - (depth & 7))) & 1;
}

/** Whether `a` and `b` agree on their first `bits` bits. */
export function samePrefix(a: Uint8Array, b: Uint8Array, bits: number): boolean {
  const whole = bits >> 3;
  for (let i = 0; i < whole; i++) if (a[i] !== b[i]) return false;
  const rest = bits & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (a[whole]! & mask) === (b[whole]! & mask);
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
