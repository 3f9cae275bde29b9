import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChainErrorCode } from '../../../../src/chain/errors.ts';
import { type ChildRef, INTERNAL_BYTES, encodeNode, nodeKey } from '../../../../src/chain/state-tree/node.ts';
import { COMPACT_INTERNAL, loadedNode, storedNode } from '../../../../src/chain/state-tree/node-record.ts';
import { codeOf } from '../../../support/error-code.ts';

const hash = (fill: number): Uint8Array => new Uint8Array(32).fill(fill);
const key = (version: bigint): Uint8Array => nodeKey(version, 3, Uint8Array.of(0xa0));

const refArb = (version: bigint): fc.Arbitrary<ChildRef> =>
  fc.option(fc.record({ kind: fc.constantFrom('leaf' as const, 'internal' as const), version: fc.bigInt({ min: 0n, max: version }), hash: fc.uint8Array({ minLength: 32, maxLength: 32 }) }), { nil: null });

describe('stored state tree node records', () => {
  it('store an internal node in fewer bytes and load it back byte for byte (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).chain((v) => fc.tuple(fc.constant(v), refArb(v), refArb(v))), ([version, left, right]) => {
        const fixed = encodeNode({ kind: 'internal', left, right });
        const stored = storedNode(key(version), fixed);
        // Compact and shorter, or (versions too far apart to gain) the fixed layout itself.
        if (stored[0] === COMPACT_INTERNAL) expect(stored.length).toBeLessThan(INTERNAL_BYTES);
        else expect(stored).toBe(fixed);
        expect(Buffer.from(loadedNode(key(version), stored))).toEqual(Buffer.from(fixed));
      }),
    );
  });

  it('a node written by the same block as its children costs 68 bytes, not 83; one with the oldest children, the fixed 83', () => {
    const fixed = encodeNode({ kind: 'internal', left: { kind: 'leaf', version: 500n, hash: hash(1) }, right: { kind: 'internal', version: 499n, hash: hash(2) } });
    expect(storedNode(key(500n), fixed).length).toBe(68);
    const far = encodeNode({ kind: 'internal', left: { kind: 'leaf', version: 0n, hash: hash(1) }, right: { kind: 'leaf', version: 0n, hash: hash(2) } });
    expect(storedNode(key(2n ** 64n - 1n), far)).toBe(far);
  });

  it('keep leaves, and records whose child is newer than the node, as they are; older records load unchanged', () => {
    const leaf = encodeNode({ kind: 'leaf', keyHash: hash(3), valueHash: hash(4) });
    expect(storedNode(key(9n), leaf)).toBe(leaf);
    expect(loadedNode(key(9n), leaf)).toBe(leaf);
    const odd = encodeNode({ kind: 'internal', left: { kind: 'leaf', version: 10n, hash: hash(5) }, right: null });
    expect(storedNode(key(9n), odd)).toBe(odd);
    expect(loadedNode(key(9n), odd)).toBe(odd);
  });

  it('refuse a damaged compact record as StoreCorrupt', () => {
    const stored = storedNode(key(7n), encodeNode({ kind: 'internal', left: { kind: 'leaf', version: 7n, hash: hash(6) }, right: null }));
    expect(codeOf(() => loadedNode(key(7n), stored.subarray(0, stored.length - 1)))).toBe(ChainErrorCode.StoreCorrupt);
    expect(codeOf(() => loadedNode(key(7n), Uint8Array.of(...stored, 0)))).toBe(ChainErrorCode.StoreCorrupt);
    expect(codeOf(() => loadedNode(key(7n), Uint8Array.of(COMPACT_INTERNAL, 0b11)))).toBe(ChainErrorCode.StoreCorrupt);
    // A version difference above the node's own version.
    expect(codeOf(() => loadedNode(key(7n), Uint8Array.of(COMPACT_INTERNAL, 1, 8, ...hash(6))))).toBe(ChainErrorCode.StoreCorrupt);
  });
});
