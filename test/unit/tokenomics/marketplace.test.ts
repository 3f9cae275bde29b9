import { describe, expect, it } from 'vitest';
import { ErrorCode, type Uuid } from '../../../src/tokenomics/index.ts';
import { AUTHORITY, TestChain, eventsOf, smallGenesis, txErrorCode, walletOf } from './chain-harness.ts';

function market(): { c: TestChain; listingId: Uuid } {
  const c = new TestChain(smallGenesis({ balances: { seller: 100n, buyer: 10_000n }, escrowTimeoutBlocks: 5n }));
  c.run('seller', { type: 'create-listing', title: 'Sticker pack', price: 400n, quantity: 3n }); // h1
  return { c, listingId: c.idsWithPrefix('listing:')[0]! };
}

function buy(c: TestChain, listingId: Uuid, quantity = 1n): Uuid {
  const before = new Set(c.idsWithPrefix('purchase:'));
  c.run('buyer', { type: 'buy', listingId, quantity });
  return c.idsWithPrefix('purchase:').find((id) => !before.has(id))!;
}

describe('marketplace with escrow (docs/protocol.md §13.5)', () => {
  it('buy moves price * quantity into escrow; confirm pays the seller under the fee rule', () => {
    const { c, listingId } = market();
    expect(c.listing(listingId)).toMatchObject({ seller: walletOf('seller'), price: 400n, quantity: 3n, status: 'active' });
    expect(c.balance('seller')).toBe(99n);
    const supply = c.totalSupply();
    const purchaseId = buy(c, listingId, 2n); // h2
    expect(c.purchase(purchaseId)).toMatchObject({ amount: 800n, quantity: 2n, status: 'escrowed', deadline: 7n });
    expect(c.balance('buyer')).toBe(10_000n - 800n - 1n);
    expect(c.listing(listingId)).toMatchObject({ quantity: 1n, sold: 2n });
    expect(c.totalSupply()).toBe(supply - 1n); // only the min fee burned: escrow still counts
    const out = c.run('buyer', { type: 'confirm', purchaseId });
    expect(c.balance('seller')).toBe(99n + 792n);
    expect(c.purchase(purchaseId)).toMatchObject({ status: 'confirmed', closedHeight: 3n });
    expect(eventsOf(out.events, 'burn').map((e) => [e.amount, e.reason])).toEqual([[8n, 'transaction-fee'], [1n, 'fee']]);
  });

  it('a sold-out or cancelled listing cannot be bought; only the seller cancels', () => {
    const { c, listingId } = market();
    expect(txErrorCode(() => c.run('buyer', { type: 'buy', listingId, quantity: 4n }))).toBe(ErrorCode.InsufficientQuantity);
    buy(c, listingId, 3n);
    expect(c.listing(listingId).status).toBe('sold-out');
    expect(txErrorCode(() => c.run('buyer', { type: 'buy', listingId, quantity: 1n }))).toBe(ErrorCode.ListingClosed);
    c.run('seller', { type: 'create-listing', title: 'Theme', price: 5n, quantity: 1n });
    const second = c.idsWithPrefix('listing:').find((id) => id !== listingId)!;
    expect(txErrorCode(() => c.run('buyer', { type: 'cancel-listing', listingId: second }))).toBe(ErrorCode.Unauthorized);
    c.run('seller', { type: 'cancel-listing', listingId: second });
    expect(txErrorCode(() => c.run('buyer', { type: 'buy', listingId: second, quantity: 1n }))).toBe(ErrorCode.ListingClosed);
    expect(txErrorCode(() => c.run('seller', { type: 'cancel-listing', listingId: second }))).toBe(ErrorCode.ListingClosed);
    expect(txErrorCode(() => c.run('seller', { type: 'buy', listingId, quantity: 1n }))).toBe(ErrorCode.ListingClosed);
    expect(txErrorCode(() => c.run('buyer', { type: 'buy', listingId: '00000000-0000-4000-8000-000000000009', quantity: 1n }))).toBe(ErrorCode.UnknownListing);
  });

  it('price * quantity is overflow-checked', () => {
    const c = new TestChain(smallGenesis({ balances: { seller: 100n, buyer: 10n } }));
    c.run('seller', { type: 'create-listing', title: 'Whale', price: 1n << 40n, quantity: 1n << 30n });
    const listingId = c.idsWithPrefix('listing:')[0]!;
    expect(txErrorCode(() => c.run('buyer', { type: 'buy', listingId, quantity: 1n << 30n }))).toBe(ErrorCode.AmountOverflow);
  });

  it('the seller refunds everything to the buyer (no transfer fee on a refund)', () => {
    const { c, listingId } = market();
    const purchaseId = buy(c, listingId);
    const buyer = c.balance('buyer');
    expect(txErrorCode(() => c.run('buyer', { type: 'refund', purchaseId }))).toBe(ErrorCode.Unauthorized);
    c.run('seller', { type: 'refund', purchaseId });
    expect(c.balance('buyer')).toBe(buyer + 400n);
    expect(c.purchase(purchaseId).status).toBe('refunded');
    expect(txErrorCode(() => c.run('buyer', { type: 'confirm', purchaseId }))).toBe(ErrorCode.PurchaseClosed);
  });

  it('an escrow left alone is paid to the seller at its deadline, before that block\'s txs', () => {
    const { c, listingId } = market();
    const purchaseId = buy(c, listingId); // h2, deadline 7
    c.advance(4); // h3..h6
    expect(c.purchase(purchaseId).status).toBe('escrowed');
    // a dispute included at the deadline comes too late: the payout runs first (the block is refused)
    expect(txErrorCode(() => c.run('buyer', { type: 'dispute', purchaseId }))).toBe(ErrorCode.PurchaseClosed);
    c.block(); // h7
    expect(c.purchase(purchaseId)).toMatchObject({ status: 'timed-out', closedHeight: 7n });
    expect(c.balance('seller')).toBe(99n + 396n);
  });

  it('a dispute freezes the escrow until the authority splits it', () => {
    const { c, listingId } = market();
    const purchaseId = buy(c, listingId, 2n); // 800 in escrow, deadline 7
    c.run('buyer', { type: 'dispute', purchaseId }); // h3
    expect(txErrorCode(() => c.run('seller', { type: 'refund', purchaseId }))).toBe(ErrorCode.PurchaseClosed);
    c.advance(4); // past the deadline: a disputed escrow is not paid out
    expect(c.purchase(purchaseId).status).toBe('disputed');
    const buyer = c.balance('buyer');
    const seller = c.balance('seller');
    expect(txErrorCode(() => c.run('buyer', { type: 'resolve-dispute', purchaseId, refundBps: 5_000n }))).toBe(ErrorCode.Unauthorized);
    expect(txErrorCode(() => c.run(AUTHORITY, { type: 'resolve-dispute', purchaseId, refundBps: 10_001n }))).toBe(ErrorCode.InvalidParameter);
    c.run(AUTHORITY, { type: 'resolve-dispute', purchaseId, refundBps: 2_500n });
    expect(c.balance('buyer')).toBe(buyer + 200n);
    expect(c.balance('seller')).toBe(seller + 594n); // 600 less the 1 % fee
    expect(c.purchase(purchaseId).status).toBe('resolved');
    expect(txErrorCode(() => c.run(AUTHORITY, { type: 'resolve-dispute', purchaseId, refundBps: 0n }))).toBe(ErrorCode.PurchaseClosed);
    expect(txErrorCode(() => c.run('buyer', { type: 'confirm', purchaseId: '00000000-0000-4000-8000-00000000000a' }))).toBe(ErrorCode.UnknownPurchase);
  });

  it("buying pool tokens (the seed's example 3): the buyer pays the operator, who allocates and releases", () => {
    const c = new TestChain(smallGenesis({ balances: { operator: 10n, buyer: 1_000n } }));
    c.run(AUTHORITY, { type: 'create-pool', name: 'Digital Goods', initialAmount: 50_000n, operator: walletOf('operator'), autoReplenish: null });
    const poolId = c.idsWithPrefix('pool:')[0]!;
    c.run('buyer', { type: 'transfer', to: walletOf('operator'), amount: 500n }); // payment: operator gets 495
    c.run('operator', { type: 'allocate', poolId, amount: 500n, recipient: walletOf('buyer'), expiresInBlocks: 10n });
    const allocationId = c.idsWithPrefix('allocation:')[0]!;
    c.run('operator', { type: 'release-allocation', poolId, allocationId });
    expect(c.balance('buyer')).toBe(1_000n - 500n + 495n);
    expect(c.balance('operator')).toBe(10n + 495n - 2n);
    expect(c.pool(poolId)).toMatchObject({ available: 49_500n, reserved: 0n });
  });
});
