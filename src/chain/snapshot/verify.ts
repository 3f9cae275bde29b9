/**
 * Checks of a snapshot (docs/protocol.md §20.3) that a node restoring from untrusted peers runs: the
 * manifest against the trusted header of its height, then each chunk against its manifest entry
 * as it arrives, so a forged chunk is caught at that chunk and nothing of it is kept.
 */
import { EMPTY_HASH, HASH_BYTES, equalBytes } from '../../light/tree-rules.ts';
import { toHex } from '../crypto.ts';
import { MAX_CHUNK_BYTES, type SnapshotManifest, type StatePair, RefKind, chunkIndexOf, decodeChunk, invalidSnapshot } from './format.ts';
import { sha256Into } from '../state-tree/sha256.ts';
import type { Leaf } from '../state-tree/update.ts';
import { rootFromSubtrees, subtreeRoot } from './subtree-root.ts';

export interface TrustedBlock {
  readonly height: bigint;
  readonly hash: Uint8Array;
  readonly stateRoot: Uint8Array;
}

/** The manifest is of `trusted`'s block and its subtree roots combine to that block's state_root. */
export function verifyManifest(manifest: SnapshotManifest, trusted: TrustedBlock): void {
  if (manifest.height !== trusted.height || !equalBytes(manifest.blockHash, trusted.hash)) {
    invalidSnapshot(`The manifest is of block ${manifest.height} ${toHex(manifest.blockHash).slice(0, 16)}, not the trusted block ${trusted.height} ${toHex(trusted.hash).slice(0, 16)}.`);
  }
  if (!equalBytes(manifest.stateRoot, trusted.stateRoot)) invalidSnapshot(`The manifest's state root is not block ${trusted.height}'s state_root.`);
  manifest.chunks.forEach((chunk, i) => {
    const consistent =
      chunk.kind === RefKind.Empty ? chunk.entries === 0 && equalBytes(chunk.hash, EMPTY_HASH) : chunk.kind === RefKind.Leaf ? chunk.entries === 1 : chunk.entries >= 2;
    if (!consistent) invalidSnapshot(`Manifest chunk ${i} claims ${chunk.entries} pairs for a subtree of kind ${chunk.kind}.`);
  });
  const root = rootFromSubtrees(manifest.chunks);
  if (!equalBytes(root.hash, trusted.stateRoot)) invalidSnapshot(`The manifest's ${manifest.chunks.length} subtree roots do not combine to block ${trusted.height}'s state_root.`);
}

/**
 * Chunk `index` of a verified manifest: well formed, its pairs in strict path order under its
 * prefix, and their subtree root the manifest's hash. Only the hash is trusted: the root binds
 * each subtree's hash, but not the kind, count or size the manifest states beside it where the
 * sibling is not empty (leaf compression only moves a lone leaf up past an EMPTY sibling), so a
 * lying manifest must not make an honest chunk look forged. Returns the pairs (views into `bytes`).
 */
export function verifyChunk(manifest: SnapshotManifest, index: number, bytes: Uint8Array): StatePair[] {
  const { expected, pairs, leaves } = chunkLeaves(manifest, index, bytes);
  const root = subtreeRoot(leaves, manifest.depth);
  if (!equalBytes(root.hash, expected)) chunkForged(index);
  return pairs;
}

/**
 * Every check of chunk `index` but its hash (verifyChunk; the install builds the subtree instead,
 * SnapshotTree): its pairs (views into `bytes`), their leaves in path order, and the hash the
 * manifest gives their subtree root.
 */
export function chunkLeaves(manifest: SnapshotManifest, index: number, bytes: Uint8Array): { expected: Uint8Array; pairs: StatePair[]; leaves: Leaf[] } {
  const info = manifest.chunks[index];
  if (info === undefined) invalidSnapshot(`The snapshot has no chunk ${index}.`);
  if (bytes.length > MAX_CHUNK_BYTES) invalidSnapshot(`Chunk ${index} is ${bytes.length} bytes, over ${MAX_CHUNK_BYTES}.`);
  const pairs = decodeChunk(bytes);
  // The JS SHA-256 into one array: node:crypto's one-shot per key and value cost a restore of a
  // million keys more than all the rest of the checks (a C++ call and a Buffer per hash).
  const hashes = new Uint8Array(pairs.length * 2 * HASH_BYTES);
  const leaves: Leaf[] = pairs.map((pair, i) => {
    const at = 2 * HASH_BYTES * i;
    sha256Into(pair.key, hashes, at);
    sha256Into(pair.value, hashes, at + HASH_BYTES);
    return { keyHash: hashes.subarray(at, at + HASH_BYTES), valueHash: hashes.subarray(at + HASH_BYTES, at + 2 * HASH_BYTES) };
  });
  leaves.forEach((leaf, i) => {
    if (i > 0 && Buffer.compare(leaves[i - 1]!.keyHash, leaf.keyHash) >= 0) invalidSnapshot(`Chunk ${index}'s pairs are not in strict path order.`);
    if (chunkIndexOf(leaf.keyHash, manifest.depth) !== index) invalidSnapshot(`Chunk ${index} holds a key of another chunk.`);
  });
  return { expected: info.hash, pairs, leaves };
}

export function chunkForged(index: number): never {
  return invalidSnapshot(`Chunk ${index}'s pairs do not hash to the manifest's subtree root.`);
}
