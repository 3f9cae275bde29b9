import { describe, expect, it } from 'vitest';
import { ErrorCode, SYSTEM_ACCOUNT_IDS, parseBurnReason, parseMintReason } from '../../../src/tokenomics/index.ts';
import { AUTHORITY, TREASURY, TestChain, eventsOf, smallGenesis, txErrorCode, walletOf } from './chain-harness.ts';

describe('mints (docs/protocol.md §13.6)', () => {
  it('the authority mints to a recipient, to the treasury by default, with the reason recorded', () => {
    const chain = new TestChain(smallGenesis({ treasury: 0n, maxSupply: 10_000n }));
    const a = chain.run(AUTHORITY, { type: 'mint', amount: 1_000n, reason: 'airdrop', recipient: walletOf('alice') });
    const b = chain.run(AUTHORITY, { type: 'mint', amount: 500n, reason: 'governance', recipient: null });
    expect(chain.balance('alice')).toBe(1_000n);
    expect(chain.balance(TREASURY)).toBe(500n);
    expect(chain.totalSupply()).toBe(1_500n);
    expect(eventsOf(a.events, 'mint')).toMatchObject([{ amount: 1_000n, reason: 'airdrop', recipient: walletOf('alice'), height: 1n }]);
    expect(eventsOf(b.events, 'mint')).toMatchObject([{ amount: 500n, reason: 'governance', recipient: TREASURY, height: 2n }]);
  });

  it("refuses cap + 1 with MaxSupplyExceeded and accepts exactly the cap (the seed's example)", () => {
    const chain = new TestChain(smallGenesis({ treasury: 0n, maxSupply: 1_000_000n }));
    expect(txErrorCode(() => chain.run(AUTHORITY, { type: 'mint', amount: 1_000_001n, reason: 'airdrop', recipient: null }))).toBe(
      ErrorCode.MaxSupplyExceeded,
    );
    expect(chain.totalSupply()).toBe(0n);
    chain.run(AUTHORITY, { type: 'mint', amount: 1_000_000n, reason: 'airdrop', recipient: null });
    expect(chain.totalSupply()).toBe(1_000_000n);
    expect(txErrorCode(() => chain.run(AUTHORITY, { type: 'mint', amount: 1n, reason: 'airdrop', recipient: null }))).toBe(ErrorCode.MaxSupplyExceeded);
  });

  it('refuses a mint by a non-authority key (Unauthorized) and the protocol reasons genesis and inflation (InvalidReason)', () => {
    const chain = new TestChain(smallGenesis({ balances: { alice: 10n } }));
    expect(txErrorCode(() => chain.run('alice', { type: 'mint', amount: 5n, reason: 'airdrop', recipient: null }))).toBe(ErrorCode.Unauthorized);
    for (const reason of ['genesis', 'inflation']) {
      expect(txErrorCode(() => chain.run(AUTHORITY, { type: 'mint', amount: 5n, reason, recipient: null }))).toBe(ErrorCode.InvalidReason);
    }
    expect(txErrorCode(() => chain.run(AUTHORITY, { type: 'mint', amount: 5n, reason: 'bonus', recipient: null }))).toBe(ErrorCode.InvalidReason);
  });

  it("accepts the seed CLI's short names as aliases", () => {
    expect(parseMintReason('marketplace')).toBe('marketplace-liquidity');
    expect(parseMintReason('Block-Reward')).toBe('block-reward');
    expect(parseBurnReason('transaction-fee')).toBe('transaction-fee');
    expect(() => parseBurnReason('tax')).toThrowError(expect.objectContaining({ code: ErrorCode.InvalidReason }));
  });
});

describe('burns (docs/protocol.md §13.6)', () => {
  it('mint 1,000 then burn 500: supply 500, burned 500 (the seed example, as a system burn)', () => {
    const chain = new TestChain(smallGenesis({ treasury: 0n }));
    chain.run(AUTHORITY, { type: 'mint', amount: 1_000n, reason: 'governance', recipient: null });
    const out = chain.run(AUTHORITY, { type: 'burn', amount: 500n, reason: 'deflation', account: TREASURY });
    expect(chain.totalSupply()).toBe(500n);
    expect(chain.supply().totalBurned).toBe(500n);
    expect(chain.balance(TREASURY)).toBe(500n);
    expect(eventsOf(out.events, 'burn')).toMatchObject([{ amount: 500n, reason: 'deflation', burner: TREASURY }]);
  });

  it('a user burns its own balance with reason voluntary and pays the min fee', () => {
    const chain = new TestChain(smallGenesis({ balances: { alice: 1_000n } }));
    const out = chain.run('alice', { type: 'burn', amount: 500n, reason: 'voluntary', account: null });
    expect(chain.balance('alice')).toBe(499n);
    expect(eventsOf(out.events, 'burn').map((e) => [e.amount, e.reason])).toEqual([
      [500n, 'voluntary'],
      [1n, 'fee'],
    ]);
    // naming one's own account is the same user burn
    chain.run('alice', { type: 'burn', amount: 98n, reason: 'voluntary', account: walletOf('alice') });
    expect(chain.balance('alice')).toBe(400n);
  });

  it('refuses a user burn with another reason, a burn of someone else by a user, and non-system burns by the authority', () => {
    const chain = new TestChain(smallGenesis({ balances: { alice: 1_000n, bob: 1_000n } }));
    expect(txErrorCode(() => chain.run('alice', { type: 'burn', amount: 5n, reason: 'deflation', account: null }))).toBe(ErrorCode.InvalidReason);
    expect(txErrorCode(() => chain.run('alice', { type: 'burn', amount: 5n, reason: 'voluntary', account: walletOf('bob') }))).toBe(ErrorCode.Unauthorized);
    expect(txErrorCode(() => chain.run(AUTHORITY, { type: 'burn', amount: 5n, reason: 'deflation', account: walletOf('bob') }))).toBe(ErrorCode.Unauthorized);
    expect(txErrorCode(() => chain.run(AUTHORITY, { type: 'burn', amount: 5n, reason: 'slash', account: TREASURY }))).toBe(ErrorCode.InvalidReason);
    expect(txErrorCode(() => chain.run('alice', { type: 'burn', amount: 1_000n, reason: 'voluntary', account: null }))).toBe(ErrorCode.InsufficientBalance);
    expect(chain.balance('bob')).toBe(1_000n);
    expect(chain.supply().totalBurned).toBe(0n);
  });
});

