/**
 * Helpers of the state tree tests: the root computed straight from its definition in
 * docs/protocol.md §18.3 (independent of the stored nodes), and building a tree by batches.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { EMPTY_ROOT, MemoryNodeStore, type TreeRoot, applyWrites } from '../../../../src/chain/state-tree/index.ts';
import { EMPTY_HASH, pathBit } from '../../../../src/light/tree-rules.ts';

const sha = (...parts: Uint8Array[]): Uint8Array => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

/** root(S) by §18.3: empty → 32 zero bytes; one pair → SHA-256(0x00 ‖ key hash ‖ value hash); else SHA-256 of the two halves' roots by the next bit (§18.2: 64 bytes, no prefix). */
export function referenceRoot(pairs: ReadonlyMap<string, Uint8Array>): Uint8Array {
  const leaves = [...pairs].map(([key, value]) => ({ kh: sha(Buffer.from(key, 'latin1')), vh: sha(value) }));
  const root = (items: typeof leaves, depth: number): Uint8Array => {
    if (items.length === 0) return EMPTY_HASH;
    if (items.length === 1) return sha(Uint8Array.of(0), items[0]!.kh, items[0]!.vh);
    const left = items.filter((i) => pathBit(i.kh, depth) === 0);
    const right = items.filter((i) => pathBit(i.kh, depth) === 1);
    return sha(root(left, depth + 1), root(right, depth + 1));
  };
  return root(leaves, 0);
}

export const bytesOf = (key: string): Uint8Array => Buffer.from(key, 'latin1');

export type Write = readonly [string, Uint8Array | null];

/** Applies batches of writes one version each (versions 1, 2, ...), storing every update. */
export async function buildByBatches(batches: readonly (readonly Write[])[], store = new MemoryNodeStore()): Promise<{ store: MemoryNodeStore; roots: TreeRoot[] }> {
  const roots: TreeRoot[] = [EMPTY_ROOT];
  for (const [i, batch] of batches.entries()) {
    const update = await applyWrites(store, roots.at(-1)!, BigInt(i + 1), batch.map(([k, v]) => [bytesOf(k), v] as const));
    store.apply(update);
    roots.push(update.root);
  }
  return { store, roots };
}

/** Folds batches into the final set of (key, value). */
export function finalSet(batches: readonly (readonly Write[])[]): Map<string, Uint8Array> {
  const set = new Map<string, Uint8Array>();
  for (const batch of batches) for (const [k, v] of batch) v === null ? set.delete(k) : set.set(k, v);
  return set;
}

/** Small key space so that writes collide, overwrite and delete present keys. */
export const keyArb = fc.integer({ min: 0, max: 60 }).map((n) => `account:${n}`);
export const valueArb = fc.uint8Array({ minLength: 0, maxLength: 12 });
export const writeArb = fc.tuple(keyArb, fc.option(valueArb, { nil: null, freq: 4 }));

/** One batch with each key at most once (a block's write set). */
export const batchArb = fc.uniqueArray(writeArb, { selector: ([k]) => k, maxLength: 25 });
