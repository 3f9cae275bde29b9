/**
 * The API's collection index (src/node/api/collection-index.ts) on a real chain: pages of every
 * group answer what a walk over the whole state answers, newest first, and following x-next-cursor
 * visits each item once; a filter on a changing field examines at most the scan budget per page
 * (counted state reads); statuses and pending counts follow the blocks; the index built at start
 * from the state equals the one kept from blocks.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CollectionIndex, type CollectionKind, type PageOptions } from '../../../../src/node/api/collection-index.ts';
import { ALLOCATION_PREFIX, type Allocation, LISTING_PREFIX, type Listing, PURCHASE_PREFIX, type Purchase } from '../../../../src/tokenomics/index.ts';
import { AUTHORITY_KEY, DEV, USER, type RichChain, openRichChain } from '../../../reliability/support/rich-chain.ts';

let rich: RichChain | null = null;
const indexes: CollectionIndex[] = [];
afterEach(async () => {
  for (const index of indexes.splice(0)) index.close();
  await rich?.close();
  rich = null;
});

type Item = { id: string; createdHeight: bigint };
const newestFirst = (a: Item, b: Item): number => (a.createdHeight === b.createdHeight ? (a.id < b.id ? 1 : -1) : a.createdHeight > b.createdHeight ? -1 : 1);

/** Every item of a kind in state, newest first: what the routes answered before the index. */
function walk<T extends Item>(prefix: string, where: (item: T) => boolean = () => true): T[] {
  const state = rich!.chain.state;
  return state.keysWithPrefix(prefix).map((k) => state.get(k) as unknown as T).filter(where).sort(newestFirst);
}

/** Follows x-next-cursor to the end. */
function all<T>(index: CollectionIndex, kind: CollectionKind, group: string, options: PageOptions<T>): { items: T[]; pages: number } {
  const items: T[] = [];
  let pages = 0;
  let cursor: string | undefined;
  for (;;) {
    const page = index.page(kind, group, { ...options, ...(cursor === undefined ? {} : { cursor }) } as never);
    pages++;
    items.push(...(page.items as T[]));
    if (page.next === null) return { items, pages };
    cursor = page.next;
  }
}

/** 12 listings by two sellers over three blocks, then purchases of a few and a second allocation. */
async function marketplace(r: RichChain): Promise<void> {
  for (let block = 0; block < 3; block++) {
    for (let i = 0; i < 4; i++) await r.chain.submitTx(r.sign(i % 2 === 0 ? DEV : USER, { type: 'create-listing', title: `thing ${block}.${i}`, price: 10n, quantity: 3n }).bytes);
    await r.produce();
  }
  const listings = walk<Listing>(LISTING_PREFIX);
  for (const listing of listings.filter((l) => l.seller === USER.wallet).slice(0, 3)) {
    await r.chain.submitTx(r.sign(DEV, { type: 'buy', listingId: listing.id, quantity: 3n }).bytes);
  }
  await r.chain.submitTx(r.sign(AUTHORITY_KEY, { type: 'allocate', poolId: r.ids.pool, amount: 7n, recipient: USER.wallet, expiresInBlocks: 1_000n }).bytes);
  await r.produce();
}

