/**
 * SHA-256 (FIPS 180-4) for the node's tree, written into a caller's buffer: the 65-byte leaf
 * preimages and the keys' and values' hashes (§18.2), and the 64-byte internal pairs where the
 * native hasher is missing (hash.ts). node:crypto's one-shot costs 0.7–2.7 µs per call here, nearly
 * all of it the call into C++ and the Buffer it returns, against ~0.5–1 µs for these two
 * compressions in JS with nothing allocated. The tests check every digest against
 * node:crypto. The compression is the light verifier's (src/light/sha256.ts, which imports nothing
 * from chain/); what is here is how the node feeds it without copies.
 */
import { SHA256_INITIAL, compressBlock } from '../../light/sha256.ts';

const W = new Int32Array(64);
const H = new Int32Array(8);
const compress = (): void => compressBlock(H, W);

function digestInto(out: Uint8Array, at: number): void {
  for (let i = 0; i < 8; i++) {
    const word = H[i]!;
    out[at + 4 * i] = word >>> 24;
    out[at + 4 * i + 1] = word >>> 16;
    out[at + 4 * i + 2] = word >>> 8;
    out[at + 4 * i + 3] = word;
  }
}

/**
 * SHA-256(prefix ‖ a[aAt, aAt + 32) ‖ b[bAt, bAt + 32)) into out[outAt, outAt + 32): a leaf's hash
 * (§18.2). Word k of the 65-byte preimage is bytes 4k-1 .. 4k+2 of a ‖ b (byte -1
 * being the prefix), so it is read straight from the two halves; the second block is the last byte,
 * the padding and the length (520 bits). `out` may be one of the inputs.
 */
export function sha256Of65(prefix: number, a: Uint8Array, aAt: number, b: Uint8Array, bAt: number, out: Uint8Array, outAt: number): void {
  H.set(SHA256_INITIAL);
  W[0] = (prefix << 24) | (a[aAt]! << 16) | (a[aAt + 1]! << 8) | a[aAt + 2]!;
  for (let k = 1; k < 8; k++) {
    const i = aAt + 4 * k - 1;
    W[k] = (a[i]! << 24) | (a[i + 1]! << 16) | (a[i + 2]! << 8) | a[i + 3]!;
  }
  W[8] = (a[aAt + 31]! << 24) | (b[bAt]! << 16) | (b[bAt + 1]! << 8) | b[bAt + 2]!;
  for (let k = 1; k < 8; k++) {
    const i = bAt + 4 * k - 1;
    W[8 + k] = (b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!;
  }
  compress();
  W[0] = (b[bAt + 31]! << 24) | 0x80_0000;
  W.fill(0, 1, 15);
  W[15] = 65 * 8;
  compress();
  digestInto(out, outAt);
}

/**
 * SHA-256(a[aAt, aAt + 32) ‖ b[bAt, bAt + 32)) into out[outAt, outAt + 32): an internal node's hash
 * (§18.2) where the native hasher is missing (hash.ts). The second block is padding and the length
 * alone (512 bits). `out` may be one of the inputs.
 */
export function sha256Of64(a: Uint8Array, aAt: number, b: Uint8Array, bAt: number, out: Uint8Array, outAt: number): void {
  H.set(SHA256_INITIAL);
  for (let k = 0; k < 8; k++) {
    const i = aAt + 4 * k;
    W[k] = (a[i]! << 24) | (a[i + 1]! << 16) | (a[i + 2]! << 8) | a[i + 3]!;
  }
  for (let k = 0; k < 8; k++) {
    const i = bAt + 4 * k;
    W[8 + k] = (b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!;
  }
  compress();
  W[0] = 0x8000_0000 | 0;
  W.fill(0, 1, 15);
  W[15] = 64 * 8;
  compress();
  digestInto(out, outAt);
}

/** SHA-256 of `data` (any length below 2^29 bytes) into out[outAt, outAt + 32): the key and value hashes. */
export function sha256Into(data: Uint8Array, out: Uint8Array, outAt: number): void {
  H.set(SHA256_INITIAL);
  const whole = data.length & ~63;
  for (let at = 0; at < whole; at += 64) {
    for (let k = 0; k < 16; k++) {
      const i = at + 4 * k;
      W[k] = (data[i]! << 24) | (data[i + 1]! << 16) | (data[i + 2]! << 8) | data[i + 3]!;
    }
    compress();
  }
  // The tail, 0x80, zeros and the bit length: one block, or two when fewer than 9 bytes are left.
  const rest = data.length - whole;
  const blocks = rest + 9 > 64 ? 2 : 1;
  for (let block = 0; block < blocks; block++) {
    W.fill(0, 0, 16);
    for (let j = 0; j < 64; j++) {
      const i = block * 64 + j;
      const byte = i < rest ? data[whole + i]! : i === rest ? 0x80 : 0;
      W[j >> 2] = W[j >> 2]! | (byte << (24 - 8 * (j & 3)));
    }
    if (block === blocks - 1) {
      W[14] = Math.floor(data.length / 2 ** 29);
      W[15] = (data.length * 8) | 0;
    }
    compress();
  }
  digestInto(out, outAt);
}
