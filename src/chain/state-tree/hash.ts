/** The tree's hashing rules (src/light/tree-rules.ts) bound to node:crypto's one-shot SHA-256, the node's fast path. */
import { hash } from 'node:crypto';
import { type Sha256, internalHash, leafHash } from '../../light/tree-rules.ts';

export const fastSha256: Sha256 = (data) => hash('sha256', data, 'buffer');
export const hashLeaf = (keyHash: Uint8Array, valueHash: Uint8Array): Uint8Array => leafHash(fastSha256, keyHash, valueHash);
export const hashInternal = (left: Uint8Array, right: Uint8Array): Uint8Array => internalHash(fastSha256, left, right);
