/**
 * Fork choice, reorgs, finality and equivocation (docs/protocol.md §14.2) on real chains with LevelDB stores,
 * without the network: two chains build competing branches and blocks are handed across.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Chain } from '../../src/chain/chain.ts';
import { toHex } from '../../src/chain/crypto.ts';
import { ChainErrorCode } from '../../src/chain/errors.ts';
import { ChainStore } from '../../src/chain/store/chain-store.ts';
import { createLogger } from '../../src/node/logger.ts';
import { DEV, USER, VALIDATORS, signed, testGenesisConfig } from '../unit/chain/chain-fixture.ts';
import { codeOfAsync as codeOf } from '../support/error-code.ts';
import { watchChain } from '../../src/node/metrics/chain-metrics.ts';
import { createMetrics } from '../../src/node/metrics/metrics.ts';

const dirs: string[] = [];
const chains: Chain[] = [];
const logger = createLogger('silent', false);
const genesis = testGenesisConfig(3);
const FAR = 1_000_000n; // "now" far ahead: no block is from the future
const key = (i: number) => ({ publicKey: VALIDATORS[i]!.hex, secretKey: VALIDATORS[i]!.secretKey });

async function openChain(): Promise<Chain> {
  const dir = mkdtempSync(join(tmpdir(), 'dchat-fork-'));
  dirs.push(dir);
  const chain = await Chain.open({ store: await ChainStore.open(dir), genesis, logger });
  chains.push(chain);
  return chain;
}

afterAll(async () => {
  for (const chain of chains) await chain.store.close().catch(() => undefined);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('fork choice and reorg', () => {
  it('switches to a longer branch: state reverts to the ancestor exactly, abandoned txs return to the mempool', async () => {
    const a = await openChain(); // follows branch X first
    const b = await openChain(); // builds branch Y
    const metrics = createMetrics();
    const unwatch = watchChain(metrics, { chain: a, nowMs: () => 0n });
    const transfer = signed(DEV, 0n, { type: 'transfer', to: USER.wallet, amount: 1_000n });
    await a.submitTx(transfer.bytes);
    const x1 = await a.produce(1n, key(1)); // slot 1 -> validators[1]
    const x2 = await a.produce(2n, key(2));
    expect(x1.txs).toHaveLength(1);
    expect(a.head.header.height).toBe(2n);

    // branch Y skips slots 1-2: slots 3, 4, 5 -> validators 0, 1, 2
    const y1 = await b.produce(3n, key(0));
    const y2 = await b.produce(4n, key(1));
    const y3 = await b.produce(5n, key(2));

    expect((await a.importBlock(y1, FAR)).outcome).toBe('side');
    const second = await a.importBlock(y2, FAR); // same height as x2: the lower hash wins
    expect(second.outcome).toBe(Buffer.compare(y2.hash, x2.hash) < 0 ? 'reorged' : 'side');
    const third = await a.importBlock(y3, FAR);
    expect(third.outcome).toBe(second.outcome === 'reorged' ? 'extended' : 'reorged');

    expect(toHex(a.head.hash)).toBe(toHex(b.head.hash));
    // One reorg, abandoning x1 and x2 (whichever of y2, y3 made it), in the metrics.
    const scraped = await metrics.scrape();
    unwatch();
    expect(scraped).toMatch(/^dchat_reorgs_total 1$/m);
    expect(scraped).toMatch(/^dchat_reorg_depth_blocks_sum 2$/m);
    expect(toHex(a.head.header.stateRoot)).toBe(toHex(b.head.header.stateRoot));
    expect(a.state.sortedEntries()).toEqual(b.state.sortedEntries());
    expect((await a.store.loadState()).sortedEntries()).toEqual(b.state.sortedEntries());
    expect(toHex((await a.blockAt(1n))!.hash)).toBe(toHex(y1.hash));
    // the transfer of the abandoned branch is pending again, and x1's history is gone
    expect(await a.txStatus(toHex(transfer.hash))).toEqual({ status: 'pending' });
    const burns = await a.history('burn', { limit: 10 });
    expect(burns.some((e) => e.txHash === toHex(transfer.hash))).toBe(false);
    const next = await a.produce(6n, key(0));
    expect(next.txs.map((t) => toHex(t.hash))).toEqual([toHex(transfer.hash)]);
    expect(await a.txStatus(toHex(transfer.hash))).toEqual({ status: 'included', height: 4n, index: 0 });
  });

  it('refuses a fork below the last final block', async () => {
    const a = await openChain();
    const b = await openChain();
    // three distinct proposers on top of block 1 make it final (more than 2/3 of 3 validators)
    for (const slot of [1n, 2n, 3n, 4n]) await a.produce(slot, key(Number(slot % 3n)));
    expect(a.finalizedHeight).toBe(1n);
    const fork = await b.produce(5n, key(2)); // a branch from genesis
    expect(await codeOf(a.importBlock(fork, FAR))).toBe(ChainErrorCode.BelowFinality);
  });

  it('keeps both headers when a validator signs two blocks for one slot, and ignores the later one', async () => {
    const a = await openChain();
    const b = await openChain();
    const c = await openChain();
    await c.submitTx(signed(DEV, 0n, { type: 'transfer', to: USER.wallet, amount: 5n }).bytes);
    const first = await b.produce(1n, key(1));
    const second = await c.produce(1n, key(1)); // same slot, same validator, different contents
    await a.importBlock(first, FAR);
    expect(await codeOf(a.importBlock(second, FAR))).toBe(ChainErrorCode.Equivocation);
    const [evidence] = a.evidence();
    expect(evidence).toMatchObject({ slot: 1n, proposer: VALIDATORS[1]!.hex });
    expect(toHex(evidence!.first.hash)).toBe(toHex(first.hash));
    expect(toHex(evidence!.second.hash)).toBe(toHex(second.hash));
    expect(toHex(a.head.hash)).toBe(toHex(first.hash));
    expect(await codeOf(a.importBlock(first, FAR))).toBe(ChainErrorCode.KnownBlock);
  });

  it('an unknown parent is refused with UnknownParent and changes nothing', async () => {
    const a = await openChain();
    const b = await openChain();
    await b.produce(1n, key(1));
    const orphan = await b.produce(2n, key(2));
    expect(await codeOf(a.importBlock(orphan, FAR))).toBe(ChainErrorCode.UnknownParent);
    expect(a.head.header.height).toBe(0n);
  });
});
