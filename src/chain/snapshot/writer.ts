/**
 * Makes a snapshot (docs/protocol.md §20.2) from a stream of state pairs in any order: each pair is
 * appended, with its path, to the byte buffer of its chunk (one growing buffer per chunk, not an
 * object per pair: a million pairs stay ~their bytes in memory); then each chunk is sorted by path,
 * hashed to its subtree root and handed to `writeChunk`. The caller yields to the event loop
 * between pairs (`pause`), so block production goes on while a large state is cut.
 */
import { fastSha256 as sha } from '../state-tree/hash.ts';
import type { TrustedBlock } from './verify.ts';
import { type ChunkInfo, MAX_CHUNK_BYTES, type SnapshotManifest, type StatePair, chunkIndexOf, encodeChunk } from './format.ts';
import { subtreeRoot } from './subtree-root.ts';

/** A growing byte buffer (doubling): `path ‖ key length u16 ‖ key ‖ value length u32 ‖ value` per pair. */
class PairBuffer {
  private buf = Buffer.alloc(0);
  length = 0;

  append(path: Uint8Array, pair: StatePair): void {
    const need = 32 + 6 + pair.key.length + pair.value.length;
    if (this.length + need > this.buf.length) {
      const grown = Buffer.alloc(Math.max(4096, this.buf.length * 2, this.length + need));
      this.buf.copy(grown, 0, 0, this.length);
      this.buf = grown;
    }
    let at = this.length;
    this.buf.set(path, at);
    at = this.buf.writeUInt16BE(pair.key.length, at + 32);
    this.buf.set(pair.key, at);
    at = this.buf.writeUInt32BE(pair.value.length, at + pair.key.length);
    this.buf.set(pair.value, at);
    this.length = at + pair.value.length;
  }

  /** The pairs with their paths, sorted by path; the buffer is released. */
  takeSorted(): { path: Uint8Array; pair: StatePair }[] {
    const out: { path: Uint8Array; pair: StatePair }[] = [];
    const buf = this.buf;
    for (let at = 0; at < this.length; ) {
      const path = buf.subarray(at, at + 32);
      const keyLength = buf.readUInt16BE(at + 32);
      const key = buf.subarray(at + 34, at + 34 + keyLength);
      const valueLength = buf.readUInt32BE(at + 34 + keyLength);
      const valueAt = at + 38 + keyLength;
      out.push({ path, pair: { key, value: buf.subarray(valueAt, valueAt + valueLength) } });
      at = valueAt + valueLength;
    }
    this.buf = Buffer.alloc(0);
    this.length = 0;
    return out.sort((a, b) => Buffer.compare(a.path, b.path));
  }
}

export interface SnapshotWriteOptions {
  readonly block: TrustedBlock;
  readonly depth: number;
  /** Called every PAUSE_EVERY pairs and between chunks: the caller yields there (setImmediate). */
  readonly pause: () => Promise<void>;
  /** Stores chunk `index`'s bytes (a file). */
  readonly writeChunk: (index: number, bytes: Uint8Array) => Promise<void>;
}

const PAUSE_EVERY = 2_000;

/** Cuts `pairs` into the chunks of `options.depth`, writes them, and returns the manifest. */
export async function writeSnapshot(pairs: AsyncIterable<StatePair>, options: SnapshotWriteOptions): Promise<SnapshotManifest> {
  const { depth, pause } = options;
  const buffers = Array.from({ length: 2 ** depth }, () => new PairBuffer());
  let seen = 0;
  for await (const pair of pairs) {
    const path = sha(pair.key);
    buffers[chunkIndexOf(path, depth)]!.append(path, pair);
    if (++seen % PAUSE_EVERY === 0) await pause();
  }
  const chunks: ChunkInfo[] = [];
  for (let i = 0; i < buffers.length; i++) {
    const sorted = buffers[i]!.takeSorted();
    const bytes = encodeChunk(sorted.map((s) => s.pair));
    if (bytes.length > MAX_CHUNK_BYTES) throw new RangeError(`Snapshot chunk ${i} would be ${bytes.length} bytes (over ${MAX_CHUNK_BYTES}): cut the state deeper.`);
    const root = subtreeRoot(sorted.map((s) => ({ keyHash: s.path, valueHash: sha(s.pair.value) })), depth);
    await options.writeChunk(i, bytes);
    chunks.push({ ...root, entries: sorted.length, bytes: bytes.length });
    await pause();
  }
  return { height: options.block.height, blockHash: options.block.hash, stateRoot: options.block.stateRoot, depth, chunks };
}
