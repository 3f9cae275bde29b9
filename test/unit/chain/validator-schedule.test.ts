/**
 * The chain follows the validator set in force (docs/protocol.md §17.7): a `set-validators` by the
 * authority adds a fourth validator at its activation height; from that block on the proposer of
 * slot s is set[s mod 4], finality counts the head's set, and a reorg to a branch without the
 * change checks that branch's blocks against its own (unchanged) set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlockErrorCode } from '../../../src/chain/block-error.ts';
import { produceBlock } from '../../../src/chain/block-production.ts';
import type { Chain } from '../../../src/chain/chain.ts';
import type { Block } from '../../../src/chain/codec/block.ts';
import { ChainErrorCode } from '../../../src/chain/errors.ts';
import { toHex } from '../../../src/chain/crypto.ts';
import { finalizedHeight } from '../../../src/chain/fork-choice.ts';
import { proposerFor } from '../../../src/chain/poa.ts';
import type { Validator } from '../../../src/tokenomics/index.ts';
import { AUTHORITY_KEY, DEV, type NamedKey, VALIDATORS, namedKey, signed } from './chain-fixture.ts';
import { tempChains } from './temp-chains.ts';

const FAR = 1_000_000n;
const temp = tempChains('validator-schedule');
const FOURTH = namedKey(4);
const KEYS = [...VALIDATORS, FOURTH];
const asValidator = (k: NamedKey): Validator => ({ publicKey: k.hex, rewardWallet: DEV.wallet });
const OLD_SET = VALIDATORS.map(asValidator);
const NEW_SET = KEYS.map(asValidator);
/** Included in block 1 of a 3-validator chain: the earliest activation is 1 + 2 × 3 + 1. */
const ACTIVATION = 8n;
const addFourth = signed(AUTHORITY_KEY, 0n, { type: 'set-validators', validators: NEW_SET, activationHeight: ACTIVATION });

/**
 * Produces the next block on `chain` in the first slot after its head (and not before `fromSlot`)
 * whose proposer for the next height (the set in force there) is one of `by`, signed by that validator.
 */
async function produceBy(chain: Chain, by: readonly NamedKey[] = KEYS, fromSlot = 0n): Promise<Block> {
  const validators = chain.validatorsFor(chain.head.header.height + 1n);
  const first = chain.head.header.slot + 1n;
  for (let slot = first > fromSlot ? first : fromSlot; ; slot++) {
    const key = by.find((k) => k.hex === proposerFor(slot, validators).publicKey);
    if (key !== undefined) return chain.produce(slot, { publicKey: key.hex, secretKey: key.secretKey });
  }
}

afterAll(() => temp.closeAll());

describe('finality counts the proposers of the set in force at the head (docs/protocol.md §14.2)', () => {
  const header = (height: bigint, k: NamedKey) => ({ height, proposer: k.hex });
  const [v1, v2, v3] = VALIDATORS as [NamedKey, NamedKey, NamedKey];

  it('counts a validator that joined from its first block', () => {
    const recent = [header(1n, v1), header(2n, v2), header(3n, v3), header(4n, v1), header(5n, v2), header(6n, FOURTH)];
    // {v1, v2, v4}: the blocks above 3 come from all three of them.
    expect(finalizedHeight(recent, [v1, v2, FOURTH].map(asValidator), 0n)).toBe(3n);
  });

  it('no longer counts a validator that left the set', () => {
    const recent = [header(1n, v1), header(2n, v1), header(3n, v2), header(4n, v3), header(5n, v3)];
    // With v3 in the set, blocks 2 to 5 make block 1 final; with v3 out of {v1, v2, v4}, only two of three count.
    expect(finalizedHeight(recent, OLD_SET, 0n)).toBe(1n);
    expect(finalizedHeight(recent, [v1, v2, FOURTH].map(asValidator), 0n)).toBe(0n);
  });

  it('never moves finality back', () => {
    expect(finalizedHeight([header(9n, v1)], OLD_SET, 5n)).toBe(5n);
  });
});

