/**
 * Pinned test vectors of the state tree (docs/protocol.md §18.7). A change here changes consensus:
 * replace them deliberately, with the protocol version, never to make a test pass.
 * Protocol version 6 replaced the root and the three proofs (internal nodes hash 64 bytes, no prefix:
 * §18.2): version 5's root was 5f5b82da...1bda0cc1. The leaf hashes in the proofs did not move (the
 * leaf rule did not change); the internal siblings did.
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
export const VECTOR_ROOT = 'efb3dadb9339f29b7d360a26fba7b0f67afe7c93a2feca5387cf580f76e2d0fd';
/** "account:a" is present with value 95010203040500. */
export const PRESENCE_PROOF = '010002c07e33ebc26007e434ad9e6925d75259bf54715b245bf85603f7baed4e82fdc1a4c4ec243dc76b0215287d8b225a762125b53f63b6d4af1307821406eea713d3b5';
/** "account:c" is absent: the walk ends at another key's leaf. */
export const ABSENCE_PROOF_LEAF = '020002c07347640ddfd739586f2d7b0f35f0f54056571ea8fdd90af937e43b3b504e94e3e4ff5e7d7a7f08e9800a3e25cb774533cb20040df30b6ba10f956f9acd0eb3f7cb59bfeaf56693344ffc86c7fcc533edc3aba948a25e779bd57d7fb4c56009db4dee27dfab1ee638940c9c0291f6ee6c26660416b9d992491a5947b2a815ad23';
/** "account:0" is absent: the walk ends at an empty subtree. */
export const ABSENCE_PROOF_EMPTY = '000004d0cb59bfeaf56693344ffc86c7fcc533edc3aba948a25e779bd57d7fb4c56009db9d550e118d6682fc5f5d58593c7302ed39566443fb41f11595c55fd0776cdd98840906d18445013792e98ac8852f80ec8c6ef74f5f20114ca7093bbf46753359';

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
