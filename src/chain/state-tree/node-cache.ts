/**
 * The LevelDB node store's bounded cache (level-node-store.ts), in two generations: entries go into
 * the young Map; when it holds half the limit it becomes the old one and the previous old one is
 * dropped whole. A hit in the old generation is copied into the young one, so what every block reads
 * (the upper levels) stays. Unlike an LRU over one Map (a delete and a re-insert per hit), a hit in
 * the young generation costs one lookup and nothing is re-inserted; at most `limit` entries are held.
 */
export class NodeCache {
  private young = new Map<string, Uint8Array>();
  private old = new Map<string, Uint8Array>();
  private readonly half: number;

  constructor(limit: number) {
    this.half = Math.max(1, limit >> 1);
  }

  get(id: string): Uint8Array | undefined {
    const hit = this.young.get(id);
    if (hit !== undefined) return hit;
    const older = this.old.get(id);
    if (older !== undefined) this.set(id, older);
    return older;
  }

  set(id: string, bytes: Uint8Array): void {
    this.young.set(id, bytes);
    if (this.young.size >= this.half) {
      this.old = this.young;
      this.young = new Map();
    }
  }

  delete(id: string): void {
    this.young.delete(id);
    this.old.delete(id);
  }

  get size(): number {
    return this.young.size + this.old.size;
  }
}
