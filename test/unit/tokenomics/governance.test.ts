/**
 * Governance (docs/protocol.md §17): the proposal lifecycle, running tallies, the tally
 * rule at its boundaries (one token either side), and deposits returned or burned. The harness
 * runs the full invariant walk after every block (supply, total stake, tallies recounted).
 */
import { describe, expect, it } from 'vitest';
import { type ChainParams, DEFAULT_GOV_PARAMS, DEV_GOV_PARAMS, ErrorCode, decideTally, defaultGenesis, genesisToJson, parseGenesisJson, validateGenesis } from '../../../src/tokenomics/index.ts';
import { codeOf } from '../../support/error-code.ts';
import { AUTHORITY, TREASURY, eventsOf, smallGenesis, txErrorCode, walletOf } from './chain-harness.ts';
import { MIN_DEPOSIT, PERIOD, govChain, proposalOf, propose, stake, submitOp, untilTallied, voteOp } from './governance-fixture.ts';

const BURN = { kind: 'deflation-burn', payload: { fromAccount: TREASURY, amount: 1n } } as const;
type Option = 'yes' | 'no' | 'abstain' | 'veto';

/** Stakes for each voter, a proposal, the votes (null = stakes but does not vote); returns the tallied proposal. */
function voteOn(voters: [string, bigint, Option | null][]) {
  const c = govChain({ balances: { proposer: 1_000n, ...Object.fromEntries(voters.map(([n, s]) => [n, s + 10n])) } });
  c.block(voters.map(([n, s]) => c.tx(n, stake(s))));
  const id = propose(c, 'proposer', BURN);
  c.block(voters.filter(([, , o]) => o !== null).map(([n, , o]) => c.tx(n, voteOp(id, o!))));
  return { c, p: untilTallied(c, id) };
}

describe('the proposal lifecycle', () => {
  it('a deposit below gov_min_deposit waits; deposits reaching it start voting; the deposits are held, then returned', () => {
    const c = govChain({ balances: { alice: 1_000n, bob: 1_000n } });
    const supply = c.totalSupply();
    const id = propose(c, 'alice', BURN, 25n); // h1: a quarter of 100 is the least first deposit
    expect(proposalOf(c, id)).toMatchObject({ status: 'deposit', deposited: 25n, depositEnd: 1n + PERIOD, votingEnd: null });
    expect(c.balance('alice')).toBe(1_000n - 25n - 1n);
    c.run('bob', { type: 'deposit', proposalId: id, amount: 75n }); // h2
    expect(proposalOf(c, id)).toMatchObject({ status: 'voting', deposited: 100n, votingEnd: 2n + PERIOD });
    expect(proposalOf(c, id).deposits).toEqual([{ depositor: walletOf('alice'), amount: 25n }, { depositor: walletOf('bob'), amount: 75n }]);
    expect(c.totalSupply()).toBe(supply - 2n); // two min fees burned; the deposits are held, not gone
    const p = untilTallied(c, id);
    expect(p).toMatchObject({ status: 'rejected', closedHeight: 2n + PERIOD }); // nobody voted: no quorum
    expect(c.balance('alice')).toBe(1_000n - 1n);
    expect(c.balance('bob')).toBe(1_000n - 1n);
    expect(c.state.get('meta:proposals')).toEqual([]);
  });

  it('refuses a first deposit under a quarter of gov_min_deposit, and a deposit once voting started', () => {
    const c = govChain({ balances: { alice: 1_000n } });
    expect(txErrorCode(() => c.run('alice', submitOp(BURN, 24n)))).toBe(ErrorCode.InvalidAmount);
    const id = propose(c, 'alice', BURN, MIN_DEPOSIT);
    expect(txErrorCode(() => c.run('alice', { type: 'deposit', proposalId: id, amount: 1n }))).toBe(ErrorCode.ProposalClosed);
  });

  it('expires at the end of its deposit period and returns every deposit', () => {
    const c = govChain({ balances: { alice: 1_000n, bob: 1_000n } });
    const id = propose(c, 'alice', BURN, 30n); // h1, deposit period ends at 6
    c.run('bob', { type: 'deposit', proposalId: id, amount: 20n });
    c.advance(3); // h3..h5
    expect(proposalOf(c, id).status).toBe('deposit');
    c.block(); // h6: step 3 expires it before the block's transactions
    expect(proposalOf(c, id)).toMatchObject({ status: 'expired', closedHeight: 6n });
    expect(c.balance('alice')).toBe(999n);
    expect(c.balance('bob')).toBe(999n);
    expect(txErrorCode(() => c.run('bob', { type: 'deposit', proposalId: id, amount: 1n }))).toBe(ErrorCode.ProposalClosed);
  });

  it('bounds the active proposals by gov_max_active_proposals; a closed one frees its slot', () => {
    const c = govChain({ balances: { alice: 10_000n }, gov: { maxActiveProposals: 2n } });
    propose(c, 'alice', BURN, 25n);
    propose(c, 'alice', BURN, 25n);
    expect(txErrorCode(() => c.run('alice', submitOp(BURN, 25n)))).toBe(ErrorCode.TooManyProposals);
    c.advance(PERIOD); // both expire
    propose(c, 'alice', BURN, 25n);
    expect(c.state.get('meta:proposals')).toHaveLength(1);
  });

  it('refuses a proposal that could never execute: unknown parameter, out of bounds, wrong account, cancelled schedule', () => {
    const c = govChain({ balances: { alice: 1_000n } });
    const param = (name: string, value: bigint) => submitOp({ kind: 'param-change', payload: { name, value } });
    expect(txErrorCode(() => c.run('alice', param('max_supply', 1n)))).toBe(ErrorCode.InvalidParameter);
    expect(txErrorCode(() => c.run('alice', param('burn_rate_bps', 10_001n)))).toBe(ErrorCode.InvalidParameter);
    expect(txErrorCode(() => c.run('alice', param('gov_threshold_bps', 4_999n)))).toBe(ErrorCode.InvalidParameter);
    expect(txErrorCode(() => c.run('alice', param('gov_voting_blocks', 11n)))).toBe(ErrorCode.InvalidParameter); // > unbonding 10
    expect(txErrorCode(() => c.run('alice', param('unbonding_blocks', 4n)))).toBe(ErrorCode.InvalidParameter); // < voting 5
    const spend = submitOp({ kind: 'treasury-spend', payload: { fromAccount: walletOf('alice'), to: walletOf('alice'), amount: 1n } });
    expect(txErrorCode(() => c.run('alice', spend))).toBe(ErrorCode.InvalidParameter);
    const cancel = submitOp({ kind: 'cancel-schedule', payload: { scheduleId: '00000000-0000-4000-8000-00000000beef' } });
    expect(txErrorCode(() => c.run('alice', cancel))).toBe(ErrorCode.UnknownSchedule);
    expect(txErrorCode(() => c.run('alice', { ...submitOp(BURN), title: ' ' }))).toBe(ErrorCode.InvalidParameter);
  });
});

