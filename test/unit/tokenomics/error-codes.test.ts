/**
 * Every error code of the token economy is reached by a real scenario here (most also have their
 * own detailed tests); the table must name exactly the codes ErrorCode declares.
 */
import { describe, expect, it, vi } from 'vitest';
import {
  ErrorCode,
  MemoryState,
  accountKey,
  applyBlock,
  checkStateInvariants,
  validateGenesis,
} from '../../../src/tokenomics/index.ts';
import { HANDLERS } from '../../../src/tokenomics/ops/index.ts';
import { AUTHORITY, TREASURY, TestChain, smallGenesis, txErrorCode, walletOf } from './chain-harness.ts';
import { codeOf } from '../../support/error-code.ts';

const NO_SUCH_ID = '00000000-0000-4000-8000-00000000beef';

function funded(): TestChain {
  return new TestChain(smallGenesis({ balances: { alice: 1_000n }, reserve: 0n, maxSupply: 2_000_000n }));
}

function withPool(): { chain: TestChain; poolId: string } {
  const chain = funded();
  chain.run(AUTHORITY, { type: 'create-pool', name: 'P', initialAmount: 100n, operator: null, autoReplenish: null });
  return { chain, poolId: (chain.state.get('meta:pools') as string[])[0]! };
}

function closedAllocation(): { chain: TestChain; poolId: string; allocationId: string } {
  const { chain, poolId } = withPool();
  chain.run(AUTHORITY, { type: 'allocate', poolId, amount: 10n, recipient: walletOf('bob'), expiresInBlocks: null });
  const allocationId = chain.state.sortedEntries().find(([k]) => k.startsWith('allocation:'))![0].slice('allocation:'.length);
  chain.run(AUTHORITY, { type: 'cancel-allocation', poolId, allocationId });
  return { chain, poolId, allocationId };
}

/** A small governance chain: deposits of 100 open voting, alice proposes. */
function govChain(maxActiveProposals = 16n): TestChain {
  return new TestChain(smallGenesis({ balances: { alice: 10_000n }, gov: { minDeposit: 100n, depositBlocks: 5n, votingBlocks: 5n, maxActiveProposals } }));
}
const BURN_PROPOSAL = { type: 'submit-proposal', kind: 'deflation-burn', payload: { fromAccount: TREASURY, amount: 1n }, title: 'Burn' } as const;

