/**
 * The per-peer tx budget (src/node/network/tx-budget.ts), on a fake clock: a flooder is throttled
 * (dropped before any work) once its bucket is empty and banned at the failure streak; an honest
 * relay whose txs sometimes lose a race is neither; our own limits and a lagging node never ban.
 */
import { describe, expect, it } from 'vitest';
import { ChainError, ChainErrorCode } from '../../../../src/chain/errors.ts';
import { TxBudget, txOutcome } from '../../../../src/node/network/tx-budget.ts';
import { ErrorCode as TokenErrorCode, TokenError } from '../../../../src/tokenomics/index.ts';

const PEER = 'peer-a';
const OPTIONS = { capacity: 8, refillPerSecond: 2, banAfterFailures: 12, streakWindowMs: 10_000 };

function budget(): { txs: TxBudget; clock: { now: number } } {
  const clock = { now: 1_000_000 };
  return { txs: new TxBudget(OPTIONS, () => clock.now), clock };
}

const balance = new TokenError(TokenErrorCode.InsufficientBalance, 'no tokens');

describe('txOutcome', () => {
  it('a token-rule failure or a duplicate costs the sender, unless this node is behind', () => {
    expect(txOutcome(undefined, false)).toBe('accepted');
    expect(txOutcome(balance, false)).toBe('failed');
    expect(txOutcome(new TokenError(TokenErrorCode.InvalidNonce, 'used'), false)).toBe('failed');
    // A copy of a pending or included tx: honest relays race (it arrives after the block that has it).
    expect(txOutcome(new ChainError(ChainErrorCode.DuplicateTx, 'seen'), false)).toBe('excused');
    expect(txOutcome(balance, true)).toBe('excused');
    expect(txOutcome(new ChainError(ChainErrorCode.DuplicateTx, 'seen'), true)).toBe('excused');
  });

  it('a provably invalid tx counts against the sender even while behind; our own limits and faults never do', () => {
    expect(txOutcome(new ChainError(ChainErrorCode.InvalidSignature, 'forged'), true)).toBe('failed');
    expect(txOutcome(new ChainError(ChainErrorCode.MempoolFull, 'full'), false)).toBe('excused');
    expect(txOutcome(new Error('a bug of ours'), false)).toBe('excused');
  });
});

