/**
 * A validator whose store keeps failing (the commit is faked to fail): the producer tries again
 * within each slot, counts each own slot that ends without its block once (metric and one error
 * line, not one per attempt), reports itself stuck after three in a row, and recovers by itself
 * once the store works again. A real chain on LevelDB; the slot clock is driven by the test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { Chain } from '../../../src/chain/chain.ts';
import { slotAt, slotStartMs } from '../../../src/chain/poa.ts';
import { ChainStore } from '../../../src/chain/store/chain-store.ts';
import { storeFailure } from '../../../src/chain/store/repository.ts';
import { BlockProducer, STUCK_AFTER_MISSED_SLOTS } from '../../../src/node/block-producer.ts';
import type { NodeKey } from '../../../src/node/key-files.ts';
import { createMetrics } from '../../../src/node/metrics/metrics.ts';
import type { SlotClock } from '../../../src/node/slot-clock.ts';
import { DEV, USER, VALIDATORS, signed, testGenesisConfig } from '../chain/chain-fixture.ts';
import { waitFor } from '../../integration/node-client.ts';

const dir = mkdtempSync(join(tmpdir(), 'dchat-producer-'));
const dir2 = mkdtempSync(join(tmpdir(), 'dchat-producer-retry-'));
const lines: { level: number; msg: string }[] = [];
const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as { level: number; msg: string }) });
const ERROR = 50;

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(dir2, { recursive: true, force: true });
});

describe('block producer under a persistently failing store', () => {
  it('one missed-slot count and one error line per own slot, stuck after three, recovers when the store does', async () => {
    const genesis = testGenesisConfig(1);
    const store = await ChainStore.open(dir);
    const chain = await Chain.open({ store, genesis, logger: logger.child({ module: 'chain' }), verifyThreads: 0 });
    let now = slotStartMs(1n, genesis.params);
    const clock: SlotClock = {
      nowMs: () => now,
      currentSlot: () => slotAt(now, genesis.params),
      msUntilSlot: (slot) => Math.max(0, Number(slotStartMs(slot, genesis.params) - now)),
    };
    const metrics = createMetrics();
    const counter = async (): Promise<number> => (await metrics.missedOwnSlots.get()).values[0]?.value ?? 0;
    const gauge = async (): Promise<number> => (await metrics.failedProductions.get()).values[0]?.value ?? 0;
    const v = VALIDATORS[0]!;
    const producer = new BlockProducer(chain, clock, { ...v, publicKeyHex: v.hex, walletId: v.wallet } as NodeKey, logger.child({ module: 'producer' }), metrics);
    const commit = vi.spyOn(store, 'commitBlock').mockRejectedValue(storeFailure('commit block 1', new Error('IO error: No space left on device')));

    producer.start();
    const slots = STUCK_AFTER_MISSED_SLOTS + 1;
    for (let i = 1; i <= slots; i++) {
      // at least two attempts inside this slot, then the slot ends
      const before = commit.mock.calls.length;
      await waitFor(`two attempts in slot ${i}`, async () => commit.mock.calls.length >= before + 2);
      expect(producer.halt === null).toBe(i <= STUCK_AFTER_MISSED_SLOTS);
      now += genesis.params.blockTimeMs;
      await waitFor(`slot ${i} counted as missed`, async () => (await counter()) === i);
    }
    const missedLines = lines.filter((l) => l.msg === 'missed own slot: block production failed');
    expect(missedLines).toHaveLength(slots);
    expect(missedLines.every((l) => l.level === ERROR)).toBe(true);
    expect(lines.filter((l) => l.level >= ERROR)).toHaveLength(slots);
    const attempts = commit.mock.calls.length;
    expect(attempts).toBeGreaterThanOrEqual(2 * slots);
    expect(await gauge()).toBe(attempts);
    const halt = producer.halt!;
    expect(halt).toMatchObject({ kind: 'store', permanent: false, sinceSlot: 1n, sinceMs: slotStartMs(1n, genesis.params), missedSlots: slots });
    expect(halt.reason).toMatch(/No space left on device/);
    expect(producer.haltReason).toBe(halt.reason);
    expect(chain.head.header.height).toBe(0n);

    // the store works again: the next attempt produces, and the node no longer reports itself stuck
    commit.mockRestore();
    await waitFor('a block', async () => chain.head.header.height >= 1n);
    expect(producer.halt).toBeNull();
    expect(await gauge()).toBe(0);
    expect(await counter()).toBe(slots);
    expect(lines.some((l) => l.msg === 'block production recovered')).toBe(true);
    producer.stop();
    await chain.close();
    await store.close();
  });

  it('a block whose commit failed never left the node: the retry in the same slot may hold other txs', async () => {
    const store = await ChainStore.open(dir2);
    const chain = await Chain.open({ store, genesis: testGenesisConfig(1), logger: logger.child({ module: 'chain' }), verifyThreads: 0 });
    const v = VALIDATORS[0]!;
    const key = { publicKey: v.hex, secretKey: v.secretKey };
    vi.spyOn(store, 'commitBlock').mockRejectedValueOnce(storeFailure('commit block 1', new Error('IO error')));
    await expect(chain.produce(1n, key)).rejects.toMatchObject({ code: 'StoreCorrupt' });
    const tx = signed(DEV, 0n, { type: 'transfer', to: USER.wallet, amount: 1_000n });
    await chain.submitTx(tx.bytes);
    const block = await chain.produce(1n, key);
    expect(block.txs.map((t) => t.hash)).toEqual([tx.hash]);
    expect(chain.evidence()).toHaveLength(0);
    await chain.close();
    await store.close();
  });
});
