/**
 * Regression for BUG-1, found by the crash suite (a 25-kill run: an accepted transfer ended up `rejected` on all
 * three nodes right after a one-block reorg). In src/chain/chain.ts `switchBranch`, the mempool is
 * reset onto the new head first and the abandoned blocks' transactions are added back afterwards.
 * A pending tx that follows an abandoned one (same wallet, next nonce) is re-validated before its
 * predecessor is back, fails with InvalidNonce, is remembered as rejected and deleted from the
 * pending journal: an accepted transaction is lost although it is valid on the new head.
 *
 * Expected (docs/protocol.md §14.2, §15): the abandoned txs come back first, in block order, then the txs that
 * were pending, so both are pending after the reorg. (Regression: the pending ones used to be
 * re-checked before the abandoned ones returned, and a next-nonce tx was dropped.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Chain } from '../../../src/chain/chain.ts';
import { toHex } from '../../../src/chain/crypto.ts';
import { ChainStore } from '../../../src/chain/store/chain-store.ts';
import { createLogger } from '../../../src/node/logger.ts';
import { DEV, USER, VALIDATORS, signed, testGenesisConfig } from '../../unit/chain/chain-fixture.ts';

const dirs: string[] = [];
const stores: ChainStore[] = [];
const key = (i: number) => ({ publicKey: VALIDATORS[i]!.hex, secretKey: VALIDATORS[i]!.secretKey });

async function openChain(): Promise<Chain> {
  const dir = mkdtempSync(join(tmpdir(), 'dchat-bug1-'));
  dirs.push(dir);
  const store = await ChainStore.open(dir);
  stores.push(store);
  return Chain.open({ store, genesis: testGenesisConfig(3), logger: createLogger('silent', false), verifyThreads: 0 });
}

afterAll(async () => {
  for (const store of stores) await store.close().catch(() => undefined);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('a reorg keeps pending txs that follow an abandoned one', () => {
  it('keeps the next-nonce tx pending when its predecessor returns from an abandoned block', async () => {
    const a = await openChain();
    const b = await openChain();
    const first = signed(DEV, 0n, { type: 'transfer', to: USER.wallet, amount: 10n });
    const second = signed(DEV, 1n, { type: 'transfer', to: USER.wallet, amount: 11n });
    await a.submitTx(first.bytes);
    await a.produce(1n, key(1)); // block x1 holds `first`
    await a.submitTx(second.bytes); // pending on top of x1
    // A longer branch without `first`: slots 2 and 3.
    const y1 = await b.produce(2n, key(2));
    const y2 = await b.produce(3n, key(0));
    // y1 ties x1 at height 1 (the lower hash wins the tie, so the switch may come at y1 already);
    // y2 makes the branch longer: one of the two imports is the reorg away from x1.
    const outcomes = [(await a.importBlock(y1, 1_000n)).outcome, (await a.importBlock(y2, 1_000n)).outcome];
    expect(outcomes).toContain('reorged');
    expect(a.head.hash).toEqual(y2.hash);
    expect(await a.txStatus(toHex(first.hash))).toEqual({ status: 'pending' });
    // Today: { status: 'rejected', code: 'InvalidNonce', ... }, and gone from the journal.
    expect(await a.txStatus(toHex(second.hash))).toEqual({ status: 'pending' });
  });
});
