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
 * A chunk that passed verifyChunk: its pairs (views into its bytes) in path order, and `hashes`,
 * per pair in the same order SHA-256(key) ‖ SHA-256(value) (64 bytes): its leaf in the state tree,
 * which the install builds the tree from without hashing every key and value again.
 */
export interface VerifiedChunk {
  readonly index: number;
  readonly pairs: StatePair[];
  readonly hashes: Uint8Array;
}

/** The leaves of a verified chunk, views into its hashes. */
export function chunkLeaves(chunk: VerifiedChunk): Leaf[] {
  const out: Leaf[] = [];
  for (let at = 0; at < chunk.hashes.length; at += 2 * HASH_BYTES) {
    out.push({ keyHash: chunk.hashes.subarray(at, at + HASH_BYTES), valueHash: chunk.hashes.subarray(at + HASH_BYTES, at + 2 * HASH_BYTES) });
  }
  return out;
}

/**
 * Chunk `index` of a verified manifest: well formed, its pairs in strict path order under its
 * prefix, and their subtree root the manifest's hash. Only the hash is trusted: the root binds
 * each subtree's hash, but not the kind, count or size the manifest states beside it where the
 * sibling is not empty (leaf compression only moves a lone leaf up past an EMPTY sibling), so a
 * lying manifest must not make an honest chunk look forged. Returns the pairs (views into `bytes`).
 */
export function verifyChunk(manifest: SnapshotManifest, index: number, bytes: Uint8Array): StatePair[] {
  return checkChunk(manifest, index, bytes).pairs;
}

/** verifyChunk, keeping the pairs' hashes (VerifiedChunk) for the install. */
export function checkChunk(manifest: SnapshotManifest, index: number, bytes: Uint8Array): VerifiedChunk {
  const info = manifest.chunks[index];
  if (info === undefined) invalidSnapshot(`The snapshot has no chunk ${index}.`);
  if (bytes.length > MAX_CHUNK_BYTES) invalidSnapshot(`Chunk ${index} is ${bytes.length} bytes, over ${MAX_CHUNK_BYTES}.`);
  const pairs = decodeChunk(bytes);
  // The JS SHA-256 into one array: node:crypto's one-shot per key and value cost a restore of a
  // million keys more than all the rest of the checks (a C++ call and a Buffer per hash).
  const hashes = new Uint8Array(pairs.length * 2 * HASH_BYTES);
  pairs.forEach((pair, i) => {
    sha256Into(pair.key, hashes, 2 * HASH_BYTES * i);
    sha256Into(pair.value, hashes, 2 * HASH_BYTES * i + HASH_BYTES);
  });
  const chunk: VerifiedChunk = { index, pairs, hashes };
  const leaves = chunkLeaves(chunk);
  leaves.forEach((leaf, i) => {
    if (i > 0 && Buffer.compare(leaves[i - 1]!.keyHash, leaf.keyHash) >= 0) invalidSnapshot(`Chunk ${index}'s pairs are not in strict path order.`);
    if (chunkIndexOf(leaf.keyHash, manifest.depth) !== index) invalidSnapshot(`Chunk ${index} holds a key of another chunk.`);
  });
  const root = subtreeRoot(leaves, manifest.depth);
  if (!equalBytes(root.hash, info.hash)) invalidSnapshot(`Chunk ${index}'s pairs do not hash to the manifest's subtree root.`);
  return chunk;
}
