/**
 * Every proposal kind executed by a passing vote in step 3 (docs/protocol.md §17.2), the
 * authority's set-validators, and the authority retired with governance still able to act.
 */
import { describe, expect, it } from 'vitest';
import {
  ErrorCode,
  type MemoryState,
  type ProposalContent,
  type Validator,
  validatorSetDelay,
  validatorsAt,
} from '../../../src/tokenomics/index.ts';
import type { TestChain } from './chain-harness.ts';
import { AUTHORITY, TREASURY, eventsOf, keyOf, txErrorCode, walletOf } from './chain-harness.ts';
import { govChain, proposalOf, propose, stake, untilTallied, voteOp } from './governance-fixture.ts';

/** A chain where `v` holds all the stake, so its yes passes anything. */
function chain(options: Parameters<typeof govChain>[0] = {}): TestChain {
  const c = govChain({ balances: { p: 100_000n, v: 100_000n, alice: 10_000n }, treasury: 1_000_000n, ...options });
  c.run('v', stake(10_000n));
  return c;
}

function pass(c: TestChain, content: ProposalContent): string {
  const id = propose(c, 'p', content);
  c.run('v', voteOp(id, 'yes'));
  return untilTallied(c, id).status;
}

describe('each kind, passed and executed in step 3', () => {
  it('param-change burn_rate_bps 100 → 200: the next 1,000-token transfer burns 20', () => {
    const c = chain();
    expect(c.run('alice', { type: 'transfer', to: walletOf('bob'), amount: 1_000n }).events.find((e) => e.kind === 'burn')).toMatchObject({ amount: 10n });
    expect(pass(c, { kind: 'param-change', payload: { name: 'burn_rate_bps', value: 200n } })).toBe('passed');
    const burns = eventsOf(c.run('alice', { type: 'transfer', to: walletOf('bob'), amount: 1_000n }).events, 'burn');
    expect(burns.map((e) => [e.reason, e.amount])).toEqual([['transaction-fee', 20n]]);
  });

  it('param-change of inflation_rate_bps applies from the next inflation year: the running year issues exactly its provision', () => {
    const c = chain({ inflationRateBps: 1_000n, blocksPerYear: 20n });
    const provision = c.supply().annualProvision;
    expect(pass(c, { kind: 'param-change', payload: { name: 'inflation_rate_bps', value: 2_000n } })).toBe('passed');
    expect(c.supply().annualProvision).toBe(provision);
    while (c.height < 20n) c.block();
    // The year's provision was fixed at its start; the new year's uses the new rate on the supply at its start.
    expect(c.supply().annualProvision).toBe((c.totalSupply() * 2_000n) / 10_000n);
  });

  it('treasury-spend pays under the fee rule; one the treasury cannot cover fails and returns the deposits', () => {
    const c = chain();
    const treasury = c.balance(TREASURY);
    expect(pass(c, { kind: 'treasury-spend', payload: { fromAccount: TREASURY, to: walletOf('bob'), amount: 5_000n } })).toBe('passed');
    expect(c.balance(TREASURY)).toBe(treasury - 5_000n);
    expect(c.balance('bob')).toBe(5_000n - 50n);
    const p = c.balance('p');
    expect(pass(c, { kind: 'treasury-spend', payload: { fromAccount: TREASURY, to: walletOf('bob'), amount: treasury } })).toBe('failed');
    expect(c.balance('p')).toBe(p - 1n); // its deposit back; only the submission's min fee is gone
  });

  it('deflation-burn burns from a system account with reason deflation', () => {
    const c = chain();
    const supply = c.totalSupply();
    const id = propose(c, 'p', { kind: 'deflation-burn', payload: { fromAccount: TREASURY, amount: 777n } });
    c.run('v', voteOp(id, 'yes'));
    const end = proposalOf(c, id).votingEnd!;
    while (c.height < end - 1n) c.block();
    const burns = eventsOf(c.block().events, 'burn');
    expect(burns.map((e) => [e.reason, e.burner, e.amount])).toEqual([['deflation', TREASURY, 777n]]);
    expect(proposalOf(c, id).status).toBe('passed');
    expect(c.totalSupply()).toBe(supply - 777n - 2n); // and the two min fees of the submission and the vote
  });

  it('create-schedule opens a stakers schedule and cancel-schedule closes it', () => {
    const c = chain({ reserve: 1_000_000n });
    const content: ProposalContent = {
      kind: 'create-schedule',
      payload: { recipientType: 'stakers', amountPerInterval: 100n, intervalBlocks: 1n, startBlock: null, durationBlocks: null, poolId: null },
    };
    expect(pass(c, content)).toBe('passed');
    const scheduleId = (c.state.get('meta:schedules') as string[])[0]!;
    expect(c.schedule(scheduleId)).toMatchObject({ recipientType: 'stakers', cancelled: false });
    c.advance(3);
    expect(c.schedule(scheduleId).paidTotal).toBe(300n);
    expect(pass(c, { kind: 'cancel-schedule', payload: { scheduleId } })).toBe('passed');
    expect(c.schedule(scheduleId).cancelled).toBe(true);
  });

  it('set-validators stores the set and switches it at the activation height (or execution + finality depth if later)', () => {
    const c = chain();
    const next: Validator[] = [
      { publicKey: keyOf('validator'), rewardWallet: walletOf('validator-rewards') },
      { publicKey: keyOf('v4'), rewardWallet: walletOf('v4-rewards') },
    ];
    const id = propose(c, 'p', { kind: 'set-validators', payload: { validators: next, activationHeight: 0n } });
    c.run('v', voteOp(id, 'yes'));
    const end = untilTallied(c, id).votingEnd!;
    const activation = end + validatorSetDelay(1);
    expect(c.state.get('meta:pending-validators')).toEqual({ validators: next, activationHeight: activation });
    expect(validatorsAt(c.state, activation - 1n)).toHaveLength(1);
    expect(validatorsAt(c.state, activation)).toEqual(next);
    while (c.height < activation - 1n) c.block();
    expect(c.state.get('meta:validators')).toHaveLength(1);
    c.block();
    expect(c.state.get('meta:validators')).toEqual(next);
    expect(c.state.get('meta:pending-validators')).toBeUndefined();
  });

  it('set-authority with an empty set retires the authority; governance still acts', () => {
    const c = chain();
    expect(pass(c, { kind: 'set-authority', payload: { keys: [] } })).toBe('passed');
    c.block();
    expect(c.state.get('meta:authority')).toEqual({ keys: [], pending: null });
    expect(txErrorCode(() => c.run(AUTHORITY, { type: 'mint', amount: 1n, reason: 'airdrop', recipient: null }))).toBe(ErrorCode.Unauthorized);
    expect(txErrorCode(() => c.run(AUTHORITY, { type: 'transfer-from-system', fromAccount: TREASURY, to: walletOf('x'), amount: 1n }))).toBe(ErrorCode.Unauthorized);
    expect(pass(c, { kind: 'treasury-spend', payload: { fromAccount: TREASURY, to: walletOf('grantee'), amount: 1_000n } })).toBe('passed');
    expect(c.balance('grantee')).toBe(990n);
    expect(pass(c, { kind: 'set-authority', payload: { keys: [keyOf('new-authority')] } })).toBe('passed');
    c.block();
    c.run('new-authority', { type: 'mint', amount: 1n, reason: 'airdrop', recipient: null });
  });
});

