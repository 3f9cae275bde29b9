/**
 * Random governance traffic (docs/protocol.md §17): proposals of every kind, deposits, votes and vote changes,
 * stake, unstake, slash and claims, with a stakers schedule paying every block. After every block
 * the harness walks the whole state: supply == holdings (deposits, voter rewards and the stakers'
 * pot counted), total stake == Σ staked, every tally == its votes recounted and every open vote ==
 * its voter's stake now. And the lazy F1 payout of the stakers agrees with a naive reference that
 * credits every staker exactly (as a fraction) at every payout.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BlockExecution,
  type Operation,
  type ProposalContent,
  type StakingState,
  type TxInput,
  isTokenError,
  stakerRewardOwed,
} from '../../../src/tokenomics/index.ts';
import { AUTHORITY, TREASURY, TestChain, keyOf, smallGenesis, walletOf } from './chain-harness.ts';
import { submitOp } from './governance-fixture.ts';

const USERS = ['alice', 'bob', 'carol', 'dave'] as const;
const PAYOUT = 997n;

type Step = { by: number; pick: number; amount: bigint; kind: number };

const stepArb: fc.Arbitrary<Step> = fc.record({
  by: fc.nat(USERS.length - 1),
  pick: fc.nat(11),
  amount: fc.oneof(fc.bigInt(1n, 300n), fc.bigInt(1n, 50_000n)),
  kind: fc.nat(9),
});

function contentFor(step: Step): ProposalContent {
  switch (step.pick % 6) {
    case 0: return { kind: 'treasury-spend', payload: { fromAccount: TREASURY, to: walletOf(USERS[step.by]!), amount: step.amount } };
    case 1: return { kind: 'param-change', payload: { name: step.pick % 2 === 0 ? 'burn_rate_bps' : 'gov_quorum_bps', value: 100n + (step.amount % 5_000n) } };
    case 2: return { kind: 'deflation-burn', payload: { fromAccount: TREASURY, amount: step.amount } };
    case 3: return { kind: 'set-validators', payload: { validators: [{ publicKey: keyOf(`v${step.pick}`), rewardWallet: walletOf('v-rewards') }], activationHeight: 0n } };
    case 4: return { kind: 'set-authority', payload: { keys: [keyOf(AUTHORITY)] } };
    default: return { kind: 'create-schedule', payload: { recipientType: 'stakers', amountPerInterval: step.amount, intervalBlocks: 3n, startBlock: null, durationBlocks: 6n, poolId: null } };
  }
}

function opFor(chain: TestChain, step: Step): Operation {
  const proposals = chain.idsWithPrefix('proposal:');
  const proposalId = proposals[step.pick % Math.max(proposals.length, 1)] ?? '00000000-0000-4000-8000-000000000000';
  const options = ['yes', 'yes', 'no', 'abstain', 'veto'] as const;
  switch (step.kind) {
    case 0: case 1: return { type: 'stake', amount: step.amount };
    case 2: return { type: 'unstake', amount: step.amount };
    case 3: return { type: 'slash', account: walletOf(USERS[step.pick % USERS.length]!), amount: step.amount % 500n };
    case 4: case 5: return { type: 'vote', proposalId, option: options[step.pick % options.length]! };
    case 6: return submitOp(contentFor(step), 25n + (step.amount % 100n));
    case 7: return { type: 'deposit', proposalId, amount: step.amount % 200n };
    default: return { type: 'claim-rewards' };
  }
}

/** A fraction n / d in lowest terms, to credit stakers exactly in the naive reference. */
type Fraction = { n: bigint; d: bigint };
const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? a : gcd(b, a % b));
function add(x: Fraction, n: bigint, d: bigint): Fraction {
  const num = x.n * d + n * x.d;
  const den = x.d * d;
  const g = gcd(num, den);
  return { n: num / g, d: den / g };
}

