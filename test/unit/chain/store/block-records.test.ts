/**
 * A block read with its records (Chain.blockRecordsAt, for the event streams' replay and the block
 * route): the block, its events of the kinds asked and the state keys it wrote, all from one store
 * snapshot, so a prune (or a reorg) committed while the reads run never pairs it with other records.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV, USER, type RichChain, openRichChain } from '../../../reliability/support/rich-chain.ts';

const KINDS = ['mint', 'burn', 'distribution'] as const;
let rich: RichChain;

beforeAll(async () => {
  rich = await openRichChain();
  for (let i = 0; i < 3; i++) {
    await rich.chain.submitTx(rich.sign(DEV, { type: 'transfer', to: USER.wallet, amount: 5n + BigInt(i) }).bytes);
    await rich.produce();
  }
});

afterAll(() => rich.close());

describe('block records', () => {
  it('answers the block, its events of the kinds asked in that order, and the keys it wrote', async () => {
    const { chain } = rich;
    const height = chain.head.header.height - 1n;
    const records = await chain.blockRecordsAt(height, KINDS, true);
    const events = [];
    for (const kind of KINDS) events.push(...(await chain.eventsAt(kind, height)));
    expect(records?.block.hash).toEqual((await chain.blockAt(height))?.hash);
    expect(events.some((e) => e.kind === 'burn')).toBe(true);
    expect(records?.events).toEqual(events);
    expect(await chain.blockEventsAt(height, KINDS)).toEqual(events);
    expect(records?.keys).toEqual([...((await chain.store.undoRecord(height)) ?? new Map()).keys()]);
    expect((await chain.blockRecordsAt(height, ['burn']))?.keys).toBeNull();
    expect(await chain.blockRecordsAt(chain.head.header.height + 1n, KINDS)).toBeNull();
  });

  it('reads everything from the snapshot taken when asked, whatever is committed meanwhile', async () => {
    const { chain } = rich;
    const height = chain.head.header.height - 2n;
    const before = await chain.blockRecordsAt(height, KINDS, true);
    const block = before!.block;
    const reading = chain.blockRecordsAt(height, KINDS, true);
    await chain.store.pruneBlock(height, block.hash, block.txs.map((t) => t.hash));
    expect(await reading).toEqual(before);
    expect(await chain.blockRecordsAt(height, KINDS, true)).toBeNull();
    expect(await chain.eventsAt('burn', height)).toEqual([]);
  });
});