describe('a validator set change through an activation height (docs/protocol.md §17.7)', () => {
  /** Branch X: the change in block 1; only v1 and v2 produce, so no block of X becomes final before v4 joins. */
  let x: Chain;
  const xBlocks: Block[] = [];

  beforeAll(async () => {
    x = await temp.open(3);
    await x.submitTx(addFourth.bytes);
    for (let h = 1n; h < ACTIVATION; h++) xBlocks.push(await produceBy(x, VALIDATORS.slice(0, 2)));
    expect(xBlocks[0]!.txs.map((t) => toHex(t.hash))).toEqual([toHex(addFourth.hash)]);
  });

  it('keeps the old set until the block before the activation, and shows the pending one', () => {
    expect(x.head.header.height).toBe(ACTIVATION - 1n);
    expect(x.validators()).toEqual(OLD_SET);
    expect(x.validatorsFor(ACTIVATION - 1n)).toEqual(OLD_SET);
    expect(x.validatorsFor(ACTIVATION)).toEqual(NEW_SET);
    expect(x.validatorSchedule()).toEqual({ inForce: OLD_SET, pending: { validators: NEW_SET, activationHeight: ACTIVATION } });
    expect(x.finalizedHeight).toBe(0n);
  });

  it('refuses, at the activation height, a block by the old schedule\'s proposer of its slot', async () => {
    // The first slot after the head where the old set (slot mod 3) and the new one (slot mod 4) disagree.
    let slot = x.head.header.slot + 1n;
    while (proposerFor(slot, OLD_SET).publicKey === proposerFor(slot, NEW_SET).publicKey) slot++;
    const oldProposer = VALIDATORS.find((k) => k.hex === proposerFor(slot, OLD_SET).publicKey)!;
    const stale = (await produceBlock(x.headParent(), x.params, slot, { publicKey: oldProposer.hex, secretKey: oldProposer.secretKey }, [])).block;
    await expect(x.importBlock(stale, FAR)).rejects.toMatchObject({ code: BlockErrorCode.WrongProposer, type: { expected: proposerFor(slot, NEW_SET).publicKey } });
    // The chain never builds such a block either.
    await expect(x.produce(slot, { publicKey: oldProposer.hex, secretKey: oldProposer.secretKey })).rejects.toMatchObject({ code: ChainErrorCode.WrongProposer });
  });

  it('lets the new validator propose from the activation height, and counts it for finality', async () => {
    const joined = await produceBy(x, [FOURTH]);
    xBlocks.push(joined);
    expect(joined.header.height).toBe(ACTIVATION);
    expect(joined.header.proposer).toBe(FOURTH.hex);
    expect(x.validators()).toEqual(NEW_SET);
    expect(x.validatorSchedule().pending).toBeNull();
    // Above block 5: v1, v2 (blocks 6, 7) and v4 (block 8): three of four, more than 2/3.
    expect(x.finalizedHeight).toBe(ACTIVATION - 3n);
    // A fresh node importing the branch in order accepts the same blocks.
    const follower = await temp.open(3);
    for (const block of xBlocks) await follower.importBlock(block, FAR);
    expect(toHex(follower.head.hash)).toBe(toHex(x.head.hash));
    expect(follower.validators()).toEqual(NEW_SET);
  });

  it('reorgs across the activation height to a branch without the change, checking that branch against its own set', async () => {
    // Branch X': X up to block 7, then blocks 8 and 9 by v1 and v2 under the new set (slot mod 4),
    // so that nothing is final yet on a node that follows it.
    const node = await temp.open(3);
    for (const block of xBlocks.slice(0, Number(ACTIVATION) - 1)) await node.importBlock(block, FAR);
    for (let i = 0; i < 2; i++) await produceBy(node, VALIDATORS.slice(0, 2));
    expect(node.validators()).toEqual(NEW_SET);
    expect(node.finalizedHeight).toBe(0n);
    // Branch Y forks at genesis, never schedules the change, and outgrows X': past height 8 its
    // proposers still follow slot mod 3, some of which X's state would refuse. Its slots come
    // after X's (one validator signing two blocks for one slot would equivocate).
    const y = await temp.open(3);
    const yBlocks: Block[] = [];
    for (let h = 1n; h <= ACTIVATION + 2n; h++) yBlocks.push(await produceBy(y, VALIDATORS.slice(0, 2), 100n));
    const offSchedule = yBlocks.filter((b) => b.header.height >= ACTIVATION && proposerFor(b.header.slot, NEW_SET).publicKey !== b.header.proposer);
    expect(offSchedule.length).toBeGreaterThan(0);

    const outcomes = [];
    for (const block of yBlocks) outcomes.push((await node.importBlock(block, FAR)).outcome);
    expect(outcomes).toContain('reorged');
    expect(toHex(node.head.hash)).toBe(toHex(y.head.hash));
    expect(toHex(node.head.header.stateRoot)).toBe(toHex(y.head.header.stateRoot));
    expect(node.validatorSchedule()).toEqual({ inForce: OLD_SET, pending: null });
    expect(node.validatorsFor(node.head.header.height + 1n)).toEqual(OLD_SET);
    // And the next block of Y, by the old schedule, extends it.
    expect((await node.importBlock(await produceBy(y), FAR)).outcome).toBe('extended');
  });
});
