import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ChildRef, EMPTY_ROOT, MemoryNodeStore, applyWrites, decodeNode, nodeKey } from '../../../../src/chain/state-tree/index.ts';
import { ChainErrorCode } from '../../../../src/chain/errors.ts';
import { batchArb, buildByBatches, bytesOf, finalSet, referenceRoot } from './tree-fixture.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('state tree update', () => {
  it('the empty tree has the zero root, and an update with no writes changes nothing', async () => {
    expect(hex(EMPTY_ROOT.hash)).toBe('00'.repeat(32));
    const store = new MemoryNodeStore();
    const update = await applyWrites(store, EMPTY_ROOT, 1n, []);
    expect(update).toEqual({ version: 1n, root: EMPTY_ROOT, puts: [], stale: [] });
  });

  it('the root is the definition\'s root of the final set, whatever the batches (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(batchArb, { maxLength: 8 }), async (batches) => {
        const { roots } = await buildByBatches(batches);
        expect(hex(roots.at(-1)!.hash)).toBe(hex(referenceRoot(finalSet(batches))));
      }),
      { numRuns: 150 },
    );
  });

  it('one bulk batch, any insert order and any batch boundaries give one root (property)', async () => {
    await fc.assert(
      fc.asyncProperty(batchArb.filter((b) => b.length > 0), fc.integer({ min: 1, max: 6 }), fc.context(), async (batch, cut, ctx) => {
        const inserts = batch.map(([k, v]) => [k, v ?? Uint8Array.of(9)] as const);
        const bulk = await buildByBatches([inserts]);
        const reversed = await buildByBatches([[...inserts].reverse()]);
        const chunks = Array.from({ length: Math.ceil(inserts.length / cut) }, (_, i) => inserts.slice(i * cut, (i + 1) * cut));
        const split = await buildByBatches(chunks.reverse());
        ctx.log(`${inserts.length} keys, ${chunks.length} batches`);
        expect(hex(reversed.roots.at(-1)!.hash)).toBe(hex(bulk.roots.at(-1)!.hash));
        expect(hex(split.roots.at(-1)!.hash)).toBe(hex(bulk.roots.at(-1)!.hash));
      }),
      { numRuns: 100 },
    );
  });

  it('deleting every key returns to the empty root, leaving only stale records', async () => {
    const keys = Array.from({ length: 40 }, (_, i) => `k${i}`);
    const { roots } = await buildByBatches([keys.map((k) => [k, Uint8Array.of(1)] as const), keys.map((k) => [k, null] as const)]);
    expect(roots.at(-1)).toEqual(EMPTY_ROOT);
  });

  it('stores exactly the nodes of the live tree once stale ones are pruned (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(batchArb, { minLength: 1, maxLength: 6 }), async (batches) => {
        const { store, roots } = await buildByBatches(batches);
        store.prune(BigInt(batches.length));
        // A canonical tree with n leaves has n leaf nodes; the walk below reads every live node.
        const n = finalSet(batches).size;
        const seen = await countNodes(store, roots.at(-1)!);
        expect(seen.leaves).toBe(n);
        expect(store.size).toBe(seen.leaves + seen.internals);
      }),
      { numRuns: 100 },
    );
  });

  it('refuses one key written twice in a batch, changing nothing', async () => {
    const store = new MemoryNodeStore();
    await expect(applyWrites(store, EMPTY_ROOT, 1n, [[bytesOf('a'), Uint8Array.of(1)], [bytesOf('a'), null]])).rejects.toMatchObject({ code: ChainErrorCode.InvalidBlock });
    expect(store.size).toBe(0);
  });

  it('refuses a version not above the root\'s (its node keys would overwrite retained nodes)', async () => {
    const { store, roots } = await buildByBatches([[['a', Uint8Array.of(1)], ['b', Uint8Array.of(2)]]]);
    await expect(applyWrites(store, roots[1]!, 1n, [[bytesOf('c'), Uint8Array.of(3)]])).rejects.toMatchObject({ code: ChainErrorCode.InvalidBlock });
  });

  it('a missing node is StoreCorrupt, not a wrong root', async () => {
    const { roots } = await buildByBatches([[['a', Uint8Array.of(1)], ['b', Uint8Array.of(2)]]]);
    await expect(applyWrites(new MemoryNodeStore(), roots[1]!, 2n, [[bytesOf('c'), Uint8Array.of(3)]])).rejects.toMatchObject({ code: ChainErrorCode.StoreCorrupt });
  });
});

/** Walks the live tree from its root, counting nodes; each internal node's stored children must hash to it. */
async function countNodes(store: MemoryNodeStore, root: { ref: ChildRef }): Promise<{ leaves: number; internals: number }> {
  let leaves = 0;
  let internals = 0;
  const visit = async (ref: ChildRef, depth: number, path: Uint8Array): Promise<void> => {
    if (ref === null) return;
    const bytes = (await store.getNodes([nodeKey(ref.version, depth, path)]))[0];
    expect(bytes).toBeDefined();
    const node = decodeNode(bytes!);
    if (node.kind === 'leaf') {
      leaves++;
      return;
    }
    internals++;
    // Leaf compression: an internal node never has a lone leaf beside an empty side.
    expect(node.left === null && node.right?.kind === 'leaf').toBe(false);
    expect(node.right === null && node.left?.kind === 'leaf').toBe(false);
    expect(node.left !== null || node.right !== null).toBe(true);
    const right = Uint8Array.from(path);
    right[depth >> 3]! |= 0x80 >> (depth & 7);
    const left = Uint8Array.from(path);
    left[depth >> 3]! &= ~(0x80 >> (depth & 7));
    await visit(node.left, depth + 1, left);
    await visit(node.right, depth + 1, right);
  };
  await visit(root.ref, 0, new Uint8Array(32));
  return { leaves, internals };
}
