/**
 * Tree nodes in memory: for tests, benchmarks and tools. It keeps the same records as the LevelDB
 * store (level-node-store.ts) — nodes by (version, position), stale keys by version — so revert and
 * prune behave alike. Node bytes live in a byte arena (byte-arena.ts) and the index maps a node key
 * to its place there through a byte table (byte-table.ts): a million-key tree is a few large typed
 * arrays for the GC, not ~2.4 million objects.
 * Space freed by revert or prune is not reused (a tool's store, not the node's).
 */
import { ByteArena } from './byte-arena.ts';
import { ByteTable } from './byte-table.ts';
import { RECORD_STRIDE, copyRecordInto } from './node.ts';
import type { NodeReader, PackedReads, TreeUpdate } from './node-store.ts';

export class MemoryNodeStore implements NodeReader {
  /** node key -> the record's place in the arena: no object per node. */
  private readonly nodes = new ByteTable();
  private readonly arena = new ByteArena();
  private readonly staleAt = new Map<bigint, readonly Uint8Array[]>();
  /** Per version, the places of its node keys in `writtenKeys` (numbers, not a view per key: a million-key genesis writes ~2.4 million). */
  private readonly writtenAt = new Map<bigint, number[]>();
  private readonly writtenKeys = new ByteArena();

  async getNodes(keys: readonly Uint8Array[]): Promise<(Uint8Array | undefined)[]> {
    const out: (Uint8Array | undefined)[] = new Array(keys.length);
    for (let i = 0; i < keys.length; i++) {
      const place = this.nodes.get(keys[i]!);
      out[i] = place === undefined ? undefined : this.arena.read(place);
    }
    return out;
  }

  async readNodes(reads: PackedReads): Promise<number> {
    const { keys, keyLength, count, records } = reads;
    for (let i = 0; i < count; i++) {
      const place = this.nodes.getAt(keys, i * keyLength, keyLength);
      if (place === undefined) return i;
      copyRecordInto(this.arena.chunkOf(place), this.arena.offsetOf(place), this.arena.lengthOf(place), records, i * RECORD_STRIDE);
    }
    return -1;
  }

  get size(): number {
    return this.nodes.size;
  }

  /** Stores a version's update (what the LevelDB store writes in the block's batch). */
  apply(update: TreeUpdate): void {
    const written = this.writtenAt.get(update.version) ?? [];
    for (const { key, value } of update.puts) {
      this.nodes.set(key, this.arena.write(value));
      written.push(this.writtenKeys.write(key));
    }
    this.writtenAt.set(update.version, written);
    this.staleAt.set(update.version, [...(this.staleAt.get(update.version) ?? []), ...update.stale]);
  }

  /** Undoes `version`: its nodes and its stale record go; older versions never lost a node. */
  revert(version: bigint): void {
    for (const place of this.writtenAt.get(version) ?? []) this.nodes.delete(this.writtenKeys.read(place));
    this.writtenAt.delete(version);
    this.staleAt.delete(version);
  }

  /** Deletes what versions up to `oldestRetained` made stale: no version from `oldestRetained` on uses it. */
  prune(oldestRetained: bigint): void {
    for (const [version, keys] of this.staleAt) {
      if (version > oldestRetained) continue;
      for (const key of keys) this.nodes.delete(key);
      this.staleAt.delete(version);
    }
  }
}
