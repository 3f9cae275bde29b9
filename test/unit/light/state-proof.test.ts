import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { proveKey, proveKeys } from '../../../src/chain/state-tree/index.ts';
import { LightErrorCode, decodeStateProof, encodeStateProof, verifyStateProof } from '../../../src/light/index.ts';
import { batchArb, buildByBatches, bytesOf, finalSet, keyArb } from '../chain/state-tree/tree-fixture.ts';

const codeOf = (fn: () => void): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (err) {
    return (err as { code?: string }).code ?? 'untyped';
  }
};

describe('state proofs', () => {
  it('every present and absent key verifies at every version, after every batch (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(batchArb, { minLength: 1, maxLength: 5 }), fc.array(keyArb, { minLength: 1, maxLength: 8 }), async (batches, probes) => {
        const { store, roots } = await buildByBatches(batches);
        for (let v = 0; v < roots.length; v++) {
          const set = finalSet(batches.slice(0, v));
          const proofs = await proveKeys(store, roots[v]!, probes.map(bytesOf));
          probes.forEach((key, i) => {
            const value = set.get(key) ?? null;
            const proof = encodeStateProof(proofs[i]!.proof);
            expect(decodeStateProof(proof)).toEqual(proofs[i]!.proof);
            expect(codeOf(() => verifyStateProof({ root: roots[v]!.hash, key: bytesOf(key), value, proof }))).toBeUndefined();
            // The opposite claim fails: a value for an absent key, absence (or another value) for a present one.
            const wrong = value === null ? Uint8Array.of(7) : null;
            expect(codeOf(() => verifyStateProof({ root: roots[v]!.hash, key: bytesOf(key), value: wrong, proof }))).toBe(LightErrorCode.WrongProofKind);
            if (value !== null) {
              const other = Uint8Array.from([...value, 1]);
              expect(codeOf(() => verifyStateProof({ root: roots[v]!.hash, key: bytesOf(key), value: other, proof }))).toBe(LightErrorCode.RootMismatch);
            }
          });
        }
      }),
      { numRuns: 60 },
    );
  });

  it('any flipped byte in the proof, the value or the root fails with a typed error (property)', async () => {
    await fc.assert(
      fc.asyncProperty(batchArb.filter((b) => b.some(([, v]) => v !== null)), keyArb, fc.nat(), fc.integer({ min: 1, max: 255 }), async (batch, probe, at, xor) => {
        const { store, roots } = await buildByBatches([batch]);
        const root = roots[1]!.hash;
        const value = finalSet([batch]).get(probe) ?? null;
        const proof = encodeStateProof((await proveKey(store, roots[1]!, bytesOf(probe))).proof);
        const flip = (b: Uint8Array): Uint8Array => {
          const out = Uint8Array.from(b);
          out[at % b.length]! ^= xor;
          return out;
        };
        const failures = [
          codeOf(() => verifyStateProof({ root, key: bytesOf(probe), value, proof: flip(proof) })),
          codeOf(() => verifyStateProof({ root: flip(root), key: bytesOf(probe), value, proof })),
        ];
        if (value !== null && value.length > 0) failures.push(codeOf(() => verifyStateProof({ root, key: bytesOf(probe), value: flip(value), proof })));
        for (const code of failures) expect(Object.values(LightErrorCode)).toContain(code);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses trailing bytes, a depth past 256, set bits past the depth and an explicit empty sibling', () => {
    const bad = [
      Uint8Array.of(0, 0, 0, 1),
      Uint8Array.of(3, 0, 0),
      Uint8Array.of(0, 1, 1),
      Uint8Array.of(0, 0, 1, 0x40),
      Uint8Array.of(0, 0, 1, 0x80, ...new Uint8Array(32)),
      Uint8Array.of(0, 0),
    ];
    for (const proof of bad) expect(codeOf(() => decodeStateProof(proof))).toBe(LightErrorCode.MalformedProof);
  });

  it('an absence proof whose other leaf is not on the key\'s path is refused', async () => {
    const { store, roots } = await buildByBatches([[['a', Uint8Array.of(1)]]]);
    // A one-leaf tree: the proof for an absent key ends at depth 0 at leaf "a"; claiming "a" absent with it must fail.
    const proof = encodeStateProof((await proveKey(store, roots[1]!, bytesOf('zz'))).proof);
    expect(codeOf(() => verifyStateProof({ root: roots[1]!.hash, key: bytesOf('zz'), value: null, proof }))).toBeUndefined();
    expect(codeOf(() => verifyStateProof({ root: roots[1]!.hash, key: bytesOf('a'), value: null, proof }))).toBe(LightErrorCode.LeafNotOnPath);
  });
});