const scenarios: Record<ErrorCode, () => string> = {
  UnknownProposal: () => txErrorCode(() => funded().run('alice', { type: 'vote', proposalId: NO_SUCH_ID, option: 'yes' })),
  ProposalClosed: () => {
    const chain = govChain();
    chain.run('alice', { ...BURN_PROPOSAL, deposit: 100n });
    const proposalId = chain.idsWithPrefix('proposal:')[0]!;
    return txErrorCode(() => chain.run('alice', { type: 'deposit', proposalId, amount: 1n }));
  },
  TooManyProposals: () => {
    const chain = govChain(1n);
    chain.run('alice', { ...BURN_PROPOSAL, deposit: 100n });
    return txErrorCode(() => chain.run('alice', { ...BURN_PROPOSAL, deposit: 100n }));
  },
  TooManyDepositors: () => {
    // The proposer and 31 more fill the 32 depositor slots (MAX_DEPOSITORS); the 33rd is refused.
    const others = Array.from({ length: 32 }, (_, i) => `d${i}`);
    const chain = new TestChain(smallGenesis({ balances: { alice: 1_000n, ...Object.fromEntries(others.map((n) => [n, 10n])) }, gov: { minDeposit: 1_000n } }));
    chain.run('alice', { ...BURN_PROPOSAL, deposit: 250n });
    const proposalId = chain.idsWithPrefix('proposal:')[0]!;
    chain.block(others.slice(0, 31).map((n) => chain.tx(n, { type: 'deposit', proposalId, amount: 1n })));
    return txErrorCode(() => chain.run(others[31]!, { type: 'deposit', proposalId, amount: 1n }));
  },
  ValidatorSetLocked: () => {
    // One validator: the finality depth is 3; a pending set activating 3 blocks after the next is locked at once.
    const chain = funded();
    const validators = [{ publicKey: 'ab'.repeat(32), rewardWallet: walletOf('v') }];
    chain.run(AUTHORITY, { type: 'set-validators', validators, activationHeight: chain.height + 1n + 3n });
    return txErrorCode(() => chain.run(AUTHORITY, { type: 'set-validators', validators, activationHeight: chain.height + 10n }));
  },
  InsufficientBalance: () => txErrorCode(() => funded().run('alice', { type: 'transfer', to: walletOf('bob'), amount: 5_000n })),
  InvalidAmount: () => txErrorCode(() => funded().run('alice', { type: 'transfer', to: walletOf('bob'), amount: 0n })),
  AmountOverflow: () => txErrorCode(() => funded().run('alice', { type: 'transfer', to: walletOf('bob'), amount: 1n << 64n })),
  Unauthorized: () => txErrorCode(() => funded().run('alice', { type: 'mint', amount: 1n, reason: 'airdrop', recipient: null })),
  MaxSupplyExceeded: () => txErrorCode(() => funded().run(AUTHORITY, { type: 'mint', amount: 2_000_000n, reason: 'airdrop', recipient: null })),
  InvalidNonce: () => {
    const chain = funded();
    return txErrorCode(() => chain.block([chain.tx('alice', { type: 'transfer', to: walletOf('bob'), amount: 1n }, 1n)]));
  },
  InvalidReason: () => txErrorCode(() => funded().run(AUTHORITY, { type: 'mint', amount: 1n, reason: 'inflation', recipient: null })),
  InvalidParameter: () => txErrorCode(() => funded().run('alice', { type: 'transfer', to: 'bob', amount: 1n })),
  UnknownPool: () => txErrorCode(() => funded().run(AUTHORITY, { type: 'replenish-pool', poolId: NO_SUCH_ID, amount: 1n })),
  InsufficientPoolTokens: () => {
    const { chain, poolId } = withPool();
    return txErrorCode(() => chain.run(AUTHORITY, { type: 'allocate', poolId, amount: 101n, recipient: walletOf('bob'), expiresInBlocks: null }));
  },
  UnknownAllocation: () => {
    const { chain, poolId } = withPool();
    return txErrorCode(() => chain.run(AUTHORITY, { type: 'release-allocation', poolId, allocationId: NO_SUCH_ID }));
  },
  AllocationClosed: () => {
    const { chain, poolId, allocationId } = closedAllocation();
    return txErrorCode(() => chain.run(AUTHORITY, { type: 'release-allocation', poolId, allocationId }));
  },
  UnknownSchedule: () => txErrorCode(() => funded().run(AUTHORITY, { type: 'cancel-schedule', scheduleId: NO_SUCH_ID })),
  ScheduleClosed: () => {
    const chain = funded();
    chain.run(AUTHORITY, { type: 'create-schedule', recipientType: 'treasury', amountPerInterval: 1n, intervalBlocks: 1n, startBlock: null, durationBlocks: null, poolId: null });
    const scheduleId = (chain.state.get('meta:schedules') as string[])[0]!;
    chain.run(AUTHORITY, { type: 'cancel-schedule', scheduleId });
    return txErrorCode(() => chain.run(AUTHORITY, { type: 'cancel-schedule', scheduleId }));
  },
  NothingToClaim: () => txErrorCode(() => funded().run('alice', { type: 'claim-rewards' })),
  InsufficientStake: () => txErrorCode(() => funded().run('alice', { type: 'unstake', amount: 1n })),
  AlreadyRegistered: () => {
    const chain = new TestChain(smallGenesis({ balances: { alice: 1_000n }, relayMinStake: 10n }));
    chain.run('alice', { type: 'stake', amount: 10n });
    chain.run('alice', { type: 'register-relay' });
    return txErrorCode(() => chain.run('alice', { type: 'register-relay' }));
  },
  NotRegistered: () => txErrorCode(() => funded().run('alice', { type: 'deregister-relay' })),
  UnknownListing: () => txErrorCode(() => funded().run('alice', { type: 'buy', listingId: NO_SUCH_ID, quantity: 1n })),
  ListingClosed: () => {
    const chain = funded();
    chain.run('alice', { type: 'create-listing', title: 'T', price: 1n, quantity: 1n });
    const listingId = chain.idsWithPrefix('listing:')[0]!;
    chain.run('alice', { type: 'cancel-listing', listingId });
    return txErrorCode(() => chain.run('alice', { type: 'cancel-listing', listingId }));
  },
  InsufficientQuantity: () => {
    const chain = new TestChain(smallGenesis({ balances: { alice: 1_000n, bob: 1_000n } }));
    chain.run('alice', { type: 'create-listing', title: 'T', price: 1n, quantity: 1n });
    return txErrorCode(() => chain.run('bob', { type: 'buy', listingId: chain.idsWithPrefix('listing:')[0]!, quantity: 2n }));
  },
  UnknownPurchase: () => txErrorCode(() => funded().run('alice', { type: 'confirm', purchaseId: NO_SUCH_ID })),
  PurchaseClosed: () => {
    const chain = new TestChain(smallGenesis({ balances: { alice: 1_000n, bob: 1_000n } }));
    chain.run('alice', { type: 'create-listing', title: 'T', price: 1n, quantity: 1n });
    chain.run('bob', { type: 'buy', listingId: chain.idsWithPrefix('listing:')[0]!, quantity: 1n });
    const purchaseId = chain.idsWithPrefix('purchase:')[0]!;
    chain.run('bob', { type: 'confirm', purchaseId });
    return txErrorCode(() => chain.run('bob', { type: 'confirm', purchaseId }));
  },
  InvalidGenesis: () => codeOf(() => validateGenesis({ ...smallGenesis(), authority: [] })),
  InvariantViolation: () => {
    // a state where a balance appeared from nowhere: the full walk refuses it
    const chain = funded();
    const corrupt: MemoryState = chain.state.clone();
    corrupt.commit(new Map([[accountKey(walletOf('mallory')), { ...chain.account('alice'), balance: 1n }]]));
    return codeOf(() => checkStateInvariants(corrupt));
  },
  InvalidBlock: () => {
    const chain = funded();
    return codeOf(() => applyBlock(chain.state, { height: 5n, timestampMs: chain.timestampOf(5n) }, []));
  },
  TooManyUnbondingEntries: () => {
    const chain = new TestChain(smallGenesis({ balances: { alice: 1_000n }, bounds: { maxUnbondingEntries: 1n } }));
    chain.run('alice', { type: 'stake', amount: 10n });
    chain.run('alice', { type: 'unstake', amount: 1n });
    return txErrorCode(() => chain.run('alice', { type: 'unstake', amount: 1n }));
  },
  TooManyRelays: () => {
    const chain = new TestChain(smallGenesis({ balances: { alice: 1_000n }, relayMinStake: 10n, bounds: { maxRelays: 0n } }));
    chain.run('alice', { type: 'stake', amount: 10n });
    return txErrorCode(() => chain.run('alice', { type: 'register-relay' }));
  },
  TooManyPools: () => {
    const chain = new TestChain(smallGenesis({ bounds: { maxPools: 0n } }));
    return txErrorCode(() => chain.run(AUTHORITY, { type: 'create-pool', name: 'P', initialAmount: 1n, operator: null, autoReplenish: null }));
  },
  TooManySchedules: () => {
    const chain = new TestChain(smallGenesis({ bounds: { maxSchedules: 0n } }));
    return txErrorCode(() => chain.run(AUTHORITY, { type: 'create-schedule', recipientType: 'treasury', amountPerInterval: 1n, intervalBlocks: 1n, startBlock: null, durationBlocks: null, poolId: null }));
  },
  DeadlineHeightFull: () => {
    const chain = new TestChain(smallGenesis({ bounds: { maxDeadlinesPerHeight: 1n } }));
    chain.run(AUTHORITY, { type: 'create-pool', name: 'P', initialAmount: 100n, operator: null, autoReplenish: null }); // h1
    const poolId = (chain.state.get('meta:pools') as string[])[0]!;
    chain.run(AUTHORITY, { type: 'allocate', poolId, amount: 1n, recipient: walletOf('bob'), expiresInBlocks: 10n }); // h2: due at 12
    return txErrorCode(() => chain.run(AUTHORITY, { type: 'allocate', poolId, amount: 1n, recipient: walletOf('bob'), expiresInBlocks: 9n })); // h3: 12 too
  },
  TxFailed: () => {
    // an operation that throws something other than a token rule (a test-only handler in the table)
    const spy = vi.spyOn(HANDLERS['claim-rewards'], 'apply').mockImplementation(() => {
      throw new RangeError('Maximum call stack size exceeded');
    });
    try {
      return codeOf(() => funded().open().applyTx(funded().tx('alice', { type: 'claim-rewards' })));
    } finally {
      spy.mockRestore();
    }
  },
};

describe('every error code is reachable', () => {
  it('the table covers exactly the declared codes', () => {
    expect(Object.keys(scenarios).sort()).toEqual(Object.values(ErrorCode).sort());
  });

  for (const [code, scenario] of Object.entries(scenarios)) {
    it(`${code}`, () => {
      expect(scenario()).toBe(code);
    });
  }
});
