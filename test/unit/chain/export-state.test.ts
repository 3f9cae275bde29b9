/**
 * exportState on a store (docs/protocol.md §14.3): by default the last final block (one below the
 * head for one validator), any stored height on request, checked against that block's state_root;
 * a chain opened on the export starts at that height and produces on with an overridden validator
 * set; a height the data dir does not hold, the old chain id and an override the genesis rules
 * refuse are typed errors.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Chain } from '../../../src/chain/chain.ts';
import { toHex } from '../../../src/chain/crypto.ts';
import { ChainErrorCode } from '../../../src/chain/errors.ts';
import { exportState } from '../../../src/chain/export-state.ts';
import { ChainStore } from '../../../src/chain/store/chain-store.ts';
import { createLogger } from '../../../src/node/logger.ts';
import { ErrorCode, META_VALIDATORS } from '../../../src/tokenomics/index.ts';
import { codeOfAsync } from '../../support/error-code.ts';
import { AUTHORITY_KEY, DEV, VALIDATORS, signed, testGenesisConfig } from './chain-fixture.ts';

const logger = createLogger('silent', false);
const dirs: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'dchat-export-unit-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const proposer = (i: number) => ({ publicKey: VALIDATORS[i]!.hex, secretKey: VALIDATORS[i]!.secretKey });
const NEXT = { chainId: 'dchat-next', genesisTimeMs: 1_800_000_000_000n };

/** A one-validator chain of 5 blocks, a transfer in block 3; its store left open, the chain closed. */
async function storeWithBlocks(): Promise<{ store: ChainStore; roots: Map<bigint, string> }> {
  const store = await ChainStore.open(tempDir());
  const chain = await Chain.open({ store, genesis: testGenesisConfig(), logger, verifyThreads: 0 });
  const roots = new Map<bigint, string>();
  for (let slot = 1n; slot <= 5n; slot++) {
    if (slot === 3n) await chain.submitTx(signed(DEV, 0n, { type: 'transfer', to: AUTHORITY_KEY.wallet, amount: 5_000n }));
    const block = await chain.produce(slot, proposer(0));
    roots.set(block.header.height, toHex(block.header.stateRoot));
  }
  await chain.close();
  return { store, roots };
}

describe('exportState', async () => {
  const { store, roots } = await storeWithBlocks();
  afterAll(() => store.close());

  it('exports the last final block by default: one below the head for one validator', async () => {
    const exported = await exportState(store, NEXT);
    expect(exported.height).toBe(4n);
    expect(toHex(exported.exportedStateRoot)).toBe(roots.get(4n));
    expect(exported.genesis.initialState!.initialHeight).toBe(5n);
    expect(exported.genesis.params.chainId).toBe('dchat-next');
    expect(exported.genesis.params.genesisTimeMs).toBe(NEXT.genesisTimeMs);
  });

  it('exports an older stored height, the state of that block', async () => {
    const before = await exportState(store, { ...NEXT, height: 2n });
    const after = await exportState(store, { ...NEXT, height: 3n });
    expect(toHex(before.exportedStateRoot)).toBe(roots.get(2n));
    const holds = (e: typeof before): boolean => e.genesis.initialState!.pairs.some(([key]) => key === `account:${AUTHORITY_KEY.wallet}`);
    // The transfer of block 3 made the authority's wallet: absent at 2, there at 3.
    expect(toHex(after.exportedStateRoot)).toBe(roots.get(3n));
    expect(holds(before)).toBe(false);
    expect(holds(after)).toBe(true);
  });

  it('starts a chain at the exported height that produces on, with the overriding validator set', async () => {
    const exported = await exportState(store, { ...NEXT, height: 5n, validators: [{ publicKey: VALIDATORS[1]!.hex, rewardWallet: DEV.wallet }] });
    const next = await Chain.open({ store: await ChainStore.open(tempDir()), genesis: exported.genesis, logger, verifyThreads: 0 });
    try {
      expect(next.head.header.height).toBe(5n);
      expect(next.finalizedHeight).toBe(5n);
      expect(toHex(next.head.header.stateRoot)).toBe(toHex(exported.genesisStateRoot));
      expect(next.state.get(META_VALIDATORS)).toEqual([{ publicKey: VALIDATORS[1]!.hex, rewardWallet: DEV.wallet }]);
      // DEV's nonce 0 was used on the old chain: its next transaction carries 1, signed for the new chain id.
      await next.submitTx(signed(DEV, 1n, { type: 'transfer', to: AUTHORITY_KEY.wallet, amount: 1_000n }, 'dchat-next'));
      const block = await next.produce(1n, proposer(1));
      expect(block.header.height).toBe(6n);
      expect(block.txs).toHaveLength(1);
      // Nonce 1 is spent now, on the new chain as nonce 0 was on the old.
      expect(await codeOfAsync(next.submitTx(signed(DEV, 1n, { type: 'transfer', to: AUTHORITY_KEY.wallet, amount: 1n }, 'dchat-next')))).toBe(ErrorCode.InvalidNonce);
      expect(await codeOfAsync(next.submitTx(signed(DEV, 0n, { type: 'transfer', to: AUTHORITY_KEY.wallet, amount: 1n }, 'dchat-next')))).toBe(ErrorCode.InvalidNonce);
      // Exported in turn: nothing below its genesis is held; the genesis is final, and so is block 6 once 7 is on it.
      await next.idle();
      expect(await codeOfAsync(exportState(next.store, { ...NEXT, chainId: 'dchat-third', height: 4n }))).toBe(ChainErrorCode.HeightNotRetained);
      expect((await exportState(next.store, { ...NEXT, chainId: 'dchat-third' })).height).toBe(5n);
      await next.produce(2n, proposer(1));
      expect((await exportState(next.store, { ...NEXT, chainId: 'dchat-third' })).height).toBe(6n);
    } finally {
      await next.close();
      await next.store.close();
    }
  });

  it('refuses a height the data dir does not hold, the old chain id and an override the genesis rules refuse', async () => {
    expect(await codeOfAsync(exportState(store, { ...NEXT, height: 6n }))).toBe(ChainErrorCode.HeightNotRetained);
    expect(await codeOfAsync(exportState(store, { ...NEXT, chainId: 'dchat-test' }))).toBe(ChainErrorCode.InvalidConfig);
    // A validator key that is also the authority's.
    expect(await codeOfAsync(exportState(store, { ...NEXT, validators: [{ publicKey: AUTHORITY_KEY.hex, rewardWallet: DEV.wallet }] }))).toBe(ErrorCode.InvalidGenesis);
  });
});