describe('governance properties', () => {
  it('invariants hold after every block; the lazy stakers payout matches a naive exact reference', () => {
    const accepted = new Set<string>();
    const statuses = new Set<string>();
    fc.assert(
      fc.property(fc.array(fc.array(stepArb, { maxLength: 6 }), { minLength: 1, maxLength: 30 }), (blocks) => {
        const chain = new TestChain(
          smallGenesis({
            balances: { alice: 200_000n, bob: 100_000n, carol: 20_000n, dave: 3_000n },
            reserve: 10_000_000n,
            treasury: 1_000_000n,
            unbondingBlocks: 6n,
            gov: { minDeposit: 100n, depositBlocks: 4n, votingBlocks: 5n, voterReward: 1_001n, maxActiveProposals: 4n },
          }),
        );
        chain.run(AUTHORITY, { type: 'create-schedule', recipientType: 'stakers', amountPerInterval: PAYOUT, intervalBlocks: 1n, startBlock: null, durationBlocks: null, poolId: null });
        const owed = new Map<string, Fraction>(USERS.map((u) => [walletOf(u), { n: 0n, d: 1n }]));
        let paidToStakers = 0n;
        const settled = new Map<string, bigint>();
        const nonces = new Map<string, bigint>();
        for (const steps of blocks) {
          // The naive reference: every staker credited its exact share of each payout, O(stakers).
          const total = (chain.state.get('meta:staking') as StakingState).totalStaked;
          if (total > 0n) {
            paidToStakers += PAYOUT;
            for (const u of USERS) owed.set(walletOf(u), add(owed.get(walletOf(u))!, PAYOUT * chain.account(u).staked, total));
          }
          const height = chain.height + 1n;
          const block = new BlockExecution(chain.state, { height, timestampMs: chain.timestampOf(height) });
          for (const step of steps) {
            const by = step.kind === 3 ? AUTHORITY : USERS[step.by]!;
            const nonce = nonces.get(by) ?? chain.account(by).nonce;
            const tx: TxInput = chain.tx(by, opFor(chain, step), nonce);
            try {
              block.applyTx(tx);
              accepted.add(tx.op.type === 'submit-proposal' ? `submit-proposal ${tx.op.kind}` : tx.op.type);
              nonces.set(by, nonce + 1n);
            } catch (err) {
              if (!isTokenError(err)) throw err;
            }
          }
          const outcome = block.finish();
          for (const e of outcome.events) {
            if (e.kind === 'distribution' && e.recipientType === 'stakers' && e.scheduleId === null) settled.set(e.recipient, (settled.get(e.recipient) ?? 0n) + e.amount);
          }
          chain.commit(outcome, height); // the full invariant walk
          for (const id of chain.idsWithPrefix('proposal:')) statuses.add((chain.state.get(`proposal:${id}`) as { status: string }).status);
        }
        // Lazy F1 against the reference: what each wallet settled plus what the accumulator still
        // owes it is its exact share, within one token per settlement (each rounds down once).
        const s = chain.state.get('meta:staking') as StakingState;
        let total = 0n;
        for (const u of USERS) {
          const w = walletOf(u);
          const unsettled = stakerRewardOwed(chain.account(u).staked, s.rewardPerStake, (chain.state.get(`stake-entry:${w}`) as bigint | undefined) ?? s.rewardPerStake);
          const got = (settled.get(w) ?? 0n) + unsettled;
          const exact = owed.get(w)!;
          expect((got - 1n) * exact.d <= exact.n, `${u}: ${got} vs ${exact.n}/${exact.d}`).toBe(true);
          expect((got + BigInt(blocks.length) + 2n) * exact.d > exact.n, `${u}: ${got} vs ${exact.n}/${exact.d}`).toBe(true);
          total += got;
        }
        // No token created: everything paid in is settled, owed, or dust still in the pot.
        expect(total <= paidToStakers).toBe(true);
        expect(paidToStakers - [...settled.values()].reduce((a, b) => a + b, 0n)).toBe(s.pot);
      }),
      { numRuns: 150, seed: 20_261_201 },
    );
    for (const type of ['stake', 'unstake', 'slash', 'vote', 'deposit', 'claim-rewards', 'submit-proposal treasury-spend', 'submit-proposal param-change', 'submit-proposal set-validators']) {
      expect(accepted, type).toContain(type);
    }
    for (const status of ['deposit', 'voting', 'passed', 'rejected', 'vetoed', 'expired']) expect(statuses, status).toContain(status);
  });
});

