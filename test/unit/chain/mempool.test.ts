import { describe, expect, it } from 'vitest';
import { Mempool } from '../../../src/chain/mempool.ts';
import { ChainErrorCode } from '../../../src/chain/errors.ts';
import { toHex } from '../../../src/chain/crypto.ts';
import { applyBlock } from '../../../src/tokenomics/index.ts';
import { toTxInput } from '../../../src/chain/codec/tx.ts';
import { AUTHORITY_KEY, DEV, USER, signed, testGenesis } from './chain-fixture.ts';
import { codeOf } from '../../support/error-code.ts';

function pool(limits = { maxTxs: 100, maxPerSender: 10 }) {
  const genesis = testGenesis();
  const head = { state: genesis.state, height: 0n, timestampMs: genesis.header.timestampMs };
  return { genesis, mempool: new Mempool({ chainId: 'dchat-test', ...limits }, head) };
}

describe('mempool (SPEC 5)', () => {
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
});
