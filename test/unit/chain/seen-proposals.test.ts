/**
 * Seen proposals: the first block per (slot, proposer) is remembered; a different one for the same
 * pair is an Equivocation (IGNORE, both headers kept as evidence), refused by `check` before any
 * execution; a block that validated is remembered only once, and a produced block that never left
 * this node can be forgotten.
 */
import { describe, expect, it } from 'vitest';
import { BlockError, BlockErrorCode } from '../../../src/chain/block-error.ts';
import { produceBlock } from '../../../src/chain/block-production.ts';
import { toHex } from '../../../src/chain/crypto.ts';
import { SeenProposals } from '../../../src/chain/seen-proposals.ts';
import { createLogger } from '../../../src/node/logger.ts';
import { type ChainParams, META_PARAMS } from '../../../src/tokenomics/index.ts';
import { DEV, USER, VALIDATORS, signed, testGenesis } from './chain-fixture.ts';

const { genesis, parent } = await testGenesis(1);
const params = genesis.state.get(META_PARAMS) as ChainParams;
const proposer = { publicKey: VALIDATORS[0]!.hex, secretKey: VALIDATORS[0]!.secretKey };
const empty = (await produceBlock(parent, params, 1n, proposer, [])).block;
const other = (await produceBlock(parent, params, 1n, proposer, [signed(DEV, 0n, { type: 'transfer', to: USER.wallet, amount: 5n })])).block;
const nextSlot = (await produceBlock(parent, params, 2n, proposer, [])).block;

function seen(): SeenProposals {
  return new SeenProposals({ maxSeen: 8, maxEvidence: 8 }, createLogger('silent', false));
}

describe('SeenProposals', () => {
  it('passes the first block of a (slot, proposer) and the same block again', () => {
    const cache = seen();
    cache.check(empty);
    cache.remember(empty);
    expect(() => cache.check(empty)).not.toThrow();
    expect(() => cache.check(nextSlot)).not.toThrow();
    expect(cache.list()).toEqual([]);
  });

  it('refuses a second, different block for one slot as Equivocation and keeps both headers', () => {
    const cache = seen();
    cache.remember(empty);
    const err = (() => {
      try {
        cache.check(other);
      } catch (e) {
        return e;
      }
      return undefined;
    })() as BlockError;
    expect(err).toBeInstanceOf(BlockError);
    expect(err.type).toEqual({ code: BlockErrorCode.Equivocation, slot: 1n, proposer: proposer.publicKey, firstHash: toHex(empty.hash) });
    expect(err.verdict).toBe('ignore');
    const [evidence] = cache.list();
    expect(toHex(evidence!.first.hash)).toBe(toHex(empty.hash));
    expect(toHex(evidence!.second.hash)).toBe(toHex(other.hash));
  });

  it('checks without remembering: a block that fails validation does not shut out the valid one', () => {
    const cache = seen();
    cache.check(other);
    expect(() => cache.check(empty)).not.toThrow();
  });

  it('forgets a block that never left this node, only that block', () => {
    const cache = seen();
    cache.remember(empty);
    cache.forget(other);
    expect(() => cache.check(other)).toThrow(BlockError);
    cache.forget(empty);
    expect(() => cache.check(other)).not.toThrow();
  });

  it('is bounded: the oldest (slot, proposer) is forgotten first', () => {
    const cache = new SeenProposals({ maxSeen: 1, maxEvidence: 1 }, createLogger('silent', false));
    cache.remember(empty);
    cache.remember(nextSlot);
    expect(() => cache.check(other)).not.toThrow();
  });
});
