/**
 * stateRoot hashes its entries a slice at a time; the bytes must be exactly docs/protocol.md §7's one encoding,
 * SHA-256(parent_root || pack([[key bytes, value | nil]...])), built here in one piece from each
 * value's own encoding: for a genesis of more keys than one slice, for a block's writes with
 * deletions on another parent, and for none.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { pack, unpack } from '../../../../src/chain/codec/msgpack.ts';
import { GENESIS_PARENT_ROOT, encodeStateValue, stateKeyBytes, stateRoot } from '../../../../src/chain/codec/state.ts';
import { type WriteSet, buildGenesisState } from '../../../../src/tokenomics/index.ts';
import { testGenesisConfig } from '../chain-fixture.ts';

function rootInOnePiece(parent: Uint8Array, writes: WriteSet): Uint8Array {
  const keys = [...writes.keys()].sort((a, b) => Buffer.compare(stateKeyBytes(a), stateKeyBytes(b)));
  const entries = keys.map((key) => {
    const value = writes.get(key) ?? null;
    return [stateKeyBytes(key), value === null ? null : unpack(encodeStateValue(key, value), key)];
  });
  return createHash('sha256').update(parent).update(pack(entries)).digest();
}

const config = testGenesisConfig(3);
const wallets = Array.from({ length: 5_000 }, (_, i) => ({ account: `00000000-0000-5000-8000-${i.toString(16).padStart(12, '0')}`, amount: 1n }));
const [first, ...rest] = config.distribution;
const big = buildGenesisState({ ...config, distribution: [{ ...first!, amount: first!.amount - 5_000n }, ...rest, ...wallets] });

describe('stateRoot, hashed in slices', () => {
  it('is the one-piece encoding\'s hash for a genesis of more than one slice of keys', () => {
    expect(big.writes.size).toBeGreaterThan(5_000);
    expect(stateRoot(GENESIS_PARENT_ROOT, big.writes)).toEqual(rootInOnePiece(GENESIS_PARENT_ROOT, big.writes));
  });

  it('is the one-piece encoding\'s hash for writes with deletions, in any insertion order, on another parent', () => {
    const parent = new Uint8Array(32).fill(9);
    const writes: WriteSet = new Map([...buildGenesisState(config).writes].reverse());
    writes.set(`account:${wallets[0]!.account}`, null);
    writes.set('deadline:00000000000000000042', null);
    expect(stateRoot(parent, writes)).toEqual(rootInOnePiece(parent, writes));
  });

  it('is the one-piece encoding\'s hash for no writes', () => {
    expect(stateRoot(GENESIS_PARENT_ROOT, new Map())).toEqual(rootInOnePiece(GENESIS_PARENT_ROOT, new Map()));
  });
});
