/** A bounded buffer that keeps the newest `capacity` items: memory stays flat however long the node runs. */
export class Ring<T> {
  readonly capacity: number;
  private items: (T | undefined)[];
  private start = 0;
  private count = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`Ring capacity must be a positive integer, got ${capacity}.`);
    this.capacity = capacity;
    this.items = new Array<T | undefined>(capacity);
  }

  get length(): number {
    return this.count;
  }

  push(item: T): void {
    if (this.count < this.capacity) {
      this.items[(this.start + this.count) % this.capacity] = item;
      this.count++;
    } else {
      this.items[this.start] = item;
      this.start = (this.start + 1) % this.capacity;
    }
  }

  /** The i-th oldest item (0 = oldest); negative counts from the newest (-1 = newest). */
  at(index: number): T | undefined {
    const i = index < 0 ? this.count + index : index;
    if (i < 0 || i >= this.count) return undefined;
    return this.items[(this.start + i) % this.capacity];
  }

  /** Drops the newest items while `drop` says so (a head that moved back: reorg or restart). */
  popWhile(drop: (item: T) => boolean): void {
    while (this.count > 0 && drop(this.at(-1)!)) {
      this.items[(this.start + this.count - 1) % this.capacity] = undefined;
      this.count--;
    }
  }

  /** Oldest first. */
  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.items[(this.start + i) % this.capacity]!);
    return out;
  }

  /** Replaces the content with `items` (oldest first), keeping only the newest `capacity`. */
  reset(items: readonly T[]): void {
    this.items = new Array<T | undefined>(this.capacity);
    this.start = 0;
    this.count = 0;
    for (const item of items.slice(-this.capacity)) this.push(item);
  }
}
