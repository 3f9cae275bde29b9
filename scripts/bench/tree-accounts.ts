/** The state tree benchmark's accounts (tree-suite.ts and its LevelDB child): keys of the account key's length, ~12-byte values. */
export const accountKey = (i: number): Uint8Array => Buffer.from(`account:${String(i).padStart(12, '0')}-0000-5000-8000-000000000000`, 'ascii');

/** An account record's size: pack([balance, 0, [], 0, nonce]) is ~12 bytes. */
export const accountValue = (i: number, round: number): Uint8Array => {
  const out = new Uint8Array(12);
  new DataView(out.buffer).setUint32(1, i);
  new DataView(out.buffer).setUint32(6, round);
  out[0] = 0x95;
  return out;
};

/** A block's writes: `changed` distinct accounts spread over the `n` accounts, each with a new value. */
export function blockWrites(n: number, changed: number, round: number): (readonly [Uint8Array, Uint8Array])[] {
  const step = Math.max(1, Math.floor(n / changed));
  return Array.from({ length: changed }, (_, j) => [accountKey((j * step + round) % n), accountValue(j, round)] as const);
}

/** Proof probes: half present accounts, half absent keys. */
export const proofProbes = (n: number, count: number): Uint8Array[] =>
  Array.from({ length: count }, (_, j) => (j % 2 === 0 ? accountKey((j * 7919) % n) : Buffer.from(`account:absent-${j}`, 'ascii')));
