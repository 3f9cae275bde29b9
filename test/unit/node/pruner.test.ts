/**
 * Pruning (src/node/pruning/pruner.ts, docs/protocol.md §20.6) on a real chain: past the window
 * and below finality, blocks lose their body, canonical entry, undo record, tx index and events,
 * a few heights a block; everything recent stays; the state and its supply counters do not move;
 * the block route answers a typed Pruned; a restart resumes with the same earliest height.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Chain } from '../../../src/chain/chain.ts';
import { toHex } from '../../../src/chain/crypto.ts';
import { ChainErrorCode } from '../../../src/chain/errors.ts';
import { ChainStore } from '../../../src/chain/store/chain-store.ts';
import { blockWithEvents } from '../../../src/node/api/routes/blocks.ts';
import { createLogger } from '../../../src/node/logger.ts';
import { PRUNE_PER_BLOCK, Pruner } from '../../../src/node/pruning/pruner.ts';
import { META_SUPPLY } from '../../../src/tokenomics/index.ts';
import { DEV, USER, type RichChain, openRichChain } from '../../reliability/support/rich-chain.ts';
import { codeOfAsync } from '../../support/error-code.ts';
import { testGenesisConfig } from '../chain/chain-fixture.ts';

const KEEP = 6;
let rich: RichChain;
let pruner: Pruner;
const txByHeight = new Map<bigint, string>();

let firstStep: { base: bigint; baseAfter: bigint; rootBefore: string; rootAfter: string; supplyBefore: unknown; supplyAfter: unknown; keysBefore: number; keysAfter: number };

beforeAll(async () => {
  rich = await openRichChain();
  // A backlog first (an archive node switched to pruning), then the pruner.
  for (let i = 0; i < 30; i++) {
    const tx = rich.sign(DEV, { type: 'transfer', to: USER.wallet, amount: 1n + BigInt(i) });
    await rich.chain.submitTx(tx.bytes);
    const block = await rich.produce();
    txByHeight.set(block.header.height, toHex(tx.hash));
  }
  const { chain } = rich;
  const before = { base: chain.baseHeight, root: toHex(chain.head.header.stateRoot), supply: chain.state.get(META_SUPPLY), keys: chain.state.size };
  pruner = new Pruner(chain, { keepBlocks: KEEP }, createLogger('silent', false));
  pruner.start();
  await pruner.idle();
  firstStep = {
    base: before.base, baseAfter: chain.baseHeight, rootBefore: before.root, rootAfter: toHex(chain.head.header.stateRoot),
    supplyBefore: before.supply, supplyAfter: chain.state.get(META_SUPPLY), keysBefore: before.keys, keysAfter: chain.state.size,
  };
  // Each block lets it prune a few more, until it has caught up with the window.
  for (let i = 0; i < 10; i++) {
    await rich.produce();
    await pruner.idle();
  }
});

afterAll(async () => {
  await pruner.close();
  await rich.close();
});

describe('Pruner', () => {
  it('keeps the window and everything at or above finality, and prunes what is below both', async () => {
    const { chain } = rich;
    const head = chain.head.header.height;
    const base = chain.baseHeight;
    // Caught up: the window's first block or the last final one, whichever is lower.
    const keepFrom = head - BigInt(KEEP) + 1n;
    expect(base).toBe(keepFrom < chain.finalizedHeight ? keepFrom : chain.finalizedHeight);
    expect(base).toBeLessThanOrEqual(chain.finalizedHeight);
    expect(await chain.store.earliestHeight()).toBe(base);
    for (let h = 1n; h < base; h++) {
      expect(await chain.blockAt(h)).toBeNull();
      expect(await chain.store.undoRecord(h)).toBeNull();
      for (const kind of ['mint', 'burn', 'distribution'] as const) expect(await chain.eventsAt(kind, h)).toEqual([]);
      const tx = txByHeight.get(h);
      if (tx !== undefined) expect((await chain.txStatus(tx)).status).toBe('unknown');
    }
    for (let h = base; h <= head; h++) {
      expect(await chain.blockAt(h)).not.toBeNull();
      const tx = txByHeight.get(h);
      if (tx !== undefined) expect((await chain.txStatus(tx)).status).toBe('included');
    }
    // Pruned heights lose their tree root too (their nodes nobody above uses went with them).
    expect(await chain.store.tree.rootAt(base - 1n)).toBeNull();
    expect(await chain.store.tree.rootAt(base)).not.toBeNull();
    // The genesis block stays: peers compare it in every status exchange.
    expect(await chain.blockAt(0n)).not.toBeNull();
    expect(await codeOfAsync(blockWithEvents(chain, base - 1n))).toBe(ChainErrorCode.Pruned);
    expect(await codeOfAsync(blockWithEvents(chain, head + 5n))).toBe('NotFound');
    // Proofs need the headers and undo records: below the base they are refused typed, at it they work.
    const key = new TextEncoder().encode(`account:${USER.wallet}`);
    expect(await codeOfAsync(chain.proveState(key, base - 1n))).toBe(ChainErrorCode.HeightNotRetained);
    expect((await chain.proveState(key, base)).height).toBe(base);
  });

  it('drains a backlog a few heights per block, and never touches the state', () => {
    // 30 blocks of backlog: the first step pruned exactly PRUNE_PER_BLOCK heights above genesis.
    expect(firstStep.base).toBe(0n);
    expect(firstStep.baseAfter).toBe(1n + BigInt(PRUNE_PER_BLOCK));
    expect(firstStep.rootAfter).toBe(firstStep.rootBefore);
    expect(firstStep.supplyAfter).toEqual(firstStep.supplyBefore);
    expect(firstStep.keysAfter).toBe(firstStep.keysBefore);
  });

  it('resumes after a restart at the same earliest height', async () => {
    await pruner.close();
    const base = rich.chain.baseHeight;
    const head = toHex(rich.chain.head.hash);
    await rich.chain.close();
    const dir = rich.dir;
    await rich.chain.store.close();
    const reopened = await Chain.open({ store: await ChainStore.open(dir), genesis: testGenesisConfig(3), logger: createLogger('silent', false), verifyThreads: 0 });
    expect(reopened.baseHeight).toBe(base);
    expect(toHex(reopened.head.hash)).toBe(head);
    expect(await reopened.blockAt(base)).not.toBeNull();
    await reopened.close();
    await reopened.store.close();
    // The fixture's own close must not fail on the stores closed here.
    Object.assign(rich, { close: async () => undefined });
  });
});