describe('votes and running tallies', () => {
  it('needs stake; a changed vote moves its weight; stake, unstake and slash adjust the tally at once', () => {
    const c = govChain({ balances: { alice: 10_000n, bob: 10_000n }, gov: { votingBlocks: 10n } });
    const id = propose(c, 'alice', BURN); // h1: voting until 11
    expect(txErrorCode(() => c.run('bob', voteOp(id, 'yes')))).toBe(ErrorCode.InsufficientStake);
    c.run('bob', stake(1_000n));
    c.run('bob', voteOp(id, 'yes'));
    expect(proposalOf(c, id).tally).toEqual({ yes: 1_000n, no: 0n, abstain: 0n, veto: 0n });
    c.run('bob', voteOp(id, 'no'));
    expect(proposalOf(c, id).tally).toEqual({ yes: 0n, no: 1_000n, abstain: 0n, veto: 0n });
    c.run('bob', stake(500n));
    expect(proposalOf(c, id).tally.no).toBe(1_500n);
    c.run('bob', { type: 'unstake', amount: 200n }); // unbonding does not vote
    expect(proposalOf(c, id).tally.no).toBe(1_300n);
    c.run(AUTHORITY, { type: 'slash', account: walletOf('bob'), amount: 300n });
    expect(proposalOf(c, id).tally.no).toBe(1_000n);
    expect(c.state.get(`vote:${id}:${walletOf('bob')}`)).toEqual({ option: 'no', weight: 1_000n });
    const p = untilTallied(c, id);
    // Once tallied, a later stake change leaves the final tally alone.
    c.run('bob', stake(1n));
    expect(proposalOf(c, id).tally).toEqual(p.tally);
    expect(txErrorCode(() => c.run('bob', voteOp(id, 'yes')))).toBe(ErrorCode.ProposalClosed);
  });
});

