/**
 * Snapshots (docs/protocol.md §20): a snapshot cut from a state verifies against the root the
 * state tree computes for that state, chunk by chunk, and every forgery of a manifest or a chunk
 * is refused with InvalidSnapshot.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChainErrorCode } from '../../../../src/chain/errors.ts';
import { type SnapshotManifest, type StatePair, RefKind, decodeChunk, decodeManifest, depthFor, encodeChunk, encodeManifest } from '../../../../src/chain/snapshot/format.ts';
import { type TrustedBlock, verifyChunk, verifyManifest } from '../../../../src/chain/snapshot/verify.ts';
import { writeSnapshot } from '../../../../src/chain/snapshot/writer.ts';
import { buildTree } from '../../../../src/chain/state-tree/index.ts';
import { codeOf } from '../../../support/error-code.ts';

const expectCode = (fn: () => unknown, code: string): void => void expect(codeOf(fn)).toBe(code);

const enc = (s: string): Uint8Array => Buffer.from(s, 'ascii');
const pairsOf = (n: number, tag = 'v'): StatePair[] => Array.from({ length: n }, (_, i) => ({ key: enc(`acct:${i}`), value: enc(`${tag}${i * 7}`) }));

async function* stream(pairs: readonly StatePair[]): AsyncGenerator<StatePair> {
  yield* pairs;
}

async function treeRoot(pairs: readonly StatePair[]): Promise<Uint8Array> {
  const root = await buildTree(5n, pairs.map((p) => [p.key, p.value] as const), () => undefined);
  return root.hash;
}

async function snapshotOf(pairs: readonly StatePair[], depth: number): Promise<{ manifest: SnapshotManifest; chunks: Map<number, Uint8Array>; trusted: TrustedBlock }> {
  const trusted: TrustedBlock = { height: 5n, hash: new Uint8Array(32).fill(7), stateRoot: await treeRoot(pairs) };
  const chunks = new Map<number, Uint8Array>();
  const manifest = await writeSnapshot(stream(pairs), { block: trusted, depth, pause: async () => undefined, writeChunk: async (i, bytes) => void chunks.set(i, bytes) });
  return { manifest, chunks, trusted };
}

const sortedKeys = (pairs: readonly StatePair[]): string[] => pairs.map((p) => `${Buffer.from(p.key).toString()}=${Buffer.from(p.value).toString()}`).sort();

describe('snapshot', () => {
  it('cuts a state into chunks that verify against the tree root and hold every pair once', async () => {
    const pairs = pairsOf(300);
    const { manifest, chunks, trusted } = await snapshotOf(pairs, 3);
    expect(manifest.chunks).toHaveLength(8);
    const decoded = decodeManifest(encodeManifest(manifest));
    verifyManifest(decoded, trusted);
    const restored: StatePair[] = [];
    for (let i = 0; i < 8; i++) restored.push(...verifyChunk(decoded, i, chunks.get(i)!));
    expect(sortedKeys(restored)).toEqual(sortedKeys(pairs));
  });

  it('agrees with the tree for any set and depth, including empty and one-pair chunks', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.string({ minLength: 1, maxLength: 12 }), { maxLength: 40 }), fc.integer({ min: 0, max: 6 }), async (keys, depth) => {
        const pairs = keys.map((k) => ({ key: enc(`k:${k}`), value: enc(k) }));
        const { manifest, chunks, trusted } = await snapshotOf(pairs, depth);
        verifyManifest(manifest, trusted);
        let total = 0;
        for (let i = 0; i < manifest.chunks.length; i++) total += verifyChunk(manifest, i, chunks.get(i)!).length;
        expect(total).toBe(pairs.length);
      }),
      { numRuns: 60 },
    );
  });

  it('refuses a chunk with a changed value, a dropped pair or a pair of another chunk', async () => {
    const { manifest, chunks } = await snapshotOf(pairsOf(200), 2);
    const good = decodeChunk(chunks.get(1)!);
    const changed = good.map((p, i) => (i === 0 ? { key: p.key, value: enc('forged') } : p));
    const changedBytes = encodeChunk(changed);
    expectCode(() => verifyChunk({ ...manifest, chunks: manifest.chunks.map((c, i) => (i === 1 ? { ...c, bytes: changedBytes.length } : c)) }, 1, changedBytes), ChainErrorCode.InvalidSnapshot);
    expectCode(() => verifyChunk(manifest, 1, encodeChunk(good.slice(1))), ChainErrorCode.InvalidSnapshot);
    const other = decodeChunk(chunks.get(2)!)[0]!;
    expectCode(() => verifyChunk(manifest, 1, encodeChunk([...good.slice(1), other])), ChainErrorCode.InvalidSnapshot);
    expectCode(() => verifyChunk(manifest, 1, chunks.get(2)!), ChainErrorCode.InvalidSnapshot);
  });

  it('refuses a manifest of another root, block or kind', async () => {
    const { manifest, trusted } = await snapshotOf(pairsOf(50), 2);
    expectCode(() => verifyManifest(manifest, { ...trusted, stateRoot: new Uint8Array(32).fill(1) }), ChainErrorCode.InvalidSnapshot);
    expectCode(() => verifyManifest(manifest, { ...trusted, height: 6n }), ChainErrorCode.InvalidSnapshot);
    const forgedRoot = manifest.chunks.map((c, i) => (i === 0 ? { ...c, hash: new Uint8Array(32).fill(9) } : c));
    expectCode(() => verifyManifest({ ...manifest, chunks: forgedRoot }, trusted), ChainErrorCode.InvalidSnapshot);
  });

  it('trusts only the subtree hashes: a manifest lying about a kind or a count cannot make an honest chunk look forged', async () => {
    const { manifest, chunks, trusted } = await snapshotOf(pairsOf(50), 2);
    expect(manifest.chunks[0]!.kind).toBe(RefKind.Internal);
    // Beside a non-empty sibling a kind changes no hash above it: the root check passes...
    const lying = { ...manifest, chunks: manifest.chunks.map((c, i) => (i === 0 ? { ...c, kind: RefKind.Leaf, entries: 1, bytes: 3 } : c)) };
    verifyManifest(lying, trusted);
    // ...and the honest chunk is still accepted, by its hash.
    expect(verifyChunk(lying, 0, chunks.get(0)!)).toHaveLength(manifest.chunks[0]!.entries);
    // Beside an empty sibling a kind moves a hash up or not: a lie there changes the root.
    const { manifest: sparse, trusted: sparseTrusted } = await snapshotOf(pairsOf(2), 4);
    const leafAt = sparse.chunks.findIndex((c) => c.kind === RefKind.Leaf);
    const asInternal = sparse.chunks.map((c, i) => (i === leafAt ? { ...c, kind: RefKind.Internal, entries: 2 } : c));
    expectCode(() => verifyManifest({ ...sparse, chunks: asInternal }, sparseTrusted), ChainErrorCode.InvalidSnapshot);
  });

  it('decodes any bytes to pairs or InvalidSnapshot, never another error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        for (const decode of [decodeChunk, decodeManifest]) {
          try {
            decode(bytes);
          } catch (err) {
            expect((err as { code?: string }).code).toBe(ChainErrorCode.InvalidSnapshot);
          }
        }
      }),
    );
  });

  it('picks a depth for about the target pairs per chunk', () => {
    expect(depthFor(10, 2_048)).toBe(0);
    expect(depthFor(1_000_000, 2_048)).toBe(9);
    expect(depthFor(10 ** 12, 2_048)).toBe(16);
  });
});
