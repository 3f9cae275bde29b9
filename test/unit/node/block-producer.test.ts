/**
 * The producer times blocks from the slot clock and stops for good when an invariant breaks.
 * A stub chain stands in for the real one, so the test controls what production does.
 */
import { describe, expect, it } from 'vitest';
import type { Chain } from '../../../src/chain/chain.ts';
import { BlockProducer } from '../../../src/node/block-producer.ts';
import { createLogger } from '../../../src/node/logger.ts';
import type { NodeKey } from '../../../src/node/key-files.ts';
import { ChainError, ChainErrorCode } from '../../../src/chain/errors.ts';
import { ErrorCode, TokenError } from '../../../src/tokenomics/index.ts';

const key = { publicKeyHex: 'aa'.repeat(32), secretKey: new Uint8Array(32) } as unknown as NodeKey;
const other = 'bb'.repeat(32);
const VALIDATORS = [{ publicKey: key.publicKeyHex, rewardWallet: '' }, { publicKey: other, rewardWallet: '' }];

function stubChain(produce: (slot: bigint) => Promise<unknown>, headSlot = 0n): Chain {
  return {
    head: { header: { slot: headSlot, height: headSlot } },
    validatorsFor: () => VALIDATORS,
    produce: (slot: bigint) => produce(slot),
  } as unknown as Chain;
}

const clock = (slot: bigint) => ({ nowMs: () => 0n, currentSlot: () => slot, msUntilSlot: () => 0 });

describe('block producer', () => {
  it('picks the next slot after the head, not before now, that belongs to its key', () => {
    const producer = new BlockProducer(stubChain(async () => undefined, 3n), clock(2n), key, createLogger('silent', false));
    expect(producer.nextOwnSlot()).toBe(4n); // slots alternate: even slots are ours
    const late = new BlockProducer(stubChain(async () => undefined, 3n), clock(9n), key, createLogger('silent', false));
    expect(late.nextOwnSlot()).toBe(10n);
  });

  it.each([
    ['an invariant breaks', 'invariant', new TokenError(ErrorCode.InvariantViolation, 'Invariant "total_supply == sum of holdings" is broken: test')],
    ["the next block's system steps fail", 'steps', new ChainError(ChainErrorCode.BlockStepsFailed, 'The system steps of block 1 fail on this node\'s state, so no block can be built: RangeError: x')],
  ])('halts production for good, with the reason, when %s', async (_what, kind, error) => {
    let calls = 0;
    const chain = stubChain(async () => {
      calls++;
      throw error;
    });
    const producer = new BlockProducer(chain, clock(0n), key, createLogger('silent', false));
    producer.start();
    await new Promise((r) => setTimeout(r, 100));
    expect(calls).toBe(1);
    expect(producer.haltReason).toBe(error.message);
    expect(producer.halt).toMatchObject({ kind, permanent: true, sinceSlot: 2n, failedProductions: 1 });
    producer.stop();
  });

  it('keeps producing after an ordinary failure, pausing between attempts (no busy loop)', async () => {
    const attempts: number[] = [];
    const chain = stubChain(async () => {
      attempts.push(performance.now());
      throw new Error('disk hiccup');
    });
    const producer = new BlockProducer(chain, clock(0n), key, createLogger('silent', false));
    producer.start();
    while (attempts.length < 2) await new Promise((r) => setTimeout(r, 20));
    producer.stop();
    expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(240);
    expect(producer.haltReason).toBeNull();
  });

  it('follows while its key is out of the set in force, skips a slot the set gave away meanwhile, and produces once it joins', async () => {
    let set: typeof VALIDATORS = VALIDATORS;
    const slots: bigint[] = [];
    const chain = {
      head: { header: { slot: 0n, height: 0n } },
      validatorsFor: () => set,
      produce: async (slot: bigint) => void slots.push(slot),
    } as unknown as Chain;
    const producer = new BlockProducer(chain, clock(0n), key, createLogger('silent', false));
    producer.start();
    // Slot 2 was chosen; before its timer fires the set in force for the next block drops our key.
    set = [VALIDATORS[1]!];
    await new Promise((r) => setTimeout(r, 50));
    expect(slots).toEqual([]);
    expect(producer.nextOwnSlot()).toBeNull();
    expect(producer.inValidatorSet).toBe(false);
    expect(producer.halt).toBeNull();
    await expect(producer.produceNow()).rejects.toMatchObject({ code: ChainErrorCode.WrongProposer });
    // Our key joins: production resumes without a restart, in our slots of the new set.
    set = VALIDATORS;
    while (slots.length === 0) await new Promise((r) => setTimeout(r, 5));
    producer.stop();
    expect(slots[0]).toBe(2n);
    expect(producer.inValidatorSet).toBe(true);
  });
});