describe('TxBudget', () => {
  it('throttles a peer whose txs all fail once its bucket is empty, then bans it as it keeps sending', () => {
    const { txs, clock } = budget();
    const seen: string[] = [];
    // 40 txs a second, every one failing: the bucket (8, +2/s) validates 8, then drops the rest unread.
    while (!seen.includes('ban') && seen.length < 1_000) {
      clock.now += 25;
      const admission = txs.admit(PEER);
      seen.push(admission === 'validate' && txs.settle(PEER, 'failed') ? 'ban' : admission);
    }
    expect(seen.indexOf('throttled'), 'throttled first').toBe(OPTIONS.capacity);
    expect(seen.length, 'banned at the streak: 8 failed and 4 dropped').toBe(OPTIONS.banAfterFailures);
    expect(txs.counts(PEER)).toEqual({ validated: 8, accepted: 0, failed: 8, excused: 0, throttled: 4 });
  });

  it('bans a slow flooder that never empties its bucket by the streak alone', () => {
    const { txs, clock } = budget();
    let banned = false;
    for (let i = 0; i < OPTIONS.banAfterFailures; i++) {
      clock.now += 1_000;
      expect(txs.admit(PEER)).toBe('validate');
      banned = txs.settle(PEER, 'failed');
    }
    expect(banned).toBe(true);
    expect(txs.counts(PEER).throttled).toBe(0);
  });

  it('does not count drops against a peer while its txs are still in validation', () => {
    const { txs } = budget();
    expect(txs.admit(PEER)).toBe('validate');
    txs.settle(PEER, 'failed');
    for (let i = 1; i < OPTIONS.capacity; i++) expect(txs.admit(PEER)).toBe('validate');
    // A burst while the rest are checked (a slow moment of ours): dropped, but no streak grows.
    for (let i = 0; i < 10 * OPTIONS.banAfterFailures; i++) expect(txs.admit(PEER)).toBe('throttled');
    for (let i = 1; i < OPTIONS.capacity; i++) expect(txs.settle(PEER, 'accepted')).toBe(false);
    expect(txs.counts(PEER)).toMatchObject({ failed: 1, accepted: OPTIONS.capacity - 1 });
  });

  it('bounds the work of txs in flight (units are taken before validation), and a burst of valid txs bans nobody', () => {
    const { txs } = budget();
    const admissions = Array.from({ length: 100 }, () => txs.admit(PEER));
    expect(admissions.filter((a) => a === 'validate')).toHaveLength(OPTIONS.capacity);
    expect(admissions.filter((a) => a === 'throttled')).toHaveLength(100 - OPTIONS.capacity);
    for (let i = 0; i < OPTIONS.capacity; i++) expect(txs.settle(PEER, 'accepted')).toBe(false);
    expect(txs.admit(PEER)).toBe('validate');
  });

  it('a relay earns room in flight by its ACCEPTed txs (up to earnedCapacity); a peer that never sent a valid tx does not', () => {
    const clock = { now: 1_000_000 };
    const txs = new TxBudget({ ...OPTIONS, earnedCapacity: 20 }, () => clock.now);
    const relay = 'relay';
    // 30 valid txs, one at a time: the relay earns 20 units (the cap), not 30.
    for (let i = 0; i < 30; i++) {
      expect(txs.admit(relay)).toBe('validate');
      txs.settle(relay, 'accepted');
    }
    // A burst while our queue is busy (nothing settles): 8 + 20 in flight before the first drop.
    const burst = Array.from({ length: 40 }, () => txs.admit(relay));
    expect(burst.filter((a) => a === 'validate')).toHaveLength(OPTIONS.capacity + 20);
    // A flooder's burst gets the base bucket only.
    const flood = Array.from({ length: 40 }, () => txs.admit('flooder'));
    expect(flood.filter((a) => a === 'validate')).toHaveLength(OPTIONS.capacity);
  });

  it('never throttles nor bans an honest relay: valid txs give their unit back and reset the streak', () => {
    const { txs, clock } = budget();
    // Sustained: 1,000 txs at 50 a second, far above the refill, two in five lost a race (a nonce
    // used, a balance spent by a tx that reached us first): each valid tx pays for one that failed.
    for (let i = 0; i < 1_000; i++) {
      clock.now += 20;
      expect(txs.admit(PEER)).toBe('validate');
      expect(txs.settle(PEER, i % 5 < 2 ? 'failed' : 'accepted')).toBe(false);
    }
    expect(txs.counts(PEER)).toEqual({ validated: 1_000, accepted: 600, failed: 400, excused: 0, throttled: 0 });
  });

  it('excused refusals (MempoolFull, our lag) still spend the unit, so the work stays bounded, but never ban', () => {
    const { txs } = budget();
    const admissions: string[] = [];
    for (let i = 0; i < 100; i++) {
      const admission = txs.admit(PEER);
      admissions.push(admission);
      if (admission === 'validate') expect(txs.settle(PEER, 'excused')).toBe(false);
    }
    expect(admissions.filter((a) => a === 'validate')).toHaveLength(OPTIONS.capacity);
    expect(admissions).not.toContain('ban');
    expect(txs.counts(PEER)).toEqual({ validated: OPTIONS.capacity, accepted: 0, failed: 0, excused: OPTIONS.capacity, throttled: 100 - OPTIONS.capacity });
  });

  it('an excused tx (say MempoolFull: it may be valid) ends a streak of failures', () => {
    const { txs, clock } = budget();
    for (let round = 0; round < 5; round++) {
      for (let i = 1; i < OPTIONS.banAfterFailures; i++) {
        clock.now += 1_000;
        expect(txs.admit(PEER)).toBe('validate');
        expect(txs.settle(PEER, 'failed')).toBe(false);
      }
      clock.now += 1_000;
      expect(txs.admit(PEER)).toBe('validate');
      expect(txs.settle(PEER, 'excused')).toBe(false);
    }
  });

  it('forgets a streak after a quiet window: rare failures spread out never ban', () => {
    const { txs, clock } = budget();
    for (let i = 0; i < 50; i++) {
      clock.now += OPTIONS.streakWindowMs + 1;
      expect(txs.admit(PEER)).toBe('validate');
      expect(txs.settle(PEER, 'failed')).toBe(false);
    }
  });

  it('keeps one budget per peer', () => {
    const { txs } = budget();
    for (let i = 0; i < OPTIONS.capacity; i++) txs.admit('flooder');
    expect(txs.admit('flooder')).toBe('throttled');
    expect(txs.admit('neighbour')).toBe('validate');
  });
});
