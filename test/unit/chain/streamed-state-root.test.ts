/**
 * streamedStateRoot hashes exactly the bytes codec/state.ts `stateRoot` hashes: for a genesis (more
 * keys than one hashing slice), for a block's writes with deletions on another parent, and for none.
 */
import { describe, expect, it } from 'vitest';
import { GENESIS_PARENT_ROOT, stateRoot } from '../../../src/chain/codec/state.ts';
import { streamedStateRoot } from '../../../src/chain/streamed-state-root.ts';
import { type WriteSet, buildGenesisState } from '../../../src/tokenomics/index.ts';
import { testGenesisConfig } from './chain-fixture.ts';

const config = testGenesisConfig(3);
const wallets = Array.from({ length: 5_000 }, (_, i) => ({ account: `00000000-0000-5000-8000-${i.toString(16).padStart(12, '0')}`, amount: 1n }));
const [first, ...rest] = config.distribution;
const big = buildGenesisState({ ...config, distribution: [{ ...first!, amount: first!.amount - 5_000n }, ...rest, ...wallets] });

describe('streamedStateRoot', () => {
  it('equals stateRoot for a genesis of more than one slice of keys', () => {
    expect(big.writes.size).toBeGreaterThan(5_000);
    expect(streamedStateRoot(GENESIS_PARENT_ROOT, big.writes)).toEqual(stateRoot(GENESIS_PARENT_ROOT, big.writes));
  });

  it('equals stateRoot for writes with deletions, in any insertion order, on another parent', () => {
    const parent = new Uint8Array(32).fill(9);
    const writes: WriteSet = new Map([...buildGenesisState(config).writes].reverse());
    writes.set(`account:${wallets[0]!.account}`, null);
    writes.set('deadline:00000000000000000042', null);
    expect(streamedStateRoot(parent, writes)).toEqual(stateRoot(parent, writes));
  });

  it('equals stateRoot for no writes', () => {
    expect(streamedStateRoot(GENESIS_PARENT_ROOT, new Map())).toEqual(stateRoot(GENESIS_PARENT_ROOT, new Map()));
  });
});
