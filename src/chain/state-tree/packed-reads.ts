/**
 * Packed node reads (node-store.ts PackedReads) for any store: its own `readNodes` where it has one
 * (the memory and LevelDB stores copy from their arenas with no view per node), else its
 * `getNodes`, whose records are then copied in (a side branch's reader: rare, small).
 */
import { RECORD_STRIDE, copyRecordInto } from './node.ts';
import type { NodeReader, PackedReads } from './node-store.ts';

export async function readPacked(store: NodeReader, reads: PackedReads): Promise<number> {
  if (store.readNodes !== undefined) return store.readNodes(reads);
  return readThroughGetNodes(store, reads);
}

/** readNodes by way of getNodes: one view per key, the records copied into `reads.records`. */
export async function readThroughGetNodes(store: Pick<NodeReader, 'getNodes'>, reads: PackedReads): Promise<number> {
  const { keys, keyLength, count, records } = reads;
  const found = await store.getNodes(Array.from({ length: count }, (_, i) => keys.subarray(i * keyLength, (i + 1) * keyLength)));
  for (let i = 0; i < count; i++) {
    const bytes = found[i];
    if (bytes === undefined) return i;
    copyRecordInto(bytes, 0, bytes.length, records, i * RECORD_STRIDE);
  }
  return -1;
}
