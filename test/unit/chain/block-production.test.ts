/**
 * produceBlock never wedges on what a transaction does (issue 12, item 2): a tx that throws
 * anything (not only a TokenError) is left out with TxFailed, and a tx that applies but makes the
 * block's finish() fail is found by bisection and left out; the block is built and imports. Only
 * an empty block that cannot be built (BlockStepsFailed) or a broken invariant stops production.
 * The misbehaving operations are test-only handlers put into the handler table for one test.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type ParentInfo, importBlock } from '../../../src/chain/block-import.ts';
import { produceBlock } from '../../../src/chain/block-production.ts';
import { genesisParent } from '../../../src/chain/genesis-block.ts';
import { toHex } from '../../../src/chain/crypto.ts';
import type { SignedTx } from '../../../src/chain/codec/tx.ts';
import { ChainErrorCode } from '../../../src/chain/errors.ts';
import { type ChainParams, ErrorCode, META_PARAMS, META_SUPPLY, type MemoryState, type SupplyState } from '../../../src/tokenomics/index.ts';
import { HANDLERS } from '../../../src/tokenomics/ops/index.ts';
import { DEV, USER, VALIDATORS, signed, testGenesisConfig } from './chain-fixture.ts';
import { codeOfAsync } from '../../support/error-code.ts';

const proposer = { publicKey: VALIDATORS[0]!.hex, secretKey: VALIDATORS[0]!.secretKey };

/** blocks_per_year 1: every block ends an inflation year, so finish() reads the inflation rate. */
async function parentOf(overrides: Partial<ChainParams> = {}): Promise<{ parent: ParentInfo; params: ChainParams }> {
  const { genesis, parent } = await genesisParent(testGenesisConfig(1, { blocksPerYear: 1n, ...overrides }));
  return { parent, params: genesis.state.get(META_PARAMS) as ChainParams };
}

const pay = (nonce: bigint, amount = 1_000n): SignedTx => signed(DEV, nonce, { type: 'transfer', to: USER.wallet, amount });
const burn = (nonce: bigint): SignedTx => signed(DEV, nonce, { type: 'burn', amount: 1n, reason: 'voluntary', account: null });
const hashes = (txs: readonly SignedTx[]): string[] => txs.map((t) => toHex(t.hash));

afterEach(() => {
  vi.restoreAllMocks();
});

describe('produceBlock: a transaction cannot stop the block', () => {
  it('leaves out a tx that throws a non-TokenError (TxFailed with the error) and includes the others', async () => {
    vi.spyOn(HANDLERS.burn, 'apply').mockImplementation(() => {
      throw new RangeError('Maximum call stack size exceeded');
    });
    const { parent, params } = await parentOf();
    const txs = [pay(0n), burn(1n), signed(USER, 0n, { type: 'transfer', to: DEV.wallet, amount: 100n })];
    const produced = await produceBlock(parent, params, 1n, proposer, txs);
    expect(hashes(produced.block.txs)).toEqual(hashes([txs[0]!, txs[2]!]));
    expect(produced.rejected.map((r) => [toHex(r.tx.hash), r.error.code])).toEqual([[toHex(txs[1]!.hash), ErrorCode.TxFailed]]);
    expect(produced.rejected[0]!.error.message).toMatch(/RangeError: Maximum call stack size exceeded/);
    // the block is valid: an importer reaches the same state root
    expect((await importBlock(produced.block, parent, 1n)).stateRoot).toEqual(produced.block.header.stateRoot);
  });

  it('finds a tx that applies but makes finish() fail, drops it, builds the block before it and keeps the rest waiting', async () => {
    // A test-only burn whose write only breaks the year-end step of finish(): it removes the inflation rate.
    vi.spyOn(HANDLERS.burn, 'apply').mockImplementation((l) => {
      const p = l.params();
      l.overlay.set(META_PARAMS, { ...p, supply: { ...p.supply, inflationRateBps: undefined as unknown as bigint } });
    });
    const { parent, params } = await parentOf();
    const txs = [pay(0n), pay(1n), burn(2n), pay(3n), signed(USER, 0n, { type: 'transfer', to: DEV.wallet, amount: 100n })];
    const produced = await produceBlock(parent, params, 1n, proposer, txs);
    expect(hashes(produced.block.txs)).toEqual(hashes(txs.slice(0, 2)));
    expect(produced.rejected).toHaveLength(1);
    expect(toHex(produced.rejected[0]!.tx.hash)).toBe(toHex(txs[2]!.hash));
    expect(produced.rejected[0]!.error.code).toBe(ErrorCode.TxFailed);
    expect(produced.rejected[0]!.error.message).toMatch(/cannot be finished with this transaction: TypeError/);
    expect((await importBlock(produced.block, parent, 1n)).stateRoot).toEqual(produced.block.header.stateRoot);
  });

  it('an empty block that cannot be built is this node\'s own failure: BlockStepsFailed', async () => {
    const { parent, params } = await parentOf();
    const noRate = { ...params, supply: { ...params.supply, inflationRateBps: undefined as unknown as bigint } };
    const state = parent.state as MemoryState;
    const broken = state.clone();
    broken.commit(new Map([[META_PARAMS, noRate]]));
    // fails in finish() (the year-end step), with and without transactions
    expect((await codeOfAsync(produceBlock({ ...parent, state: broken }, params, 1n, proposer, [])))).toBe(ChainErrorCode.BlockStepsFailed);
    expect((await codeOfAsync(produceBlock({ ...parent, state: broken }, params, 1n, proposer, [pay(0n), pay(1n)])))).toBe(ChainErrorCode.BlockStepsFailed);
    // fails in the steps before any transaction (inflation divides by blocks_per_year)
    const zeroYear = state.clone();
    zeroYear.commit(new Map([[META_PARAMS, { ...params, blocksPerYear: 0n }]]));
    expect((await codeOfAsync(produceBlock({ ...parent, state: zeroYear }, params, 1n, proposer, [pay(0n)])))).toBe(ChainErrorCode.BlockStepsFailed);
  });

  it('a broken invariant is not blamed on a transaction: InvariantViolation stops production', async () => {
    const { parent, params } = await parentOf();
    const state = (parent.state as MemoryState).clone();
    const supply = state.get(META_SUPPLY) as SupplyState;
    // total_minted past u64 (the supply itself unchanged): only this node's own state can be at fault
    state.commit(new Map([[META_SUPPLY, { ...supply, totalMinted: supply.totalMinted + (1n << 64n), totalBurned: supply.totalBurned + (1n << 64n) }]]));
    expect((await codeOfAsync(produceBlock({ ...parent, state }, params, 1n, proposer, [pay(0n)])))).toBe(ErrorCode.InvariantViolation);
  });
});
