/**
 * State proofs (docs/protocol.md §18.4-18.5): the encoding, byte for byte, and the verification of
 * a key's value, or of its absence, against a trusted state root. Pure and portable: no node:
 * import, so it runs in a browser as well as in Node.
 */
import { LightError, LightErrorCode } from './errors.ts';
import { sha256 } from './sha256.ts';
import { EMPTY_HASH, HASH_BYTES, MAX_DEPTH, equalBytes, internalHash, leafHash, pathBit, samePrefix } from './tree-rules.ts';

/** How the walk from the root along the key's path ends (§18.4). */
export const ProofEnd = {
  /** At an empty subtree: the key is absent. */
  Empty: 0,
  /** At the key's own leaf: the key is present (its value is given beside the proof). */
  Present: 1,
  /** At another key's leaf, which is alone in the subtree the key would be in: the key is absent. */
  OtherLeaf: 2,
} as const;

export type ProofEnd = (typeof ProofEnd)[keyof typeof ProofEnd];

export interface StateProof {
  readonly end: ProofEnd;
  /** Sibling hashes from the root down, one per level walked; EMPTY_HASH for an empty sibling. */
  readonly siblings: readonly Uint8Array[];
  /** For ProofEnd.OtherLeaf: that leaf's key hash and value hash. */
  readonly otherLeaf?: { readonly keyHash: Uint8Array; readonly valueHash: Uint8Array };
}

const HEADER_BYTES = 3;

/** end u8 ‖ depth u16 BE ‖ bitmap ⌈depth/8⌉ ‖ [other key hash ‖ other value hash] ‖ non-empty siblings. */
export function encodeStateProof(proof: StateProof): Uint8Array {
  const depth = proof.siblings.length;
  const nonEmpty = proof.siblings.filter((s) => !equalBytes(s, EMPTY_HASH));
  const bitmapBytes = Math.ceil(depth / 8);
  const leafBytes = proof.end === ProofEnd.OtherLeaf ? 2 * HASH_BYTES : 0;
  const out = new Uint8Array(HEADER_BYTES + bitmapBytes + leafBytes + nonEmpty.length * HASH_BYTES);
  out[0] = proof.end;
  out[1] = depth >> 8;
  out[2] = depth & 0xff;
  proof.siblings.forEach((s, i) => {
    if (!equalBytes(s, EMPTY_HASH)) out[HEADER_BYTES + (i >> 3)]! |= 0x80 >> (i & 7);
  });
  let at = HEADER_BYTES + bitmapBytes;
  if (proof.otherLeaf !== undefined) {
    out.set(proof.otherLeaf.keyHash, at);
    out.set(proof.otherLeaf.valueHash, at + HASH_BYTES);
    at += 2 * HASH_BYTES;
  }
  for (const s of nonEmpty) {
    out.set(s, at);
    at += HASH_BYTES;
  }
  return out;
}

const malformed = (problem: string): never => {
  throw new LightError(LightErrorCode.MalformedProof, `Malformed state proof: ${problem}`);
};

/** The inverse of encodeStateProof; refuses any other bytes, so one proof has one encoding. */
export function decodeStateProof(bytes: Uint8Array): StateProof {
  if (bytes.length < HEADER_BYTES) malformed(`${bytes.length} bytes, shorter than its 3-byte header.`);
  const end = bytes[0]!;
  if (end !== ProofEnd.Empty && end !== ProofEnd.Present && end !== ProofEnd.OtherLeaf) malformed(`unknown end ${end}.`);
  const depth = (bytes[1]! << 8) | bytes[2]!;
  if (depth > MAX_DEPTH) malformed(`depth ${depth} is above ${MAX_DEPTH}.`);
  const bitmapBytes = Math.ceil(depth / 8);
  if (bytes.length < HEADER_BYTES + bitmapBytes) malformed('the bitmap is cut short.');
  const bitmap = bytes.subarray(HEADER_BYTES, HEADER_BYTES + bitmapBytes);
  if (depth % 8 !== 0 && (bitmap[bitmapBytes - 1]! & (0xff >> (depth % 8))) !== 0) malformed('bitmap bits are set past the depth.');
  let count = 0;
  for (let i = 0; i < depth; i++) count += (bitmap[i >> 3]! >> (7 - (i & 7))) & 1;
  const leafBytes = end === ProofEnd.OtherLeaf ? 2 * HASH_BYTES : 0;
  const expected = HEADER_BYTES + bitmapBytes + leafBytes + count * HASH_BYTES;
  if (bytes.length !== expected) malformed(`${bytes.length} bytes where its header announces ${expected}.`);
  let at = HEADER_BYTES + bitmapBytes;
  const take = (): Uint8Array => {
    const part = bytes.slice(at, at + HASH_BYTES);
    at += HASH_BYTES;
    return part;
  };
  const otherLeaf = end === ProofEnd.OtherLeaf ? { keyHash: take(), valueHash: take() } : undefined;
  const siblings: Uint8Array[] = [];
  for (let i = 0; i < depth; i++) {
    if (((bitmap[i >> 3]! >> (7 - (i & 7))) & 1) === 0) {
      siblings.push(EMPTY_HASH);
      continue;
    }
    const sibling = take();
    // An empty sibling has exactly one encoding: its bitmap bit clear.
    if (equalBytes(sibling, EMPTY_HASH)) malformed(`sibling ${i} is the empty hash but its bitmap bit is set.`);
    siblings.push(sibling);
  }
  return { end: end as ProofEnd, siblings, ...(otherLeaf === undefined ? {} : { otherLeaf }) };
}

export interface StateClaim {
  /** The trusted state root (from a header the caller has verified). */
  readonly root: Uint8Array;
  /** The state key's bytes (ASCII, docs/protocol.md §8.1). */
  readonly key: Uint8Array;
  /** The value's canonical bytes (§8), or null to claim the key is absent. */
  readonly value: Uint8Array | null;
  /** The encoded proof. */
  readonly proof: Uint8Array;
}

/**
 * Checks the claim (§18.5); returns nothing when it holds and throws a LightError naming the
 * failed check otherwise.
 */
export function verifyStateProof(claim: StateClaim): void {
  const proof = decodeStateProof(claim.proof);
  const keyHash = sha256(claim.key);
  const depth = proof.siblings.length;
  let node: Uint8Array;
  if (claim.value !== null) {
    if (proof.end !== ProofEnd.Present) throw new LightError(LightErrorCode.WrongProofKind, 'A value was claimed with a proof of absence.');
    node = leafHash(sha256, keyHash, sha256(claim.value));
  } else if (proof.end === ProofEnd.Present) {
    throw new LightError(LightErrorCode.WrongProofKind, 'Absence was claimed with a proof of presence.');
  } else if (proof.end === ProofEnd.OtherLeaf) {
    const other = proof.otherLeaf!;
    // The other leaf proves absence only if it sits where the key would be and is not the key.
    if (equalBytes(other.keyHash, keyHash) || !samePrefix(other.keyHash, keyHash, depth)) {
      throw new LightError(LightErrorCode.LeafNotOnPath, `The proof's leaf is not another key on this key's path at depth ${depth}.`);
    }
    node = leafHash(sha256, other.keyHash, other.valueHash);
  } else {
    node = EMPTY_HASH;
  }
  for (let i = depth - 1; i >= 0; i--) {
    const sibling = proof.siblings[i]!;
    node = pathBit(keyHash, i) === 0 ? internalHash(sha256, node, sibling) : internalHash(sha256, sibling, node);
  }
  if (!equalBytes(node, claim.root)) throw new LightError(LightErrorCode.RootMismatch, 'The proof does not lead to the trusted state root.');
}
