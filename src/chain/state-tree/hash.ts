/**
 * The tree's hashes (docs/protocol.md §18.2) on the node: the JS SHA-256 of sha256.ts writing into
 * the caller's buffers (no Buffer per hash), and node:crypto's one-shot where a fresh array is
 * wanted anyway (a proof's key path).
 */
import { hash } from 'node:crypto';
import { INTERNAL_PREFIX, LEAF_PREFIX, type Sha256 } from '../../light/tree-rules.ts';
import { sha256Of65 } from './sha256.ts';

export const fastSha256: Sha256 = (data) => hash('sha256', data, 'buffer');

/** leaf(key_hash, value_hash) into out[at, at + 32). */
export function leafHashInto(keyHash: Uint8Array, valueHash: Uint8Array, out: Uint8Array, at: number): void {
  sha256Of65(LEAF_PREFIX, keyHash, 0, valueHash, 0, out, at);
}

/** internal(left, right) of the two 32-byte hashes at bytes[leftAt] and bytes[rightAt], into out[at, at + 32). */
export function internalHashInto(bytes: Uint8Array, leftAt: number, rightAt: number, out: Uint8Array, at: number): void {
  sha256Of65(INTERNAL_PREFIX, bytes, leftAt, bytes, rightAt, out, at);
}