describe('the authority set-validators (docs/protocol.md §17.7, PoA without a vote)', () => {
  it('takes effect at activation_height, refused sooner than 2n + 1 blocks after inclusion, and from anyone but the authority', () => {
    const c = chain({ validators: ['v1', 'v2'] });
    const next: Validator[] = [{ publicKey: keyOf('v3'), rewardWallet: walletOf('v3-rewards') }];
    const op = (activationHeight: bigint) => ({ type: 'set-validators', validators: next, activationHeight }) as const;
    const inclusion = c.height + 1n;
    expect(txErrorCode(() => c.run(AUTHORITY, op(inclusion + 4n)))).toBe(ErrorCode.InvalidParameter);
    expect(txErrorCode(() => c.run('alice', op(inclusion + 5n)))).toBe(ErrorCode.Unauthorized);
    expect(txErrorCode(() => c.run(AUTHORITY, { ...op(inclusion + 5n), validators: [{ publicKey: keyOf(AUTHORITY), rewardWallet: walletOf('x') }] }))).toBe(ErrorCode.InvalidParameter);
    c.run(AUTHORITY, op(inclusion + 5n));
    const before: MemoryState = c.state.clone();
    c.advance(4);
    expect(c.state.get('meta:validators')).toHaveLength(2);
    c.block();
    expect(c.state.get('meta:validators')).toEqual(next);
    expect(validatorsAt(before, inclusion + 4n)).toHaveLength(2);
    expect(validatorsAt(before, inclusion + 5n)).toEqual(next);
  });

  it('replaces a pending set only while its activation is more than 2n + 1 blocks away; from then on it is locked (§17.7)', () => {
    const c = chain({ validators: ['v1', 'v2'] });
    const set = (name: string): Validator[] => [{ publicKey: keyOf(name), rewardWallet: walletOf(`${name}-rewards`) }];
    const op = (name: string, activationHeight: bigint) => ({ type: 'set-validators', validators: set(name), activationHeight }) as const;
    // Two validators in force: the finality depth is 5. A set activating at inclusion + 7 may be replaced
    // in the next two blocks (the last one being activation − 5) and not later.
    const activation = c.height + 1n + 7n;
    c.run(AUTHORITY, op('v3', activation));
    c.run(AUTHORITY, op('v4', activation));
    expect(c.height).toBe(activation - 6n);
    c.run(AUTHORITY, op('v5', activation));
    expect(c.height).toBe(activation - 5n);
    expect(txErrorCode(() => c.run(AUTHORITY, op('v6', activation + 100n)))).toBe(ErrorCode.ValidatorSetLocked);
    expect(txErrorCode(() => c.run(AUTHORITY, op('v6', activation)))).toBe(ErrorCode.ValidatorSetLocked);
    while (c.height < activation) c.block();
    expect(c.state.get('meta:validators')).toEqual(set('v5'));
    // Once the set is in force there is no pending set, and a new one may be scheduled.
    c.run(AUTHORITY, op('v6', c.height + 1n + 3n));
    expect((c.state.get('meta:pending-validators') as unknown as { validators: Validator[] }).validators).toEqual(set('v6'));
  });
});
