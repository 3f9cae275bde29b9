import { describe, expect, it } from 'vitest';
import { ErrorCode, U64_MAX, IdSource } from '../../../src/tokenomics/index.ts';
import { TestChain, eventsOf, smallGenesis, txErrorCode, walletOf, keyOf, VALIDATOR } from './chain-harness.ts';

describe('transfer and the fee burn (docs/protocol.md §10)', () => {
  it("burns 10 and delivers 990 of 1,000 tokens at 100 bps (the seed's example)", () => {
    const chain = new TestChain(smallGenesis({ balances: { alice: 5_000n } }));
    const supplyBefore = chain.totalSupply();
    const outcome = chain.run('alice', { type: 'transfer', to: walletOf('bob'), amount: 1_000n });
    expect(chain.balance('alice')).toBe(4_000n);
    expect(chain.balance('bob')).toBe(990n);
    expect(chain.totalSupply()).toBe(supplyBefore - 10n);
    expect(chain.supply().totalBurned).toBe(10n);
    const [burn] = eventsOf(outcome.events, 'burn');
    expect(burn).toMatchObject({ amount: 10n, reason: 'transaction-fee', burner: walletOf('alice'), height: 1n });
    expect(burn!.timestampMs).toBe(chain.timestampOf(1n));
    expect(burn!.id).toBe(IdSource.forTx(burn!.txHash!).id('burn'));
  });

  it('charges min_fee when the rate rounds down to less, and caps the fee at the amount', () => {
    const chain = new TestChain(smallGenesis({ balances: { alice: 1_000n }, minFee: 3n }));
    chain.run('alice', { type: 'transfer', to: walletOf('bob'), amount: 150n }); // 1% rounded up = 2 < 3
    expect(chain.balance('bob')).toBe(147n);
    chain.run('alice', { type: 'transfer', to: walletOf('bob'), amount: 2n }); // fee 3 capped at 2
    expect(chain.balance('bob')).toBe(147n);
    expect(chain.balance('alice')).toBe(1_000n - 152n);
    expect(chain.supply().totalBurned).toBe(5n);
  });

  it('splitting a payment saves nothing: ten transfers of 1 deliver nothing', () => {
    const chain = new TestChain(smallGenesis({ balances: { alice: 100n } }));
    chain.block(Array.from({ length: 10 }, () => chain.tx('alice', { type: 'transfer', to: walletOf('bob'), amount: 1n })));
    expect(chain.balance('bob')).toBe(0n);
    expect(chain.supply().totalBurned).toBe(10n);
  });

  it('a transfer to oneself is allowed and still burns', () => {
    const chain = new TestChain(smallGenesis({ balances: { alice: 1_000n } }));
    chain.run('alice', { type: 'transfer', to: walletOf('alice'), amount: 1_000n });
    expect(chain.balance('alice')).toBe(990n);
    expect(chain.account('alice').nonce).toBe(1n);
  });

  it('refuses a transfer above the balance and changes nothing', () => {
    const chain = new TestChain(smallGenesis({ balances: { alice: 1_000n } }));
    const before = chain.state.sortedEntries();
    expect(txErrorCode(() => chain.run('alice', { type: 'transfer', to: walletOf('bob'), amount: 1_001n }))).toBe(ErrorCode.InsufficientBalance);
    expect(chain.state.sortedEntries()).toEqual(before);
    expect(chain.height).toBe(0n);
  });

  it('refuses zero and negative amounts (InvalidAmount) and amounts above u64 (AmountOverflow)', () => {
    const chain = new TestChain(smallGenesis({ balances: { alice: 1_000n } }));
    expect(txErrorCode(() => chain.run('alice', { type: 'transfer', to: walletOf('bob'), amount: 0n }))).toBe(ErrorCode.InvalidAmount);
    expect(txErrorCode(() => chain.run('alice', { type: 'transfer', to: walletOf('bob'), amount: -5n }))).toBe(ErrorCode.InvalidAmount);
    expect(txErrorCode(() => chain.run('alice', { type: 'transfer', to: walletOf('bob'), amount: U64_MAX + 1n }))).toBe(ErrorCode.AmountOverflow);
  });

  it('refuses a mint that would push the uncapped supply past u64 (AmountOverflow), nothing wraps', () => {
    // All holdings add up to the supply, so once the supply is u64-bounded no single credit can wrap;
    // the overflow surfaces where the supply grows.
    const chain = new TestChain(smallGenesis({ maxSupply: null, treasury: U64_MAX - 10n }));
    expect(txErrorCode(() => chain.run('authority', { type: 'mint', amount: 11n, reason: 'airdrop', recipient: null }))).toBe(ErrorCode.AmountOverflow);
    chain.run('authority', { type: 'mint', amount: 10n, reason: 'airdrop', recipient: null });
    expect(chain.totalSupply()).toBe(U64_MAX);
  });

  it('refuses a malformed recipient id', () => {
    const chain = new TestChain(smallGenesis({ balances: { alice: 1_000n } }));
    expect(txErrorCode(() => chain.run('alice', { type: 'transfer', to: 'not-a-uuid', amount: 5n }))).toBe(ErrorCode.InvalidParameter);
  });

  it('enforces nonces: a replay or a skipped nonce is refused (InvalidNonce)', () => {
    const chain = new TestChain(smallGenesis({ balances: { alice: 1_000n } }));
    const first = chain.tx('alice', { type: 'transfer', to: walletOf('bob'), amount: 100n });
    chain.block([first]);
    expect(txErrorCode(() => chain.block([first]))).toBe(ErrorCode.InvalidNonce);
    const skipped = chain.tx('alice', { type: 'transfer', to: walletOf('bob'), amount: 100n }, 5n);
    expect(txErrorCode(() => chain.block([skipped]))).toBe(ErrorCode.InvalidNonce);
    expect(chain.balance('bob')).toBe(99n);
  });

  it('refuses any transaction signed by a validator key (validators sign blocks only)', () => {
    const chain = new TestChain(smallGenesis({ balances: { [walletOf(VALIDATOR)]: 1_000n } }));
    expect(keyOf(VALIDATOR)).toHaveLength(64);
    expect(txErrorCode(() => chain.run(VALIDATOR, { type: 'transfer', to: walletOf('bob'), amount: 10n }))).toBe(ErrorCode.Unauthorized);
  });

  it('a failing tx inside a block being built leaves the earlier txs of that block in place', () => {
    const chain = new TestChain(smallGenesis({ balances: { alice: 1_000n } }));
    const block = chain.open();
    block.applyTx(chain.tx('alice', { type: 'transfer', to: walletOf('bob'), amount: 500n }));
    expect(() => block.applyTx(chain.tx('alice', { type: 'transfer', to: walletOf('bob'), amount: 600n }))).toThrowError(
      expect.objectContaining({ code: ErrorCode.InsufficientBalance }),
    );
    const outcome = block.finish();
    chain.commit(outcome, 1n);
    expect(chain.balance('alice')).toBe(500n);
    expect(chain.balance('bob')).toBe(495n);
    expect(chain.account('alice').nonce).toBe(1n);
  });
});
