/**
 * Tree nodes in a Map: for tests, benchmarks and tools. It keeps the same records as the LevelDB
 * store (level-node-store.ts) — nodes by (version, position), stale keys by version — so revert and
 * prune behave alike.
 */
import { bytesId } from './node.ts';
import type { NodeReader, TreeUpdate } from './node-store.ts';


export class MemoryNodeStore implements NodeReader {
  private readonly nodes = new Map<string, Uint8Array>();
  private readonly staleAt = new Map<bigint, readonly Uint8Array[]>();
  private readonly writtenAt = new Map<bigint, string[]>();

  async getNodes(keys: readonly Uint8Array[]): Promise<(Uint8Array | undefined)[]> {
    return keys.map((key) => this.nodes.get(bytesId(key)));
  }

  get size(): number {
    return this.nodes.size;
  }

  /** Stores a version's update (what the LevelDB store writes in the block's batch). */
  apply(update: TreeUpdate): void {
    const written = this.writtenAt.get(update.version) ?? [];
    for (const { key, value } of update.puts) {
      this.nodes.set(bytesId(key), value);
      written.push(bytesId(key));
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
