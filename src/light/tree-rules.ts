/**
 * The hashing rules of the authenticated state tree (docs/protocol.md §18), shared by the node's
 * tree (src/chain/state-tree) and the light verifier so that both compute one root. The SHA-256
 * function is passed in: the node uses node:crypto, the light verifier its portable one.
 */
export type Sha256 = (data: Uint8Array) => Uint8Array;

export const HASH_BYTES = 32;
/** The root of the empty tree, and the hash of an empty subtree anywhere (§18.2). */
export const EMPTY_HASH: Uint8Array = new Uint8Array(HASH_BYTES);
/** Domain separation (§18.2): a leaf's preimage starts with 0x00, an internal node's with 0x01. */
export const LEAF_PREFIX = 0x00;
export const INTERNAL_PREFIX = 0x01;
/** Keys are hashed to 256-bit paths, so the tree has at most 256 levels below the root. */
export const MAX_DEPTH = 256;

// One preimage buffer, reused: both hashes are synchronous and every SHA-256 here copies its input,
// and a typed array per hash is most of the cost of building a million-key tree.
const preimage = new Uint8Array(1 + 2 * HASH_BYTES);

function hash65(sha: Sha256, prefix: number, a: Uint8Array, b: Uint8Array): Uint8Array {
  preimage[0] = prefix;
  preimage.set(a, 1);
  preimage.set(b, 1 + HASH_BYTES);
  return sha(preimage);
}

/** SHA-256(0x00 ‖ key_hash ‖ value_hash). */
export function leafHash(sha: Sha256, keyHash: Uint8Array, valueHash: Uint8Array): Uint8Array {
  return hash65(sha, LEAF_PREFIX, keyHash, valueHash);
}

/** SHA-256(0x01 ‖ left ‖ right). */
export function internalHash(sha: Sha256, left: Uint8Array, right: Uint8Array): Uint8Array {
  return hash65(sha, INTERNAL_PREFIX, left, right);
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
