import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EMPTY_ROOT, MemoryNodeStore, type NodePut, applyWrites, buildTree, proveKeys } from '../../../../src/chain/state-tree/index.ts';
import { ChainErrorCode } from '../../../../src/chain/errors.ts';
import { encodeStateProof, verifyStateProof } from '../../../../src/light/index.ts';
import { bytesOf, valueArb } from './tree-fixture.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const sortedHex = (puts: readonly NodePut[]): string[] => puts.map((p) => `${hex(p.key)}=${hex(p.value)}`).sort();

/** Distinct keys from a larger space than the update tests' (so the 256 top subtrees are mostly non-empty at ~300 keys). */
const setArb = fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: 5_000 }).map((n) => `account:${n}`), valueArb), { selector: ([k]) => k, maxLength: 400 });

describe('state tree bulk build', () => {
  it('streams exactly the nodes and the root of one update from the empty tree, in chunks (property)', async () => {
    await fc.assert(
      fc.asyncProperty(setArb, fc.integer({ min: 1, max: 50 }), async (set, chunkNodes) => {
        const writes = set.map(([k, v]) => [bytesOf(k), v] as const);
        const chunks: NodePut[][] = [];
        const root = await buildTree(3n, writes, (puts) => void chunks.push(puts), chunkNodes);
        const whole = await applyWrites(new MemoryNodeStore(), EMPTY_ROOT, 3n, writes);
        expect(hex(root.hash)).toBe(hex(whole.root.hash));
        expect(root.ref).toEqual(whole.root.ref);
        expect(sortedHex(chunks.flat())).toEqual(sortedHex(whole.puts));
        // Every chunk but the last holds at least chunkNodes nodes.
        chunks.slice(0, -1).forEach((c) => expect(c.length).toBeGreaterThanOrEqual(chunkNodes));
      }),
      { numRuns: 60 },
    );
  });

  it('a built tree proves its keys and takes updates', async () => {
    const writes = Array.from({ length: 2_000 }, (_, i) => [bytesOf(`account:${i}`), Uint8Array.of(i & 0xff)] as const);
    const store = new MemoryNodeStore();
    const root = await buildTree(0n, writes, (puts) => store.apply({ version: 0n, root: EMPTY_ROOT, puts, stale: [] }), 1_000);
    const probes = [bytesOf('account:7'), bytesOf('account:absent')];
    const proofs = await proveKeys(store, root, probes);
    expect(() => verifyStateProof({ root: root.hash, key: probes[0]!, value: Uint8Array.of(7), proof: encodeStateProof(proofs[0]!.proof) })).not.toThrow();
    expect(() => verifyStateProof({ root: root.hash, key: probes[1]!, value: null, proof: encodeStateProof(proofs[1]!.proof) })).not.toThrow();
    const next = await applyWrites(store, root, 1n, [[bytesOf('account:7'), null]]);
    const direct = await applyWrites(new MemoryNodeStore(), EMPTY_ROOT, 1n, writes.filter(([k]) => hex(k) !== hex(bytesOf('account:7'))));
    expect(hex(next.root.hash)).toBe(hex(direct.root.hash));
  });

  it('refuses deletes and keys written twice', async () => {
    await expect(buildTree(0n, [[bytesOf('a'), null]], () => {})).rejects.toMatchObject({ code: ChainErrorCode.InvalidBlock });
    await expect(buildTree(0n, [[bytesOf('a'), Uint8Array.of(1)], [bytesOf('a'), Uint8Array.of(2)]], () => {})).rejects.toMatchObject({ code: ChainErrorCode.InvalidBlock });
  });
});
