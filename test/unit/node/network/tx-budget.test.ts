/**
 * The per-peer tx budget (src/node/network/tx-budget.ts), on a fake clock: a flooder is throttled
 * (dropped before any work) once its bucket is empty and banned at the failure streak; an honest
 * relay whose txs sometimes lose a race is neither; our own limits and a lagging node are free.
 */
import { describe, expect, it } from 'vitest';
import { ChainError, ChainErrorCode } from '../../../../src/chain/errors.ts';
import { DEFAULT_TX_BUDGET, TxBudget, txOutcome } from '../../../../src/node/network/tx-budget.ts';
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
    expect(txOutcome(new ChainError(ChainErrorCode.DuplicateTx, 'seen'), false)).toBe('failed');
    expect(txOutcome(balance, true)).toBe('free');
    expect(txOutcome(new ChainError(ChainErrorCode.DuplicateTx, 'seen'), true)).toBe('free');
  });

  it('a provably invalid tx costs the sender even while behind; our own limits and faults never do', () => {
    expect(txOutcome(new ChainError(ChainErrorCode.InvalidSignature, 'forged'), true)).toBe('failed');
    expect(txOutcome(new ChainError(ChainErrorCode.MempoolFull, 'full'), false)).toBe('free');
    expect(txOutcome(new Error('a bug of ours'), false)).toBe('free');
  });
});

describe('TxBudget', () => {
  it('throttles a peer whose txs all fail once its bucket is empty, then bans it at the streak', () => {
    const { txs, clock } = budget();
    let banned = false;
    let sent = 0;
    // 40 txs a second for 3 s, every one failing: the bucket (8, +2/s) lets through 8 + 2/s.
    while (!banned && sent < 1_000) {
      sent++;
      clock.now += 25;
      if (txs.admit(PEER)) banned = txs.settle(PEER, 'failed');
    }
    const counts = txs.counts(PEER);
    expect(banned).toBe(true);
    expect(counts.failed).toBe(OPTIONS.banAfterFailures);
    expect(counts.validated).toBe(OPTIONS.banAfterFailures);
    expect(counts.throttled).toBe(sent - counts.validated);
    // Throttled before banned: 12 validations took 8 + 4 refilled units, 2 s at 40 txs a second.
    expect(counts.throttled).toBeGreaterThan(60);
  });

  it('bounds the work of txs in flight: units are taken before validation, not after', () => {
    const { txs } = budget();
    const admitted = Array.from({ length: 100 }, () => txs.admit(PEER)).filter(Boolean).length;
    expect(admitted).toBe(OPTIONS.capacity);
    expect(txs.counts(PEER).throttled).toBe(100 - OPTIONS.capacity);
  });

  it('never throttles nor bans an honest relay: valid txs give their unit back and reset the streak', () => {
    const { txs, clock } = budget();
    // Sustained: 1,000 txs at 50 a second, far above the refill, two in five lost a race (a nonce
    // used, a balance spent by a tx that reached us first): each valid tx pays for one that failed.
    for (let i = 0; i < 1_000; i++) {
      clock.now += 20;
      expect(txs.admit(PEER)).toBe(true);
      expect(txs.settle(PEER, i % 5 < 2 ? 'failed' : 'accepted')).toBe(false);
    }
    expect(txs.counts(PEER)).toEqual({ validated: 1_000, accepted: 600, failed: 400, throttled: 0 });
  });

  it('our own limits cost nothing: MempoolFull answers give the unit back and do not count', () => {
    const { txs } = budget();
    for (let i = 0; i < 100; i++) {
      expect(txs.admit(PEER)).toBe(true);
      expect(txs.settle(PEER, 'free')).toBe(false);
    }
    expect(txs.counts(PEER)).toMatchObject({ validated: 100, failed: 0, throttled: 0 });
  });

  it('forgets a streak after a quiet window: rare failures spread out never ban', () => {
    const { txs, clock } = budget();
    for (let i = 0; i < 50; i++) {
      clock.now += OPTIONS.streakWindowMs + 1;
      expect(txs.admit(PEER)).toBe(true);
      expect(txs.settle(PEER, 'failed')).toBe(false);
    }
  });

  it('keeps one budget per peer', () => {
    const { txs } = budget();
    for (let i = 0; i < OPTIONS.capacity; i++) txs.admit('flooder');
    expect(txs.admit('flooder')).toBe(false);
    expect(txs.admit('neighbour')).toBe(true);
  });

  it('the defaults throttle a flooder before banning it', () => {
    expect(DEFAULT_TX_BUDGET.banAfterFailures).toBeGreaterThan(DEFAULT_TX_BUDGET.capacity);
  });
});
