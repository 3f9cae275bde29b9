/**
 * `dchat market`: users selling to users with escrow (docs/protocol.md §13.5): listings, buying, confirming,
 * refunding, disputes and their resolution by the authority.
 */
import type { Command } from 'commander';
import type { Json } from '../client.ts';
import { type CommonFlags, makeContext } from '../context.ts';
import { usageError } from '../errors.ts';
import { formatTokens } from '../format.ts';
import type { CliIo } from '../io.ts';
import { grid, rows } from '../table.ts';
import { type TxFlags, accountLabel, big, queryCommand, sum, txCommand } from '../token/command.ts';
import { simpleTxAction } from '../tx/command-action.ts';
import { parseAmount, parseCount, parseUuid } from '../values.ts';

const LISTING_STATUSES = ['active', 'sold-out', 'cancelled'];

function purchaseAction(io: CliIo, type: 'confirm' | 'refund' | 'dispute', title: string) {
  return simpleTxAction<TxFlags & { purchaseId: string }>(io, {
    signer: 'none',
    op: (f) => ({ type, purchaseId: parseUuid('--purchase-id', f.purchaseId) }),
    title,
    lines: (events) => rows([['Fee Burned', formatTokens(sum(events.burns)), 'tokens']], 34),
  });
}

export function registerMarket(program: Command, io: CliIo): void {
  const market = program.command('market').description('the user marketplace: listings, purchases in escrow, disputes');

  queryCommand(market, 'listings', 'listings, newest first')
    .option('--status <status>', `only ${LISTING_STATUSES.join(', ')}`)
    .option('--seller <id>', 'only this seller')
    .action(async (flags: CommonFlags & { status?: string; seller?: string }) => {
      if (flags.status !== undefined && !LISTING_STATUSES.includes(flags.status)) {
        throw usageError('InvalidStatus', `--status must be one of ${LISTING_STATUSES.join(', ')}.`);
      }
      const query = new URLSearchParams();
      if (flags.status !== undefined) query.set('status', flags.status);
      if (flags.seller !== undefined) query.set('seller', parseUuid('--seller', flags.seller));
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
        ...rows([['Quantity', String(p.quantity)], ['Amount', formatTokens(big(p.amount)), 'tokens'], ['Escrow Deadline', `block ${String(p.deadline)}`]], 34),
      ]);
    });

  txCommand(market, 'create-listing', 'offer something for sale', 'own')
    .requiredOption('--title <text>', 'what is sold')
    .requiredOption('--price <tokens>', 'price per unit')
    .requiredOption('--quantity <n>', 'units for sale')
    .action(simpleTxAction<TxFlags & { title: string; price: string; quantity: string }>(io, {
      signer: 'none',
      op: (f) => ({ type: 'create-listing', title: f.title, price: parseAmount('--price', f.price), quantity: parseCount('--quantity', f.quantity) }),
      title: 'Listing created',
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
    .action(simpleTxAction<TxFlags & { listingId: string; quantity: string }>(io, {
      signer: 'none',
      op: (f) => ({ type: 'buy', listingId: parseUuid('--listing-id', f.listingId), quantity: parseCount('--quantity', f.quantity) }),
      title: 'Bought (in escrow)',
    }));

  txCommand(market, 'confirm', 'the buyer confirms: the seller is paid (fee rule)', 'own')
    .requiredOption('--purchase-id <uuid>', 'the purchase')
    .action(purchaseAction(io, 'confirm', 'Purchase confirmed'));

  txCommand(market, 'refund', 'the seller refunds the buyer in full', 'own')
    .requiredOption('--purchase-id <uuid>', 'the purchase')
    .action(purchaseAction(io, 'refund', 'Purchase refunded'));

  txCommand(market, 'dispute', 'the buyer disputes: the escrow is frozen until the authority resolves it', 'own')
    .requiredOption('--purchase-id <uuid>', 'the purchase')
    .action(purchaseAction(io, 'dispute', 'Purchase disputed'));

  txCommand(market, 'resolve-dispute', 'authority: split a disputed escrow (refund_bps back to the buyer)', 'authority')
    .requiredOption('--purchase-id <uuid>', 'the purchase')
    .requiredOption('--refund-bps <bps>', 'share refunded to the buyer, 0-10000; the rest pays the seller')
    .action(simpleTxAction<TxFlags & { purchaseId: string; refundBps: string }>(io, {
      signer: 'authority',
      op: (f) => ({ type: 'resolve-dispute', purchaseId: parseUuid('--purchase-id', f.purchaseId), refundBps: parseCount('--refund-bps', f.refundBps, 0n, 10_000n) }),
      title: 'Dispute resolved',
    }));
}
