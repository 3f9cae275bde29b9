/**
 * The headers of the recent blocks, in memory: the canonical ones (contiguous, oldest first, for
 * finality, docs/protocol.md §14.2) and every recent block by hash, side blocks included. They answer
 * "is this block known?" and "is it canonical?" without reading blocks back from the store, and let
 * a reorg walk a branch down to the common ancestor by headers alone. Anything older than the
 * window is looked up in the store (keys-only where a yes/no is enough).
 */
import type { BlockHeader } from './codec/block.ts';
import { bytesEqual } from './codec/msgpack.ts';
import { toHex } from './crypto.ts';

export interface KnownHeader {
  readonly header: BlockHeader;
  readonly hash: Uint8Array;
}

export class RecentHeaders {
  /** Canonical headers kept (finality needs a window of them); known blocks by hash: twice this. */
  readonly capacity: number;
  private canonical: KnownHeader[] = [];
  private readonly byHash = new Map<string, KnownHeader>();

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  /** The canonical headers, oldest first. */
  canonicalHeaders(): readonly BlockHeader[] {
    return this.canonical.map((k) => k.header);
  }

  /** A new canonical block on top of the head. */
  extend(block: KnownHeader): void {
    this.canonical.push(block);
    this.know(block);
    if (this.canonical.length > this.capacity) this.canonical = this.canonical.slice(-this.capacity);
  }

  /** A reorg: the canonical blocks above `ancestorHeight` become side blocks, `branch` (ascending) canonical. */
  switchTo(ancestorHeight: bigint, branch: readonly KnownHeader[]): void {
    this.canonical = this.canonical.filter((k) => k.header.height <= ancestorHeight);
    for (const block of branch) this.extend(block);
  }

  /** A valid block that is not canonical (kept for a branch that may win later). */
  addSide(block: KnownHeader): void {
    this.know(block);
  }

  /** The canonical block at `height` when it is in the window (else ask the store). */
  canonicalAt(height: bigint): KnownHeader | undefined {
    const first = this.canonical[0];
    return first === undefined || height < first.header.height ? undefined : this.canonical[Number(height - first.header.height)];
  }

  get(hash: Uint8Array): KnownHeader | undefined {
    return this.byHash.get(toHex(hash));
  }

  /**
   * Whether `hash` is the canonical block at `height`: true or false when that height is in the
   * window, undefined when it is older (ask the store).
   */
  isCanonical(height: bigint, hash: Uint8Array): boolean | undefined {
    const first = this.canonical[0];
    if (first === undefined || height < first.header.height) return undefined;
    const entry = this.canonicalAt(height);
    return entry !== undefined && bytesEqual(entry.hash, hash);
  }

  private know(block: KnownHeader): void {
    const key = toHex(block.hash);
    this.byHash.delete(key);
    this.byHash.set(key, block);
    if (this.byHash.size > this.capacity * 2) this.byHash.delete(this.byHash.keys().next().value!);
  }
}
