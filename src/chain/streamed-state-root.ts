/**
 * The state root of SPEC 7, byte for byte what codec/state.ts `stateRoot` computes, but hashed one
 * entry at a time. `stateRoot` first builds every [key, value] pair and then one buffer holding the
 * whole encoding: for the genesis' million keys that is hundreds of MB, alive next to the genesis
 * state, and V8 keeps the pages of that peak resident. Here each pair is encoded and hashed and is
 * garbage at once: msgpack encodes an array as its header followed by its items, so hashing the
 * header and then each item's encoding hashes exactly the same bytes.
 */
import { createHash } from 'node:crypto';
import type { WriteSet } from '../tokenomics/index.ts';
import { pack, packArrayHeader } from './codec/msgpack.ts';
import { encodeStateValue, stateKeyBytes } from './codec/state.ts';

const PAIR = packArrayHeader(2);
const NIL = pack(null);
const SLICE = 3 * 1_024;

export function streamedStateRoot(parentRoot: Uint8Array, writes: WriteSet): Uint8Array {
  // State keys are ASCII, so string order is byte order.
  const keys = [...writes.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const hash = createHash('sha256').update(parentRoot).update(packArrayHeader(keys.length));
  // Pieces go to the hash a slice of entries at a time: one native call per piece costs more than
  // hashing it.
  let pieces: Uint8Array[] = [];
  for (const key of keys) {
    const value = writes.get(key) ?? null;
    pieces.push(PAIR, pack(stateKeyBytes(key)), value === null ? NIL : encodeStateValue(key, value));
    if (pieces.length >= SLICE) {
      hash.update(Buffer.concat(pieces));
      pieces = [];
    }
  }
  return hash.update(Buffer.concat(pieces)).digest();
}