describe('CollectionIndex', () => {
  it('pages every group as a walk over the state would, newest first, each item once', async () => {
    rich = await openRichChain();
    const kept = new CollectionIndex(rich.chain);
    indexes.push(kept);
    await marketplace(rich);
    // One index kept from the blocks, one built now from the state: both answer the walk.
    const built = new CollectionIndex(rich.chain);
    indexes.push(built);
    for (const index of [kept, built]) {
      expect(all<Listing>(index, 'listing', 'all', { limit: 5 }).items).toEqual(walk<Listing>(LISTING_PREFIX));
      expect(all<Listing>(index, 'listing', `seller:${USER.wallet}`, { limit: 2 }).items).toEqual(walk<Listing>(LISTING_PREFIX, (l) => l.seller === USER.wallet));
      expect(all<Listing>(index, 'listing', 'all', { limit: 4, where: (l) => l.status === 'sold-out' }).items).toEqual(walk<Listing>(LISTING_PREFIX, (l) => l.status === 'sold-out'));
      expect(all<Purchase>(index, 'purchase', `buyer:${DEV.wallet}`, { limit: 3 }).items).toEqual(walk<Purchase>(PURCHASE_PREFIX, (p) => p.buyer === DEV.wallet));
      expect(all<Purchase>(index, 'purchase', `listing:${rich.ids.listing}`, { limit: 3 }).items).toEqual(walk<Purchase>(PURCHASE_PREFIX, (p) => p.listingId === rich!.ids.listing));
      expect(all<Allocation>(index, 'allocation', `pool:${rich.ids.pool}`, { limit: 1 }).items).toEqual(walk<Allocation>(ALLOCATION_PREFIX, (a) => a.poolId === rich!.ids.pool));
      expect(all<Listing>(index, 'listing', 'all', { limit: 5, oldestFirst: true }).items).toEqual(walk<Listing>(LISTING_PREFIX).reverse());
      expect(all<Listing>(index, 'listing', 'all', { limit: 2, oldestFirst: true, where: (l) => l.status === 'sold-out' }).items).toEqual(walk<Listing>(LISTING_PREFIX, (l) => l.status === 'sold-out').reverse());
      expect(index.pendingAllocations(rich.ids.pool)).toBe(walk<Allocation>(ALLOCATION_PREFIX, (a) => a.status === 'pending').length);
      expect(index.page('listing', `seller:${AUTHORITY_KEY.wallet}`, { limit: 10 })).toEqual({ items: [], ids: [], next: null });
    }
    expect(walk<Listing>(LISTING_PREFIX, (l) => l.status === 'sold-out')).toHaveLength(3);
    expect(kept.pendingAllocations(rich.ids.pool)).toBe(2);
    // A release closes one: the count follows the block.
    await rich.chain.submitTx(rich.sign(AUTHORITY_KEY, { type: 'release-allocation', poolId: rich.ids.pool, allocationId: rich.ids.allocation }).bytes);
    await rich.produce();
    expect(kept.pendingAllocations(rich.ids.pool)).toBe(1);
  });

  it('a filter examines at most the scan budget per page, and the pages still add up to every match', async () => {
    rich = await openRichChain();
    await marketplace(rich);
    const index = new CollectionIndex(rich.chain, 5);
    indexes.push(index);
    const reads = vi.spyOn(rich.chain.state, 'get');
    const first = index.page('listing', 'all', { limit: 100, where: (l) => l.status === 'cancelled' });
    expect(reads).toHaveBeenCalledTimes(5);
    expect(first.items).toEqual([]);
    expect(first.next).not.toBeNull();
    reads.mockClear();
    const soldOut = all<Listing>(index, 'listing', 'all', { limit: 100, where: (l) => l.status === 'sold-out' });
    const examined = reads.mock.calls.length;
    expect(soldOut.items).toEqual(walk<Listing>(LISTING_PREFIX, (l) => l.status === 'sold-out'));
    expect(soldOut.pages).toBe(3); // 13 listings, 5 examined per page
    expect(examined).toBe(13);
    expect(() => index.page('listing', 'all', { limit: 1, cursor: 'bogus' })).toThrow(expect.objectContaining({ code: 'BadRequest' }));
  });
});

describe('CollectionIndex after a reorg', () => {
  it('rebuilds from the state when a block comes at or below the last height: an abandoned item is gone', async () => {
    const { EventEmitter } = await import('node:events');
    const { MemoryState, listingKey } = await import('../../../../src/tokenomics/index.ts');
    const listing = (id: string, createdHeight: bigint): Listing => ({ id, seller: USER.wallet, title: id, price: 1n, quantity: 1n, sold: 0n, status: 'active', createdHeight });
    const [a, b, c] = ['00000000-0000-5000-8000-00000000000a', '00000000-0000-5000-8000-00000000000b', '00000000-0000-5000-8000-00000000000c'];
    const state = new MemoryState([[listingKey(a), listing(a, 3n)]]);
    const chain = { head: { header: { height: 4n } }, state, events: new EventEmitter() };
    const index = new CollectionIndex(chain as never);
    indexes.push(index);
    const block = (height: bigint, writes: Map<string, Listing | null>): void => {
      state.commit(writes);
      chain.events.emit('block', { header: { height } }, { writes });
    };
    block(5n, new Map([[listingKey(b), listing(b, 5n)]]));
    expect(index.page('listing', 'all', { limit: 10 }).items.map((l) => l.id)).toEqual([b, a]);
    // A branch from 4 replaces block 5: b is gone from the state (the reorg's net writes), c came instead.
    state.commit(new Map([[listingKey(b), null]]));
    block(5n, new Map([[listingKey(c), listing(c, 5n)]]));
    expect(index.page('listing', 'all', { limit: 10 }).items.map((l) => l.id)).toEqual([c, a]);
    expect(index.page('listing', `seller:${USER.wallet}`, { limit: 10 }).items.map((l) => l.id)).toEqual([c, a]);
  });
});
