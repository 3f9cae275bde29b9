/**
 * docs/protocol.md §13.5: users sell and buy. A purchase moves price * quantity from the buyer into escrow; the
 * buyer confirms (the seller is paid under the fee rule), the seller refunds, or the buyer disputes
 * and an authority splits the escrow. An escrow left alone until its deadline is paid to the seller.
 */
import { applyBps, mulU64, requireAmount, requireCount } from '../amount.ts';
import { ErrorCode, TokenError } from '../errors.ts';
import type { Ledger } from '../ledger.ts';
import type { BuyOp, CancelListingOp, ConfirmOp, CreateListingOp, DisputeOp, RefundOp, ResolveDisputeOp } from '../operations.ts';
import type { Listing, Purchase, PurchaseStatus } from '../records.ts';
import { type TxContext, requireAuthority, requireId, requireTitle } from './context.ts';
import type { OperationHandler } from './handler.ts';

export const MAX_TITLE_LENGTH = 128;

export const createListing: OperationHandler<CreateListingOp> = {
  authorize: () => 'user',
  apply(l, tx, op) {
    const title = requireTitle(op.title, MAX_TITLE_LENGTH, 'A listing title');
    const listing: Listing = {
      id: l.ids.id('listing'),
      seller: tx.signerId,
      title,
      price: requireAmount(op.price, 'The price'),
      quantity: requireAmount(op.quantity, 'The quantity'),
      sold: 0n,
      status: 'active',
      createdHeight: l.position.height,
    };
    l.putListing(listing);
  },
};

export const cancelListing: OperationHandler<CancelListingOp> = {
  authorize: () => 'user',
  apply(l, tx, op) {
    const listing = l.listing(requireId(op.listingId, 'The listing'));
    if (listing.seller !== tx.signerId) throw new TokenError(ErrorCode.Unauthorized, 'Only the seller may cancel a listing.');
    if (listing.status !== 'active') throw new TokenError(ErrorCode.ListingClosed, `Listing ${listing.id} is ${listing.status}.`);
    l.putListing({ ...listing, status: 'cancelled' });
  },
};

export const buy: OperationHandler<BuyOp> = {
  authorize: () => 'user',
  apply(l, tx, op) {
    const listing = l.listing(requireId(op.listingId, 'The listing'));
    const quantity = requireAmount(op.quantity, 'The quantity');
    if (listing.status !== 'active') throw new TokenError(ErrorCode.ListingClosed, `Listing ${listing.id} is ${listing.status} and cannot be bought.`);
    if (listing.seller === tx.signerId) throw new TokenError(ErrorCode.InvalidParameter, 'A seller cannot buy its own listing.');
    if (quantity > listing.quantity) {
      throw new TokenError(ErrorCode.InsufficientQuantity, `Listing ${listing.id} has ${listing.quantity} left, ${quantity} were asked for.`);
    }
    const amount = mulU64(listing.price, quantity, 'price * quantity');
    l.debitBalance(tx.signerId, amount);
    const remaining = listing.quantity - quantity;
    l.putListing({ ...listing, quantity: remaining, sold: listing.sold + quantity, status: remaining === 0n ? 'sold-out' : 'active' });
    const deadline = l.position.height + l.params().escrowTimeoutBlocks;
    requireCount(deadline, 'The escrow deadline');
    const purchase: Purchase = {
      id: l.ids.id('purchase'),
      listingId: listing.id,
      buyer: tx.signerId,
      seller: listing.seller,
      quantity,
      amount,
      status: 'escrowed',
      createdHeight: l.position.height,
      deadline,
      closedHeight: null,
    };
    l.putPurchase(purchase);
    l.addDeadline(deadline, { kind: 'escrow', id: purchase.id });
  },
};

function closePurchase(l: Ledger, purchase: Purchase, status: PurchaseStatus): void {
  l.putPurchase({ ...purchase, status, closedHeight: l.position.height });
}

/** The purchase, in the state an action needs, acted on by the party allowed to. */
function purchaseFor(l: Ledger, tx: TxContext, op: { purchaseId: string }, party: 'buyer' | 'seller', status: PurchaseStatus): Purchase {
  const purchase = l.purchase(requireId(op.purchaseId, 'The purchase'));
  if (purchase[party] !== tx.signerId) throw new TokenError(ErrorCode.Unauthorized, `Only the ${party} may do this to purchase ${purchase.id}.`);
  if (purchase.status !== status) throw new TokenError(ErrorCode.PurchaseClosed, `Purchase ${purchase.id} is ${purchase.status}, not ${status}.`);
  return purchase;
}

/** Pays an escrow to the seller under the fee rule (confirm and timeout). */
export function payoutToSeller(l: Ledger, purchase: Purchase, status: 'confirmed' | 'timed-out'): void {
  closePurchase(l, purchase, status);
  l.payWithFee(purchase.buyer, purchase.seller, purchase.amount);
}

export const confirm: OperationHandler<ConfirmOp> = {
  authorize: () => 'user',
  apply(l, tx, op) {
    payoutToSeller(l, purchaseFor(l, tx, op, 'buyer', 'escrowed'), 'confirmed');
  },
};

export const refund: OperationHandler<RefundOp> = {
  authorize: () => 'user',
  apply(l, tx, op) {
    const purchase = purchaseFor(l, tx, op, 'seller', 'escrowed');
    closePurchase(l, purchase, 'refunded');
    // The buyer's own tokens come back whole: a refund is not a payment to someone else.
    l.creditBalance(purchase.buyer, purchase.amount);
  },
};

export const dispute: OperationHandler<DisputeOp> = {
  authorize: () => 'user',
  apply(l, tx, op) {
    const purchase = purchaseFor(l, tx, op, 'buyer', 'escrowed');
    l.putPurchase({ ...purchase, status: 'disputed' });
  },
};

export const resolveDispute: OperationHandler<ResolveDisputeOp> = {
  authorize: (_l, tx) => requireAuthority(tx, 'resolve a dispute'),
  apply(l, _tx, op) {
    const purchase = l.purchase(requireId(op.purchaseId, 'The purchase'));
    if (purchase.status !== 'disputed') throw new TokenError(ErrorCode.PurchaseClosed, `Purchase ${purchase.id} is ${purchase.status}, not disputed.`);
    if (typeof op.refundBps !== 'bigint' || op.refundBps < 0n || op.refundBps > 10_000n) {
      throw new TokenError(ErrorCode.InvalidParameter, `refund_bps is a whole number from 0 to 10000, got ${op.refundBps}.`);
    }
    const refunded = applyBps(purchase.amount, op.refundBps);
    closePurchase(l, purchase, 'resolved');
    l.creditBalance(purchase.buyer, refunded);
    // The seller's share is a payment from the buyer: the fee rule applies to it.
    if (purchase.amount > refunded) l.payWithFee(purchase.buyer, purchase.seller, purchase.amount - refunded);
  },
};
