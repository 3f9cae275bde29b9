/**
 * Pinned test vectors of the state tree (docs/protocol.md §18.7). A change here changes consensus:
 * replace them deliberately, with the protocol version, never to make a test pass.
 */
import { describe, expect, it } from 'vitest';
import { EMPTY_ROOT, MemoryNodeStore, applyWrites, proveKey } from '../../../../src/chain/state-tree/index.ts';
import { encodeStateProof, verifyStateProof } from '../../../../src/light/index.ts';
import { referenceRoot } from './tree-fixture.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const bytes = (h: string): Uint8Array => Buffer.from(h, 'hex');

/** Five keys, values given as raw hex bytes (the tree hashes bytes; these need not be valid records). */
export const VECTOR_SET: readonly (readonly [string, string])[] = [
  ['meta:head', '920000'],
  ['account:a', '95010203040500'],
  ['account:b', '95ff00900000'],
  ['pool:x', 'c0'],
  ['deadline-count:00000000000000000007', '02'],
];
export const VECTOR_ROOT = '5f5b82daf705bbcb88f99b05f1d71b2518abcd62f2c9e9d954381e1e1bda0cc1';
/** "account:a" is present with value 95010203040500. */
export const PRESENCE_PROOF = '010002c02d8fbd3570312a37d5ec7feece760196f5a8769c764faf2a87e8b911f772b720c4ec243dc76b0215287d8b225a762125b53f63b6d4af1307821406eea713d3b5';
/** "account:c" is absent: the walk ends at another key's leaf. */
export const ABSENCE_PROOF_LEAF = '020002c07347640ddfd739586f2d7b0f35f0f54056571ea8fdd90af937e43b3b504e94e3e4ff5e7d7a7f08e9800a3e25cb774533cb20040df30b6ba10f956f9acd0eb3f746cab0ea1f339b412c637946dc49a832233102de74029e7b8cab119b70341500c4d7af1cceb551b2369ba55a89852cf66e8d1357fa64b4d7590b24a5d7cadff4';
/** "account:0" is absent: the walk ends at an empty subtree. */
export const ABSENCE_PROOF_EMPTY = '000004d046cab0ea1f339b412c637946dc49a832233102de74029e7b8cab119b703415009d550e118d6682fc5f5d58593c7302ed39566443fb41f11595c55fd0776cdd98477bdfccfdf14acb0d3769569b7bfd020a171b461789c0305387e17d0e611c9a';

describe('state tree vectors (pinned)', () => {
  it('the empty tree, the root of the fixed set and its proofs', async () => {
    expect(hex(EMPTY_ROOT.hash)).toBe('00'.repeat(32));
    const store = new MemoryNodeStore();
    const update = await applyWrites(store, EMPTY_ROOT, 1n, VECTOR_SET.map(([k, v]) => [Buffer.from(k, 'ascii'), bytes(v)] as const));
    store.apply(update);
    expect(hex(update.root.hash)).toBe(VECTOR_ROOT);
    // The pinned root is also the root of the definition (docs/protocol.md §18.3), computed without the tree.
    expect(hex(referenceRoot(new Map(VECTOR_SET.map(([k, v]) => [k, bytes(v)]))))).toBe(VECTOR_ROOT);
    const proof = async (key: string): Promise<string> => hex(encodeStateProof((await proveKey(store, update.root, Buffer.from(key, 'ascii'))).proof));
    expect(await proof('account:a')).toBe(PRESENCE_PROOF);
    expect(await proof('account:c')).toBe(ABSENCE_PROOF_LEAF);
    expect(await proof('account:0')).toBe(ABSENCE_PROOF_EMPTY);
  });

  it('the light verifier accepts the pinned proofs against the pinned root', () => {
    const root = bytes(VECTOR_ROOT);
    verifyStateProof({ root, key: Buffer.from('account:a'), value: bytes('95010203040500'), proof: bytes(PRESENCE_PROOF) });
    verifyStateProof({ root, key: Buffer.from('account:c'), value: null, proof: bytes(ABSENCE_PROOF_LEAF) });
    verifyStateProof({ root, key: Buffer.from('account:0'), value: null, proof: bytes(ABSENCE_PROOF_EMPTY) });
  });
});
