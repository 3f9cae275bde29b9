import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { Level } from 'level';
import { describe, expect, it } from 'vitest';
import { EMPTY_ROOT, LevelNodeStore, type TreeRoot, applyWrites, proveKeys } from '../../../../src/chain/state-tree/index.ts';
import { verifyStateProof, encodeStateProof } from '../../../../src/light/index.ts';
import { batchArb, buildByBatches, bytesOf, finalSet, referenceRoot, type Write } from './tree-fixture.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const NODE_BUCKET = 200;
const STALE_BUCKET = 201;

describe('versions: reorg and pruning', () => {
  it('reverting versions restores the older roots exactly, and a new branch builds on them (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(batchArb, { minLength: 2, maxLength: 6 }), fc.array(batchArb, { minLength: 1, maxLength: 3 }), fc.nat(), async (main, fork, pick) => {
        const { store, roots } = await buildByBatches(main);
        const ancestor = pick % main.length;
        for (let v = main.length; v > ancestor; v--) store.revert(BigInt(v));
        // Every retained version still proves its keys.
        const probes = [...finalSet(main.slice(0, ancestor)).keys(), 'account:absent'];
        const proofs = await proveKeys(store, roots[ancestor]!, probes.map(bytesOf));
        expect(proofs.length).toBe(probes.length);
        let root = roots[ancestor]!;
        for (const [i, batch] of fork.entries()) {
          const update = await applyWrites(store, root, BigInt(ancestor + 1 + i), batch.map(([k, v]) => [bytesOf(k), v] as const));
          store.apply(update);
          root = update.root;
        }
        expect(hex(root.hash)).toBe(hex(referenceRoot(finalSet([...main.slice(0, ancestor), ...fork]))));
      }),
      { numRuns: 100 },
    );
  });
});

describe('LevelNodeStore', () => {
  it('commit, revert and prune come back as batch operations that LevelDB applies atomically', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dchat-tree-'));
    const db = new Level<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' });
    try {
      const store = new LevelNodeStore(db, { nodeBucket: NODE_BUCKET, staleBucket: STALE_BUCKET, cacheNodes: 64 });
      const keys = Array.from({ length: 300 }, (_, i) => `account:${i}`);
      const batches: Write[][] = [
        keys.map((k) => [k, Uint8Array.of(1)] as const),
        keys.slice(0, 150).map((k, i) => [k, i % 3 === 0 ? null : Uint8Array.of(2)] as const),
        keys.slice(100, 200).map((k) => [k, Uint8Array.of(3)] as const),
      ];
      const roots: TreeRoot[] = [EMPTY_ROOT];
      for (const [i, batch] of batches.entries()) {
        const update = await applyWrites(store, roots.at(-1)!, BigInt(i + 1), batch.map(([k, v]) => [bytesOf(k), v] as const));
        await db.batch(store.commitOps(update));
        store.written(update);
        roots.push(update.root);
      }
      expect(hex(roots[3]!.hash)).toBe(hex(referenceRoot(finalSet(batches))));
      // Reorg: revert version 3, then build another version 3 on version 2.
      await db.batch(await store.revertOps(3n));
      const other = await applyWrites(store, roots[2]!, 3n, [[bytesOf('account:999'), Uint8Array.of(4)]]);
      await db.batch(store.commitOps(other));
      expect(hex(other.root.hash)).toBe(hex(referenceRoot(finalSet([...batches.slice(0, 2), [['account:999', Uint8Array.of(4)]]]))));
      // Pruning up to version 2 keeps versions 2 and 3 whole: every key of both proves.
      await db.batch(await store.pruneOps(2n));
      const fresh = new LevelNodeStore(db, { nodeBucket: NODE_BUCKET, staleBucket: STALE_BUCKET });
      for (const [root, set] of [[roots[2]!, finalSet(batches.slice(0, 2))], [other.root, finalSet([...batches.slice(0, 2), [['account:999', Uint8Array.of(4)]]])]] as const) {
        const probes = [...keys, 'account:999'];
        const proofs = await proveKeys(fresh, root, probes.map(bytesOf));
        probes.forEach((key, i) => verifyStateProof({ root: root.hash, key: bytesOf(key), value: set.get(key) ?? null, proof: encodeStateProof(proofs[i]!.proof) }));
      }
      // Version 1 was pruned: its root node is gone.
      await expect(proveKeys(fresh, roots[1]!, [bytesOf('account:1')])).rejects.toMatchObject({ code: 'StoreCorrupt' });
    } finally {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
