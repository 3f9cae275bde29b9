/**
 * The tree's hashes (docs/protocol.md §18.2) on the node: a leaf's 65-byte preimage in the JS
 * SHA-256 of sha256.ts (no Buffer per hash); an internal node's 64-byte pair in
 * @chainsafe/hashtree, Lodestar's native SHA-256 of 64-byte blocks (SHA-NI or AVX where the CPU has
 * them: ~0.2 µs a call against ~0.8 µs in JS; one call per node: batching a level per call cost more
 * in bookkeeping than it saved, README "The state tree", session 13). Where its
 * prebuilt binary does not load (a platform it does not ship for), the JS SHA-256 computes the same
 * bytes. node:crypto's one-shot serves where a fresh array is wanted anyway (a proof's key path).
 */
import { hash } from 'node:crypto';
import { createRequire } from 'node:module';
import { HASH_BYTES, LEAF_PREFIX, type Sha256 } from '../../light/tree-rules.ts';
import { sha256Of64, sha256Of65 } from './sha256.ts';

export const fastSha256: Sha256 = (data) => hash('sha256', data, 'buffer');

type HashInto = (input: Uint8Array, output: Uint8Array) => void;

function loadNative(): HashInto | null {
  if (process.env.DCHAT_JS_SHA256 === '1') return null;
  try {
    return (createRequire(import.meta.url)('@chainsafe/hashtree') as { hashInto: HashInto }).hashInto;
  } catch {
    return null;
  }
}

const nativeHashInto = loadNative();

/** Which SHA-256 hashes internal nodes (the bench names it). */
export const pairHasher: 'native' | 'js' = nativeHashInto === null ? 'js' : 'native';

/** A pair copied together for the native call, and its digest (views of the caller's bytes would be allocations). */
const pair = new Uint8Array(2 * HASH_BYTES);
const digest = new Uint8Array(HASH_BYTES);

/** leaf(key_hash, value_hash) into out[at, at + 32). */
export function leafHashInto(keyHash: Uint8Array, valueHash: Uint8Array, out: Uint8Array, at: number): void {
  sha256Of65(LEAF_PREFIX, keyHash, 0, valueHash, 0, out, at);
}

/** internal(left, right) of the 32-byte hashes at left[leftAt] and right[rightAt], into out[at, at + 32). */
export function internalHashOf(left: Uint8Array, leftAt: number, right: Uint8Array, rightAt: number, out: Uint8Array, at: number): void {
  if (nativeHashInto === null) return sha256Of64(left, leftAt, right, rightAt, out, at);
  for (let i = 0; i < HASH_BYTES; i++) {
    pair[i] = left[leftAt + i]!;
    pair[HASH_BYTES + i] = right[rightAt + i]!;
  }
  nativeHashInto(pair, digest);
  for (let i = 0; i < HASH_BYTES; i++) out[at + i] = digest[i]!;
}

/** internal(left, right) of the two 32-byte hashes at bytes[leftAt] and bytes[rightAt], into out[at, at + 32). */
export function internalHashInto(bytes: Uint8Array, leftAt: number, rightAt: number, out: Uint8Array, at: number): void {
  internalHashOf(bytes, leftAt, bytes, rightAt, out, at);
}
