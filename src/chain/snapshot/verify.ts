/**
 * Checks of a snapshot (docs/protocol.md §20.3) that a node restoring from untrusted peers runs: the
 * manifest against the trusted header of its height, then each chunk against its manifest entry
 * as it arrives, so a forged chunk is caught at that chunk and nothing of it is kept.
 */
import { EMPTY_HASH, equalBytes } from '../../light/tree-rules.ts';
import { toHex } from '../crypto.ts';
import { MAX_CHUNK_BYTES, type SnapshotManifest, type StatePair, RefKind, chunkIndexOf, decodeChunk, invalidSnapshot } from './format.ts';
import { fastSha256 as sha } from '../state-tree/hash.ts';
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
  const info = manifest.chunks[index];
  if (info === undefined) invalidSnapshot(`The snapshot has no chunk ${index}.`);
  if (bytes.length > MAX_CHUNK_BYTES) invalidSnapshot(`Chunk ${index} is ${bytes.length} bytes, over ${MAX_CHUNK_BYTES}.`);
  const pairs = decodeChunk(bytes);
  const leaves: Leaf[] = [];
  for (const pair of pairs) {
    const path = sha(pair.key);
    const previous = leaves.at(-1);
    if (previous !== undefined && Buffer.compare(previous.keyHash, path) >= 0) invalidSnapshot(`Chunk ${index}'s pairs are not in strict path order.`);
    if (chunkIndexOf(path, manifest.depth) !== index) invalidSnapshot(`Chunk ${index} holds a key of another chunk.`);
    leaves.push({ keyHash: path, valueHash: sha(pair.value) });
  }
  const root = subtreeRoot(leaves, manifest.depth);
  if (!equalBytes(root.hash, info.hash)) invalidSnapshot(`Chunk ${index}'s pairs do not hash to the manifest's subtree root.`);
  return pairs;
}