describe('the tally rule at its boundaries (defaults: quorum 3,340, veto 3,340, threshold 5,000 bps)', () => {
  it('quorum: turnout of 3,340 of 10,000 staked passes, 3,339 does not', () => {
    expect(voteOn([['a', 3_340n, 'yes'], ['b', 6_660n, null]]).p.status).toBe('passed');
    expect(voteOn([['a', 3_339n, 'yes'], ['b', 6_661n, null]]).p.status).toBe('rejected');
  });

  it('veto: 3,340 of 10,000 votes is not above 3,340 bps; 3,341 vetoes and burns the deposits', () => {
    expect(voteOn([['a', 6_660n, 'yes'], ['v', 3_340n, 'veto']]).p.status).toBe('passed');
    const { c, p } = voteOn([['a', 6_659n, 'yes'], ['v', 3_341n, 'veto']]);
    expect(p.status).toBe('vetoed');
    expect(c.balance('proposer')).toBe(1_000n - MIN_DEPOSIT - 1n); // burned, not returned
  });

  it('threshold: yes must be above half of yes + no + veto; abstain counts for quorum only', () => {
    expect(voteOn([['y', 5_001n, 'yes'], ['n', 4_999n, 'no']]).p.status).toBe('passed');
    expect(voteOn([['y', 5_000n, 'yes'], ['n', 5_000n, 'no']]).p.status).toBe('rejected');
    expect(voteOn([['y', 1n, 'yes'], ['x', 9_999n, 'abstain']]).p.status).toBe('passed');
    expect(voteOn([['x', 10_000n, 'abstain']]).p.status).toBe('rejected');
  });

  it('decideTally compares by cross-multiplication, exactly, at amounts far past 2^53', () => {
    const gov = DEFAULT_GOV_PARAMS;
    const big = 10n ** 30n;
    expect(decideTally({ yes: big + 1n, no: big - 1n, abstain: 0n, veto: 0n }, 2n * big, gov)).toBe('passed');
    expect(decideTally({ yes: big, no: big, abstain: 0n, veto: 0n }, 2n * big, gov)).toBe('rejected');
    expect(decideTally({ yes: 0n, no: 0n, abstain: 0n, veto: 0n }, 0n, gov)).toBe('rejected');
  });
});

describe('deposits at the outcome', () => {
  it('a vetoed proposal burns each deposit with reason veto, burner the depositor', () => {
    const c = govChain({ balances: { p: 1_000n, q: 1_000n, v: 1_000n } });
    c.run('v', stake(500n));
    const id = propose(c, 'p', BURN, 60n);
    c.run('q', { type: 'deposit', proposalId: id, amount: 40n });
    c.run('v', voteOp(id, 'veto'));
    const supply = c.totalSupply();
    const end = proposalOf(c, id).votingEnd!;
    while (c.height < end - 1n) c.block();
    const outcome = c.block();
    expect(proposalOf(c, id).status).toBe('vetoed');
    expect(eventsOf(outcome.events, 'burn').map((e) => [e.reason, e.burner, e.amount])).toEqual([
      ['veto', walletOf('p'), 60n],
      ['veto', walletOf('q'), 40n],
    ]);
    expect(c.totalSupply()).toBe(supply - 100n);
  });
});

describe('genesis', () => {
  it('refuses gov_voting_blocks above unbonding_blocks, and gov_* outside their bounds, naming the field', () => {
    const g = smallGenesis({ unbondingBlocks: 10n });
    const withGov = (gov: Partial<ChainParams['gov']>) => ({ ...g, params: { ...g.params, gov: { ...g.params.gov, ...gov } } });
    expect(() => validateGenesis(withGov({ votingBlocks: 11n }))).toThrow(/gov_voting_blocks/);
    expect(() => validateGenesis(withGov({ quorumBps: 0n }))).toThrow(/gov_quorum_bps/);
    expect(() => validateGenesis(withGov({ maxActiveProposals: 1_001n }))).toThrow(/gov_max_active_proposals/);
    expect(codeOf(() => validateGenesis(withGov({ thresholdBps: 10_000n })))).toBe(ErrorCode.InvalidGenesis);
    expect(() => validateGenesis(withGov({ votingBlocks: 10n }))).not.toThrow();
  });

  it('reads and writes the gov_* parameters in the genesis JSON (round trip); the --dev template uses 10-block periods', () => {
    const g = smallGenesis({ unbondingBlocks: 50n, gov: { minDeposit: 7n, depositBlocks: 9n, votingBlocks: 50n, voterReward: 3n, maxActiveProposals: 2n } });
    const json = genesisToJson(g) as { params: Record<string, unknown> };
    expect(json.params).toMatchObject({ gov_min_deposit: '7', gov_deposit_blocks: '9', gov_voting_blocks: '50', gov_quorum_bps: '3340', gov_veto_bps: '3340', gov_threshold_bps: '5000', gov_voter_reward: '3', gov_max_active_proposals: '2' });
    expect(parseGenesisJson(JSON.parse(JSON.stringify(json))).params.gov).toEqual(g.params.gov);
    const dev = defaultGenesis({ chainId: 'dchat-dev', genesisTimeMs: 0n, validators: g.validators, authority: g.authority, params: { gov: DEV_GOV_PARAMS } });
    expect(dev.params.gov).toMatchObject({ depositBlocks: 10n, votingBlocks: 10n, minDeposit: 1_000n });
    expect(() => validateGenesis(dev)).not.toThrow();
  });
});
