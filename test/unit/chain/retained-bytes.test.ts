/**
 * What the chain keeps for long holds its own bytes, not views into bigger buffers: headers kept by
 * RecentHeaders and SeenProposals (thousands) must not pin their block's bytes nor the 1 MiB slab
 * chunk a state tree update was built in. A produced header's state root was such a slab view: a
 * producing validator held about 1 MiB per remembered block (~10 GB while producing 20,000 blocks,
 * found by the statesync bench's source chain).
 */
import { describe, expect, it } from 'vitest';
import { decodeBlock } from '../../../src/chain/codec/block.ts';
import { EMPTY_ROOT, MemoryNodeStore, applyWrites } from '../../../src/chain/state-tree/index.ts';
import { USER, signed, testGenesis, testGenesisConfig } from './chain-fixture.ts';
import { produceBlock } from '../../../src/chain/block-production.ts';
import { VALIDATORS } from './chain-fixture.ts';

const ownsBuffer = (bytes: Uint8Array): boolean => bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.byteLength;

describe('bytes kept for long are owned', () => {
  it('a state tree update\'s root owns its hash', async () => {
    const writes = Array.from({ length: 50 }, (_, i) => [Buffer.from(`account:${i}`), Buffer.from(`v${i}`)] as const);
    const update = await applyWrites(new MemoryNodeStore(), EMPTY_ROOT, 1n, writes);
    expect(ownsBuffer(update.root.hash)).toBe(true);
    expect(update.root.ref?.hash).toBe(update.root.hash);
  });

  it('a produced block\'s state root owns its bytes, and so do a decoded header\'s fields', async () => {
    const { parent } = await testGenesis(1);
    const v = VALIDATORS[0]!;
    const produced = await produceBlock(parent, testGenesisConfig(1).params, 1n, { publicKey: v.hex, secretKey: v.secretKey }, [signed(USER, 0n, { type: 'burn', amount: 1n, reason: 'voluntary', account: null })]);
    expect(ownsBuffer(produced.block.header.stateRoot)).toBe(true);
    // Decoded headers copy their byte fields (schema.ts bin()): none is a view into the block.
    const decoded = decodeBlock(produced.block.bytes);
    for (const field of [decoded.header.parentHash, decoded.header.txRoot, decoded.header.stateRoot, decoded.hash]) expect(ownsBuffer(field)).toBe(true);
  });
});
