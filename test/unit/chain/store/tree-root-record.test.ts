import { describe, expect, it } from 'vitest';
import { pack } from '../../../../src/chain/codec/msgpack.ts';
import { ChainErrorCode } from '../../../../src/chain/errors.ts';
import type { TreeRoot } from '../../../../src/chain/state-tree/index.ts';
import { decodeTreeRoot, encodeTreeRoot } from '../../../../src/chain/store/tree-root-record.ts';
import { codeOf } from '../../../support/error-code.ts';

const hash = (fill: number): Uint8Array => new Uint8Array(32).fill(fill);
const roots: TreeRoot[] = [
  { hash: hash(0), ref: null },
  { hash: hash(1), ref: { kind: 'leaf', version: 40n, hash: hash(1) } },
  { hash: hash(2), ref: { kind: 'internal', version: 42n, hash: hash(2) } },
];

describe('TREE_ROOT records', () => {
  it('read back every root exactly, in 33 or 34 bytes when the root is recent', () => {
    for (const root of roots) {
      const bytes = encodeTreeRoot(root, 42n);
      expect(bytes.length).toBeLessThanOrEqual(34);
      expect(decodeTreeRoot(bytes, 42n)).toEqual(root);
    }
  });

  it('read records of older nodes (msgpack [hash, ref]), and keep a root they cannot shorten in that layout', () => {
    const legacy = (root: TreeRoot): Uint8Array => pack([root.hash, root.ref === null ? null : [root.ref.kind, root.ref.version, root.ref.hash]]);
    for (const root of roots) expect(decodeTreeRoot(legacy(root), 42n)).toEqual(root);
    const odd: TreeRoot = { hash: hash(3), ref: { kind: 'internal', version: 42n, hash: hash(4) } };
    expect(Buffer.from(encodeTreeRoot(odd, 42n))).toEqual(Buffer.from(legacy(odd)));
    expect(decodeTreeRoot(encodeTreeRoot(odd, 42n), 42n)).toEqual(odd);
  });

  it('refuse a damaged record as MalformedBytes', () => {
    const bytes = encodeTreeRoot(roots[2]!, 42n);
    expect(codeOf(() => decodeTreeRoot(bytes.subarray(0, 20), 42n))).toBe(ChainErrorCode.MalformedBytes);
    expect(codeOf(() => decodeTreeRoot(Uint8Array.of(2, 43, ...hash(2)), 42n))).toBe(ChainErrorCode.MalformedBytes);
    expect(codeOf(() => decodeTreeRoot(Uint8Array.of(2, 0x80), 42n))).toBe(ChainErrorCode.MalformedBytes);
  });
});
