import { afterEach, describe, expect, it, vi } from 'vitest';
import { produceBlock } from '../../../src/chain/block-production.ts';
import { Mempool } from '../../../src/chain/mempool.ts';
import { ChainErrorCode } from '../../../src/chain/errors.ts';
import { toHex } from '../../../src/chain/crypto.ts';
import { type Account, type ChainParams, ErrorCode, META_PARAMS, accountKey, applyBlock } from '../../../src/tokenomics/index.ts';
import { HANDLERS } from '../../../src/tokenomics/ops/index.ts';
import { toTxInput } from '../../../src/chain/codec/tx.ts';
import { AUTHORITY_KEY, DEV, USER, VALIDATORS, signed, testGenesis } from './chain-fixture.ts';
import { codeOf } from '../../support/error-code.ts';

/** Built once: the mempool only reads it (a test that changes the state clones it). */
const { genesis: GENESIS, parent: GENESIS_PARENT } = await testGenesis();

function pool(limits = { maxTxs: 100, maxPerSender: 10 }) {
  const genesis = GENESIS;
  const head = { state: genesis.state, height: 0n, timestampMs: genesis.header.timestampMs };
  return { genesis, mempool: new Mempool({ chainId: 'dchat-test', ...limits }, head) };
}

describe('mempool (docs/protocol.md §15)', () => {
  it('accepts consecutive nonces of a sender and keeps arrival order', () => {
    const { mempool } = pool();
    const txs = [0n, 1n, 2n].map((n) => signed(DEV, n, { type: 'transfer', to: USER.wallet, amount: 10n }));
    for (const tx of txs) mempool.add(tx);
    expect([...mempool.pending()].map((t) => t.tx.nonce)).toEqual([0n, 1n, 2n]);
  });

  it('refuses bad signatures, other chains, replays, gaps, duplicates and unaffordable txs', () => {
    const { mempool } = pool();
    const tx = signed(DEV, 0n, { type: 'transfer', to: USER.wallet, amount: 10n });
    expect(codeOf(() => mempool.add({ ...tx, signature: new Uint8Array(64) }))).toBe(ChainErrorCode.InvalidSignature);
    expect(codeOf(() => mempool.add(signed(DEV, 0n, { type: 'transfer', to: USER.wallet, amount: 10n }, 'elsewhere')))).toBe(ChainErrorCode.WrongChainId);
    mempool.add(tx);
    expect(codeOf(() => mempool.add(tx))).toBe(ChainErrorCode.DuplicateTx);
    expect(codeOf(() => mempool.add(signed(DEV, 0n, { type: 'transfer', to: USER.wallet, amount: 11n })))).toBe('InvalidNonce');
    expect(codeOf(() => mempool.add(signed(DEV, 5n, { type: 'transfer', to: USER.wallet, amount: 11n })))).toBe('InvalidNonce');
    // USER's balance is zero until DEV's transfer is included... but pending txs count: 10 - 1 fee = 9 arrives
    mempool.add(signed(USER, 0n, { type: 'transfer', to: DEV.wallet, amount: 8n }));
    expect(codeOf(() => mempool.add(signed(USER, 1n, { type: 'transfer', to: DEV.wallet, amount: 8n })))).toBe('InsufficientBalance');
    expect(codeOf(() => mempool.add(signed(USER, 1n, { type: 'mint', amount: 1n, reason: 'airdrop', recipient: null })))).toBe('Unauthorized');
    expect(mempool.size).toBe(2);
  });

  it('is bounded per sender and in total (MempoolFull)', () => {
    const { mempool } = pool({ maxTxs: 3, maxPerSender: 2 });
    mempool.add(signed(DEV, 0n, { type: 'transfer', to: USER.wallet, amount: 10n }));
    mempool.add(signed(DEV, 1n, { type: 'transfer', to: USER.wallet, amount: 10n }));
    expect(codeOf(() => mempool.add(signed(DEV, 2n, { type: 'transfer', to: USER.wallet, amount: 10n })))).toBe(ChainErrorCode.MempoolFull);
    mempool.add(signed(AUTHORITY_KEY, 0n, { type: 'mint', amount: 1n, reason: 'airdrop', recipient: null }));
    expect(codeOf(() => mempool.add(signed(AUTHORITY_KEY, 1n, { type: 'mint', amount: 1n, reason: 'airdrop', recipient: null })))).toBe(ChainErrorCode.MempoolFull);
  });

  it('on a new head, drops included txs and those no longer valid, with their reason', () => {
    const { genesis, mempool } = pool();
    const a = signed(DEV, 0n, { type: 'transfer', to: USER.wallet, amount: 10n });
    const b = signed(DEV, 1n, { type: 'transfer', to: USER.wallet, amount: 10n });
    mempool.add(a);
    mempool.add(b);
    // another node included a different nonce-0 tx of DEV: `a` is now a replay, `b` is next in line
    const other = signed(DEV, 0n, { type: 'transfer', to: USER.wallet, amount: 99n });
    const outcome = applyBlock(genesis.state, { height: 1n, timestampMs: genesis.header.timestampMs + 1000n }, [toTxInput(other)]);
    const state = genesis.state.clone();
    state.commit(outcome.writes);
    const dropped = mempool.reset({ state, height: 1n, timestampMs: genesis.header.timestampMs + 1000n }, [toHex(other.hash)]);
    expect(dropped.map((d) => [d.tx.tx.nonce, d.error.code])).toEqual([[0n, 'InvalidNonce']]);
    expect([...mempool.pending()].map((t) => t.tx.nonce)).toEqual([1n]);
  });

  describe('admits a tx only if the block it would join can still be finished (issue 12)', () => {
    afterEach(() => {
      vi.restoreAllMocks();
    });

    it('refuses a tx that throws a non-TokenError (TxFailed), and drops one that starts to, with the reason', () => {
      const { genesis, mempool } = pool();
      const burn = (nonce: bigint) => signed(DEV, nonce, { type: 'burn', amount: 1n, reason: 'voluntary', account: null });
      const first = signed(DEV, 0n, { type: 'transfer', to: USER.wallet, amount: 10n });
      mempool.add(first);
      mempool.add(burn(1n));
      // A test-only handler: from now on a burn throws what no token rule would.
      vi.spyOn(HANDLERS.burn, 'apply').mockImplementation(() => {
        throw new RangeError('Maximum call stack size exceeded');
      });
      expect(codeOf(() => mempool.add(burn(2n)))).toBe(ErrorCode.TxFailed);
      expect(mempool.size).toBe(2);
      const dropped = mempool.reset({ state: genesis.state, height: 0n, timestampMs: genesis.header.timestampMs });
      expect(dropped.map((d) => [d.tx.tx.nonce, d.error.code])).toEqual([[1n, ErrorCode.TxFailed]]);
      expect(dropped[0]!.error.message).toMatch(/RangeError/);
      expect([...mempool.pending()].map((t) => toHex(t.hash))).toEqual([toHex(first.hash)]);
    });

    it('an unstake onto 130,000 unbonding entries (the issue\'s attack): refused, or its block finishes', async () => {
      const genesis = GENESIS;
      const state = genesis.state.clone();
      const dev = state.get(accountKey(DEV.wallet)) as Account;
      // The state a wallet reaches by 130,000 one-token unstakes: the same tokens, held as entries.
      const entries = 130_000;
      const unbonding = Array.from({ length: entries }, () => ({ amount: 1n, deadline: 1_000_000n }));
      state.commit(new Map([[accountKey(DEV.wallet), { ...dev, balance: dev.balance - BigInt(entries) - 10n, staked: 10n, unbonding }]]));
      const params = state.get(META_PARAMS) as ChainParams;
      const head = { state, height: 0n, timestampMs: genesis.header.timestampMs };
      const mempool = new Mempool({ chainId: 'dchat-test', maxTxs: 100, maxPerSender: 10 }, head);
      const unstake = signed(DEV, 0n, { type: 'unstake', amount: 1n });
      let refused: string | null = null;
      try {
        mempool.add(unstake);
      } catch (err) {
        refused = (err as { code: string }).code;
      }
      const produced = await produceBlock({ ...GENESIS_PARENT, state }, params, 1n, { publicKey: VALIDATORS[0]!.hex, secretKey: VALIDATORS[0]!.secretKey }, mempool.pending());
      if (refused === null) {
        expect(produced.block.txs.map((t) => toHex(t.hash))).toEqual([toHex(unstake.hash)]);
      } else {
        expect(mempool.size).toBe(0);
        expect(produced.block.txs).toHaveLength(0);
      }
      expect(produced.rejected).toHaveLength(0);
    });
  });
});
