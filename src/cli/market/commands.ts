/**
 * `dchat market`: users selling to users with escrow (docs/protocol.md §13.5): listings, buying, confirming,
 * refunding, disputes and their resolution by the authority.
 */
import type { Command } from 'commander';
import { IdSource, applyBps } from '../../tokenomics/index.ts';
import type { Json } from '../client.ts';
import { type CommonFlags, keyNames, makeContext } from '../context.ts';
import { usageError } from '../errors.ts';
import { atBlock, formatTokens } from '../format.ts';
import type { CliIo } from '../io.ts';
import { fields, grid, rows } from '../table.ts';
import { type TxFlags, accountLabel, big, queryCommand, sum, txCommand } from '../token/command.ts';
import { readAfter, simpleTxAction, txAction } from '../tx/command-action.ts';
import type { TxResult } from '../tx/submit.ts';
import { parseAccount, parseAmount, parseCount, parseUuid } from '../values.ts';

const LISTING_STATUSES = ['active', 'sold-out', 'cancelled'];
const PURCHASE_STATUSES = ['escrowed', 'confirmed', 'refunded', 'disputed', 'resolved', 'timed-out'];

/**
 * What the escrow paid whom: the seller's share reaches the seller less the transaction fee
 * (docs/protocol.md §10: the fee rule), the buyer's share comes back whole.
 */
function escrowLines(purchase: Json | null, sellerShare: bigint, events: { burns: readonly Json[] }): string[] {
  const fee = sum(events.burns, 'transaction-fee');
  const amount = purchase === null ? null : big(purchase.amount);
  return rows([
    ...(amount === null ? [] : [['Escrow', formatTokens(amount), 'tokens'] as const]),
    ...(amount === null || amount === sellerShare ? [] : [['Refunded to Buyer', formatTokens(amount - sellerShare), 'tokens'] as const]),
    ['Seller Received', formatTokens(sellerShare - fee), 'tokens'],
    ['Transaction Fee Burned', formatTokens(fee), 'tokens'],
    ['Signer Fee Burned', formatTokens(sum(events.burns, 'fee')), 'tokens'],
  ], 34);
}

/** `seller_received` of --json: the seller's share less the transaction fee (null until the block is in). */
function sellerReceived(sellerShare: bigint | null, result: TxResult): { seller_received: string | null } {
  return { seller_received: sellerShare === null ? null : (sellerShare - sum(result.events.burns, 'transaction-fee')).toString() };
}

/** Confirm (the seller is paid) and dispute (the escrow is frozen): they print the purchase as it now stands. */
function buyerAction(io: CliIo, type: 'confirm' | 'dispute', title: string) {
  return txAction(io, {
    signer: 'none',
    op: (f: TxFlags & { purchaseId: string }) => ({ type, purchaseId: parseUuid('--purchase-id', f.purchaseId) }) as const,
    outcome: async ({ ctx, signer, op, result }) => {
      const purchase = await readAfter(ctx, result, `/v1/purchases/${op.purchaseId}`);
      const sellerShare = purchase === null ? null : big(purchase.amount);
      return {
        title,
        details: { signer: signer.walletId, op: type, purchase_id: op.purchaseId, ...(type === 'confirm' ? sellerReceived(sellerShare, result) : {}), purchase },
        lines: (events) => [
          ...fields([['Purchase ID', op.purchaseId], ['Status', String(purchase?.status ?? '-')]]),
          ...(type === 'confirm' ? escrowLines(purchase, sellerShare ?? 0n, events) : rows([['Fee Burned', formatTokens(sum(events.burns)), 'tokens']], 34)),
        ],
      };
    },
  });
}