describe('transfer-from-system (docs/protocol.md §6, §10)', () => {
  it('moves tokens out of a system account under the fee rule, authority only', () => {
    const chain = new TestChain(smallGenesis({ treasury: 10_000n }));
    const out = chain.run(AUTHORITY, { type: 'transfer-from-system', fromAccount: TREASURY, to: walletOf('alice'), amount: 1_000n });
    expect(chain.balance(TREASURY)).toBe(9_000n);
    expect(chain.balance('alice')).toBe(990n);
    expect(eventsOf(out.events, 'burn')).toMatchObject([{ amount: 10n, reason: 'transaction-fee', burner: TREASURY }]);
    // privileged: the authority's own balance pays no min fee (it has none)
    expect(chain.balance(AUTHORITY)).toBe(0n);
    expect(txErrorCode(() => chain.run('alice', { type: 'transfer-from-system', fromAccount: TREASURY, to: walletOf('alice'), amount: 1n }))).toBe(
      ErrorCode.Unauthorized,
    );
    expect(
      txErrorCode(() => chain.run(AUTHORITY, { type: 'transfer-from-system', fromAccount: walletOf('alice'), to: walletOf('bob'), amount: 1n })),
    ).toBe(ErrorCode.Unauthorized);
    expect(
      txErrorCode(() => chain.run(AUTHORITY, { type: 'transfer-from-system', fromAccount: SYSTEM_ACCOUNT_IDS.airdrop, to: walletOf('bob'), amount: 1n })),
    ).toBe(ErrorCode.InsufficientBalance);
  });
});

describe('claim-rewards and set-authority', () => {
  it('claim-rewards moves pending rewards to the balance, paying the min fee from them', () => {
    const chain = new TestChain(smallGenesis({ reserve: 1_000n, validators: ['v1'] }));
    chain.run(AUTHORITY, {
      type: 'create-schedule', recipientType: 'validators', amountPerInterval: 100n, intervalBlocks: 1n, startBlock: null, durationBlocks: null, poolId: null,
    });
    chain.advance(3); // blocks 2..4 pay 100 each
    expect(chain.account('v1-rewards').pendingRewards).toBe(300n);
    chain.run('v1-rewards', { type: 'claim-rewards' }); // block 5 pays 100 more first
    expect(chain.account('v1-rewards')).toMatchObject({ balance: 399n, pendingRewards: 0n, nonce: 1n });
    expect(txErrorCode(() => chain.run('alice', { type: 'claim-rewards' }))).toBe(ErrorCode.NothingToClaim);
  });

  it('set-authority replaces the key set from the next block, not within the same block', () => {
    const chain = new TestChain(smallGenesis({ treasury: 0n }));
    const mint = { type: 'mint', amount: 1n, reason: 'airdrop', recipient: null } as const;
    chain.block([
      chain.tx(AUTHORITY, { type: 'set-authority', keys: [chain.config.validators[0]!.publicKey.replace(/^./, 'f')] }),
      chain.tx(AUTHORITY, mint), // the old set still rules this block
    ]);
    expect(chain.totalSupply()).toBe(1n);
    expect(txErrorCode(() => chain.run(AUTHORITY, mint))).toBe(ErrorCode.Unauthorized);
  });

  it('set-authority refuses an empty set, malformed keys, duplicates and validator keys', () => {
    const chain = new TestChain(smallGenesis());
    const validatorKey = chain.config.validators[0]!.publicKey;
    for (const keys of [[], ['zz'], ['ab'.repeat(32), 'ab'.repeat(32)], [validatorKey]]) {
      expect(txErrorCode(() => chain.run(AUTHORITY, { type: 'set-authority', keys }))).toBe(ErrorCode.InvalidParameter);
    }
    expect(txErrorCode(() => chain.run('alice', { type: 'set-authority', keys: ['ab'.repeat(32)] }))).toBe(ErrorCode.Unauthorized);
  });
});
