/**
 * SHA-256 (FIPS 180-4) for the node's tree, written into a caller's buffer. The tree hashes ~200,000
 * 65-byte preimages per 10,000-transfer block (§18.2); node:crypto's one-shot costs 0.7–2.7 µs per
 * call here, nearly all of it the call into C++ and the Buffer it returns, against ~0.5–1 µs for
 * these two compressions in JS with nothing allocated. The tests check every digest against
 * node:crypto. (src/light has its own portable SHA-256: the verifier imports nothing from chain/.)
 */

/** The first 32 bits of the fractional parts of the cube roots (K) and square roots (IV) of the first primes (FIPS 180-4 §4.2.2, §5.3.3). */
function primeFractions(count: number, root: (x: number) => number): Int32Array {
  const out = new Int32Array(count);
  for (let candidate = 2, found = 0; found < count; candidate++) {
    let prime = true;
    for (let d = 2; d * d <= candidate; d++) if (candidate % d === 0) prime = false;
    if (!prime) continue;
    const r = root(candidate);
    out[found++] = Math.floor((r - Math.floor(r)) * 2 ** 32) | 0;
  }
  return out;
}

const K = primeFractions(64, Math.cbrt);
const IV = primeFractions(8, Math.sqrt);
const W = new Int32Array(64);
const H = new Int32Array(8);

/** One compression of the block in W[0..16) into H. */
function compress(): void {
  for (let i = 16; i < 64; i++) {
    const w15 = W[i - 15]!;
    const w2 = W[i - 2]!;
    const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
    const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
    W[i] = (W[i - 16]! + s0 + W[i - 7]! + s1) | 0;
  }
  let a = H[0]!, b = H[1]!, c = H[2]!, d = H[3]!, e = H[4]!, f = H[5]!, g = H[6]!, h = H[7]!;
  for (let i = 0; i < 64; i++) {
    const t1 = (h + (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) + ((e & f) ^ (~e & g)) + K[i]! + W[i]!) | 0;
    const t2 = ((((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  H[0] = (H[0]! + a) | 0;
  H[1] = (H[1]! + b) | 0;
  H[2] = (H[2]! + c) | 0;
  H[3] = (H[3]! + d) | 0;
  H[4] = (H[4]! + e) | 0;
  H[5] = (H[5]! + f) | 0;
  H[6] = (H[6]! + g) | 0;
  H[7] = (H[7]! + h) | 0;
}

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
 * SHA-256(prefix ‖ a[aAt, aAt + 32) ‖ b[bAt, bAt + 32)) into out[outAt, outAt + 32): a leaf or
 * internal node hash (§18.2). Word k of the 65-byte preimage is bytes 4k-1 .. 4k+2 of a ‖ b (byte -1
 * being the prefix), so it is read straight from the two halves; the second block is the last byte,
 * the padding and the length (520 bits). `out` may be one of the inputs.
 */
export function sha256Of65(prefix: number, a: Uint8Array, aAt: number, b: Uint8Array, bAt: number, out: Uint8Array, outAt: number): void {
  H.set(IV);
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

/** SHA-256 of `data` (any length below 2^29 bytes) into out[outAt, outAt + 32): the key and value hashes. */
export function sha256Into(data: Uint8Array, out: Uint8Array, outAt: number): void {
  H.set(IV);
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