export function registerMarket(program: Command, io: CliIo): void {
  const market = program.command('market').description('the user marketplace: listings, purchases in escrow, disputes');

  queryCommand(market, 'listings', 'listings, newest first')
    .option('--status <status>', `only ${LISTING_STATUSES.join(', ')}`)
    .option('--seller <id>', 'only this seller: wallet UUID or key name')
    .action(async (flags: CommonFlags & { status?: string; seller?: string }) => {
      if (flags.status !== undefined && !LISTING_STATUSES.includes(flags.status)) {
        throw usageError('InvalidStatus', `--status must be one of ${LISTING_STATUSES.join(', ')}.`);
      }
      const query = new URLSearchParams();
      if (flags.status !== undefined) query.set('status', flags.status);
      if (flags.seller !== undefined) query.set('seller', parseAccount('--seller', flags.seller, keyNames(io, flags)));
      const ctx = makeContext(io, flags);
      const listings = await ctx.client.get<Json[]>(`/v1/listings${query.size > 0 ? `?${query}` : ''}`);
      ctx.print(listings, [
        `🛒 Listings (${listings.length}):`,
        ...grid(
          [{ header: 'Title', align: 'left' }, { header: 'Price', align: 'right' }, { header: 'Left', align: 'right' }, { header: 'Sold', align: 'right' }, { header: 'Status', align: 'left' }, { header: 'Listing ID', align: 'left' }],
          listings.map((l) => [String(l.title), `${formatTokens(big(l.price))} tokens`, String(l.quantity), String(l.sold), String(l.status), String(l.id)]),
        ),
      ]);
    });

  queryCommand(market, 'purchase', 'one purchase and its escrow')
    .requiredOption('--purchase-id <uuid>', 'the purchase')
    .action(async (flags: CommonFlags & { purchaseId: string }) => {
      const id = parseUuid('--purchase-id', flags.purchaseId);
      const ctx = makeContext(io, flags);
      const p = await ctx.client.get<Json>(`/v1/purchases/${id}`);
      ctx.print(p, [
        `🧾 Purchase ${id}: ${String(p.status)}`,
        `Buyer: ${accountLabel(p.buyer)}  Seller: ${accountLabel(p.seller)}  Listing: ${String(p.listing_id)}`,
        ...rows([['Quantity', String(p.quantity)], ['Amount', formatTokens(big(p.amount)), 'tokens'], ['Escrow Deadline', atBlock(String(p.deadline))]], 34),
      ]);
    });

  queryCommand(market, 'purchases', 'purchases, newest first: a buyer\'s, a seller\'s, or all')
    .option('--buyer <id>', 'only this buyer\'s: wallet UUID or key name')
    .option('--seller <id>', 'only this seller\'s: wallet UUID or key name')
    .option('--status <status>', `only ${PURCHASE_STATUSES.join(', ')}`)
    .option('--limit <n>', 'at most this many', '100')
    .action(async (flags: CommonFlags & { buyer?: string; seller?: string; status?: string; limit: string }) => {
      if (flags.status !== undefined && !PURCHASE_STATUSES.includes(flags.status)) {
        throw usageError('InvalidStatus', `--status must be one of ${PURCHASE_STATUSES.join(', ')}.`);
      }
      const query = new URLSearchParams({ limit: String(parseCount('--limit', flags.limit, 1n, 1000n)) });
      if (flags.buyer !== undefined) query.set('buyer', parseAccount('--buyer', flags.buyer, keyNames(io, flags)));
      if (flags.seller !== undefined) query.set('seller', parseAccount('--seller', flags.seller, keyNames(io, flags)));
      if (flags.status !== undefined) query.set('status', flags.status);
      const ctx = makeContext(io, flags);
      const purchases = await ctx.client.get<Json[]>(`/v1/purchases?${query}`);
      ctx.print(purchases, [
        `🧾 Purchases (${formatTokens(BigInt(purchases.length))}):`,
        ...grid(
          [{ header: 'Purchase ID', align: 'left' }, { header: 'Status', align: 'left' }, { header: 'Qty', align: 'right' }, { header: 'Amount', align: 'right' }, { header: 'Deadline', align: 'right' }, { header: 'Buyer', align: 'left' }, { header: 'Seller', align: 'left' }, { header: 'Listing ID', align: 'left' }],
          purchases.map((p) => [String(p.id), String(p.status), formatTokens(big(p.quantity)), `${formatTokens(big(p.amount))} tokens`, formatTokens(big(p.deadline)), accountLabel(p.buyer), accountLabel(p.seller), String(p.listing_id)]),
        ),
      ]);
    });

  txCommand(market, 'create-listing', 'offer something for sale', 'own')
    .requiredOption('--title <text>', 'what is sold')
    .requiredOption('--price <tokens>', 'price per unit')
    .requiredOption('--quantity <n>', 'units for sale')
    .action(txAction(io, {
      signer: 'none',
      op: (f: TxFlags & { title: string; price: string; quantity: string }) =>
        ({ type: 'create-listing', title: f.title, price: parseAmount('--price', f.price), quantity: parseCount('--quantity', f.quantity) }) as const,
      outcome: ({ signer, op, result }) => {
        // docs/protocol.md §6.3: the listing is the first id this transaction makes (the fee comes after it).
        const listingId = IdSource.forTx(result.hash).id('listing');
        return {
          title: 'Listing created',
          details: { signer: signer.walletId, op: op.type, listing_id: listingId },
          lines: (events) => [
            ...fields([['Listing ID', listingId], ['Title', op.title]]),
            ...rows([['Price', formatTokens(op.price), 'tokens'], ['Quantity', formatTokens(op.quantity)], ['Fee Burned', formatTokens(sum(events.burns)), 'tokens']], 34),
          ],
        };
      },
    }));

  txCommand(market, 'cancel-listing', 'the seller withdraws a listing', 'own')
    .requiredOption('--listing-id <uuid>', 'the listing')
    .action(simpleTxAction<TxFlags & { listingId: string }>(io, {
      signer: 'none',
      op: (f) => ({ type: 'cancel-listing', listingId: parseUuid('--listing-id', f.listingId) }),
      title: 'Listing cancelled',
    }));

  txCommand(market, 'buy', 'buy from a listing: price * quantity goes into escrow', 'own')
    .requiredOption('--listing-id <uuid>', 'the listing')
    .option('--quantity <n>', 'units to buy', '1')
    .action(txAction(io, {
      signer: 'none',
      op: (f: TxFlags & { listingId: string; quantity: string }) =>
        ({ type: 'buy', listingId: parseUuid('--listing-id', f.listingId), quantity: parseCount('--quantity', f.quantity) }) as const,
      outcome: async ({ ctx, signer, op, result }) => {
        // docs/protocol.md §6.3: the purchase is the first id this transaction makes (the fee comes after it).
        const purchaseId = IdSource.forTx(result.hash).id('purchase');
        const purchase = await readAfter(ctx, result, `/v1/purchases/${purchaseId}`);
        return {
          title: 'Bought (in escrow)',
          details: { signer: signer.walletId, op: op.type, purchase_id: purchaseId, listing_id: op.listingId, purchase },
          lines: (events) => [
            ...fields([['Purchase ID', purchaseId], ['Listing ID', op.listingId]]),
            ...rows([
              ['Quantity', formatTokens(op.quantity)],
              ['In Escrow', purchase === null ? '-' : formatTokens(big(purchase.amount)), 'tokens'],
              ['Escrow Deadline', purchase === null ? '-' : atBlock(String(purchase.deadline))],
              ['Fee Burned', formatTokens(sum(events.burns)), 'tokens'],
            ], 34),
            `Next: \`dchat market confirm --purchase-id ${purchaseId}\` once delivered, or \`dchat market dispute --purchase-id ${purchaseId}\`.`,
          ],
        };
      },
    }));

  txCommand(market, 'confirm', 'the buyer confirms: the seller is paid (fee rule)', 'own')
    .requiredOption('--purchase-id <uuid>', 'the purchase')
    .action(buyerAction(io, 'confirm', 'Purchase confirmed'));

  txCommand(market, 'refund', 'the seller refunds the buyer in full', 'own')
    .requiredOption('--purchase-id <uuid>', 'the purchase')
    .action(simpleTxAction<TxFlags & { purchaseId: string }>(io, {
      signer: 'none',
      op: (f) => ({ type: 'refund', purchaseId: parseUuid('--purchase-id', f.purchaseId) }),
      title: 'Purchase refunded',
      lines: (events, op) => [...fields([['Purchase ID', op.type === 'refund' ? op.purchaseId : '-']]), ...rows([['Fee Burned', formatTokens(sum(events.burns)), 'tokens']], 34)],
    }));

  txCommand(market, 'dispute', 'the buyer disputes: the escrow is frozen until the authority resolves it', 'own')
    .requiredOption('--purchase-id <uuid>', 'the purchase')
    .action(buyerAction(io, 'dispute', 'Purchase disputed'));

  txCommand(market, 'resolve-dispute', 'authority: split a disputed escrow (refund_bps back to the buyer)', 'authority')
    .requiredOption('--purchase-id <uuid>', 'the purchase')
    .requiredOption('--refund-bps <bps>', 'share refunded to the buyer, 0-10000; the rest pays the seller')
    .action(txAction(io, {
      signer: 'authority',
      op: (f: TxFlags & { purchaseId: string; refundBps: string }) =>
        ({ type: 'resolve-dispute', purchaseId: parseUuid('--purchase-id', f.purchaseId), refundBps: parseCount('--refund-bps', f.refundBps, 0n, 10_000n) }) as const,
      outcome: async ({ ctx, signer, op, result }) => {
        const purchase = await readAfter(ctx, result, `/v1/purchases/${op.purchaseId}`);
        // §13.5: refund_bps of the escrow back to the buyer (rounded down), the rest to the seller.
        const sellerShare = purchase === null ? null : big(purchase.amount) - applyBps(big(purchase.amount), op.refundBps);
        return {
          title: 'Dispute resolved',
          details: { signer: signer.walletId, op: op.type, purchase_id: op.purchaseId, ...sellerReceived(sellerShare, result), purchase },
          lines: (events) => [...fields([['Purchase ID', op.purchaseId]]), ...escrowLines(purchase, sellerShare ?? 0n, events)],
        };
      },
    }));
}
