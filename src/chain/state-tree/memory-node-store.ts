/**
 * Tree nodes in memory: for tests, benchmarks and tools. It keeps the same records as the LevelDB
 * store (level-node-store.ts) — nodes by (version, position), stale keys by version — so revert and
 * prune behave alike. Node bytes live in large off-heap arenas and the index maps a node key to its
 * place there: a million-key tree is then ~2.4 million strings and numbers for the GC to trace, not
 * also ~2.4 million typed arrays (which took the heap to ~5 GB and made every major GC slow).
 * Space freed by revert or prune is not reused (a tool's store, not the node's).
 */
import { bytesId } from './node.ts';
import type { NodeReader, TreeUpdate } from './node-store.ts';

const ARENA_BYTES = 1 << 24;
/** Node records are at most 83 bytes (node.ts); the length is kept in the low byte of the place. */
const LENGTH_BITS = 256;

export class MemoryNodeStore implements NodeReader {
  /** node key id -> (arena index * ARENA_BYTES + offset) * LENGTH_BITS + length: one number, no object per node. */
  private readonly nodes = new Map<string, number>();
  private readonly arenas: Uint8Array[] = [];
  private used = ARENA_BYTES;
  private readonly staleAt = new Map<bigint, readonly Uint8Array[]>();
  private readonly writtenAt = new Map<bigint, string[]>();

  async getNodes(keys: readonly Uint8Array[]): Promise<(Uint8Array | undefined)[]> {
    const out: (Uint8Array | undefined)[] = new Array(keys.length);
    for (let i = 0; i < keys.length; i++) {
      const place = this.nodes.get(bytesId(keys[i]!));
      out[i] = place === undefined ? undefined : this.read(place);
    }
    return out;
  }

  get size(): number {
    return this.nodes.size;
  }

  private read(place: number): Uint8Array {
    const length = place % LENGTH_BITS;
    const at = (place - length) / LENGTH_BITS;
    const offset = at % ARENA_BYTES;
    return this.arenas[(at - offset) / ARENA_BYTES]!.subarray(offset, offset + length);
  }

  private write(bytes: Uint8Array): number {
    if (bytes.length >= LENGTH_BITS) throw new RangeError(`A state tree node of ${bytes.length} bytes is too long for the memory store.`);
    if (this.used + bytes.length > ARENA_BYTES) {
      this.arenas.push(new Uint8Array(ARENA_BYTES));
      this.used = 0;
    }
    const arena = this.arenas.length - 1;
    this.arenas[arena]!.set(bytes, this.used);
    const place = ((arena * ARENA_BYTES + this.used) * LENGTH_BITS) + bytes.length;
    this.used += bytes.length;
    return place;
  }

  /** Stores a version's update (what the LevelDB store writes in the block's batch). */
  apply(update: TreeUpdate): void {
    const written = this.writtenAt.get(update.version) ?? [];
    for (const { key, value } of update.puts) {
      const id = bytesId(key);
      this.nodes.set(id, this.write(value));
      written.push(id);
    }
    this.writtenAt.set(update.version, written);
    this.staleAt.set(update.version, [...(this.staleAt.get(update.version) ?? []), ...update.stale]);
  }

  /** Undoes `version`: its nodes and its stale record go; older versions never lost a node. */
  revert(version: bigint): void {
    for (const key of this.writtenAt.get(version) ?? []) this.nodes.delete(key);
    this.writtenAt.delete(version);
    this.staleAt.delete(version);
  }

  /** Deletes what versions up to `oldestRetained` made stale: no version from `oldestRetained` on uses it. */
  prune(oldestRetained: bigint): void {
    for (const [version, keys] of this.staleAt) {
      if (version > oldestRetained) continue;
      for (const key of keys) this.nodes.delete(bytesId(key));
      this.staleAt.delete(version);
    }
  }
}
