/**
 * A series of per-block points over the last `capacity` blocks (the dashboard's supply and system
 * accounts series): a point at or below the newest height means the head moved back (a reorg or
 * a restart), so its successors no longer count and are dropped first.
 */
import { Ring } from './ring.ts';

export class HeightSeries<T extends { readonly height: bigint }> {
  protected readonly ring: Ring<T>;

  constructor(capacity: number) {
    this.ring = new Ring(capacity);
  }

  get length(): number {
    return this.ring.length;
  }

  get capacity(): number {
    return this.ring.capacity;
  }

  first(): T | undefined {
    return this.ring.at(0);
  }

  last(): T | undefined {
    return this.ring.at(-1);
  }

  record(point: T): void {
    this.ring.popWhile((p) => p.height >= point.height);
    this.ring.push(point);
  }
}
