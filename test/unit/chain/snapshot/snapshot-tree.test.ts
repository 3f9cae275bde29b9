/**
 * SnapshotTree (docs/protocol.md §20.5): a snapshot's chunks, added in any order, build exactly the
 * nodes and the root the bulk build makes from the same pairs at the snapshot's height, and each
 * chunk is refused when it does not hash to its manifest entry, comes twice or never comes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChainErrorCode } from '../../../../src/chain/errors.ts';
import { type SnapshotManifest, type StatePair, decodeChunk, encodeChunk } from '../../../../src/chain/snapshot/format.ts';
import { SnapshotTree } from '../../../../src/chain/snapshot/snapshot-tree.ts';
import { writeSnapshot } from '../../../../src/chain/snapshot/writer.ts';
import { type NodePut, buildTree } from '../../../../src/chain/state-tree/index.ts';
import { codeOf } from '../../../support/error-code.ts';

const HEIGHT = 9n;
const enc = (s: string): Uint8Array => Buffer.from(s, 'ascii');
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const sortedHex = (puts: readonly NodePut[]): string[] => puts.map((p) => `${hex(p.key)}=${hex(p.value)}`).sort();

async function cut(pairs: readonly StatePair[], depth: number): Promise<{ manifest: SnapshotManifest; chunks: Map<number, Uint8Array>; root: Uint8Array; nodes: NodePut[] }> {
  const nodes: NodePut[] = [];
  const built = await buildTree(HEIGHT, pairs.map((p) => [p.key, p.value] as const), (puts) => void nodes.push(...puts));
  const chunks = new Map<number, Uint8Array>();
  const manifest = await writeSnapshot((async function* () { yield* pairs; })(), {
    block: { height: HEIGHT, hash: new Uint8Array(32).fill(3), stateRoot: built.hash },
    depth,
    pause: async () => undefined,
    writeChunk: async (i, bytes) => void chunks.set(i, bytes),
  });
  return { manifest, chunks, root: built.hash, nodes };
}

describe('SnapshotTree', () => {
  it('builds the bulk build\'s nodes and root from the chunks, in any order (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.integer({ min: 0, max: 4_000 }), { maxLength: 120 }), fc.integer({ min: 0, max: 6 }), fc.boolean(), async (ids, depth, reversed) => {
        const pairs = ids.map((n) => ({ key: enc(`account:${n}`), value: enc(`v${n * 3}`) }));
        const { manifest, chunks, root, nodes } = await cut(pairs, depth);
        const tree = new SnapshotTree(manifest);
        const got: NodePut[] = [];
        let held = 0;
        const order = [...chunks.keys()].filter((i) => manifest.chunks[i]!.entries > 0);
        for (const index of reversed ? order.reverse() : order) {
          const added = tree.add(index, chunks.get(index)!);
          held += added.pairs.length;
          got.push(...added.nodes);
        }
        const top = tree.root(root);
        got.push(...top.nodes);
        expect(held).toBe(pairs.length);
        expect(hex(top.root.hash)).toBe(hex(root));
        expect(sortedHex(got)).toEqual(sortedHex(nodes));
      }),
      { numRuns: 60 },
    );
  });

  it('refuses a forged chunk, a chunk twice, a missing chunk and another root', async () => {
    const pairs = Array.from({ length: 200 }, (_, i) => ({ key: enc(`account:${i}`), value: enc(`v${i}`) }));
    const { manifest, chunks, root } = await cut(pairs, 2);
    const good = decodeChunk(chunks.get(1)!);
    const forged = encodeChunk(good.map((p, i) => (i === 0 ? { key: p.key, value: enc('forged') } : p)));
    expect(codeOf(() => new SnapshotTree(manifest).add(1, forged))).toBe(ChainErrorCode.InvalidSnapshot);
    expect(codeOf(() => new SnapshotTree(manifest).add(1, encodeChunk(good.slice(1))))).toBe(ChainErrorCode.InvalidSnapshot);
    const twice = new SnapshotTree(manifest);
    twice.add(1, chunks.get(1)!);
    expect(codeOf(() => twice.add(1, chunks.get(1)!))).toBe(ChainErrorCode.InvalidSnapshot);
    const missing = new SnapshotTree(manifest);
    for (const i of [0, 1, 2]) missing.add(i, chunks.get(i)!);
    expect(codeOf(() => missing.root(root))).toBe(ChainErrorCode.InvalidSnapshot);
    const whole = new SnapshotTree(manifest);
    for (const i of [0, 1, 2, 3]) whole.add(i, chunks.get(i)!);
    expect(codeOf(() => whole.root(new Uint8Array(32).fill(1)))).toBe(ChainErrorCode.InvalidSnapshot);
  });
});
