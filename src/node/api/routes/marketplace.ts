/**
 * The user marketplace and staking views (SPEC 4.5, 4.6): listings, purchases and their escrow,
 * registered relays, and the equivocation evidence the chain keeps (SPEC 3.4).
 */
import {
  type ChainParams,
  LISTING_PREFIX,
  type Listing,
  META_PARAMS,
  META_RELAYS,
  PURCHASE_PREFIX,
  type Account,
  type Purchase,
  type Uuid,
  accountKey,
  listingKey,
  purchaseKey,
} from '../../../tokenomics/index.ts';
import { ApiError } from '../errors.ts';
import { plain } from '../json.ts';
import { listOf, params, query, ref } from '../schemas.ts';
import type { RouteModule } from './route.ts';

/** Newest first, then by id, so pages are stable. */
const newestFirst = <T extends { createdHeight: bigint; id: string }>(a: T, b: T): number =>
  a.createdHeight === b.createdHeight ? (a.id < b.id ? -1 : 1) : a.createdHeight > b.createdHeight ? -1 : 1;

export const marketplaceRoutes: RouteModule = (app, { chain }) => {
  const all = <T>(prefix: string): T[] => chain.state.keysWithPrefix(prefix).map((key) => chain.state.get(key) as T);

  app.get<{ Querystring: { status?: string; seller?: string } }>('/v1/listings', {
    schema: { summary: 'Marketplace listings, newest first', tags: ['marketplace'], querystring: query.listings },
    config: { openapi: { responses: { 200: listOf('Listing') } } },
  }, async (req) => {
    const { status, seller } = req.query;
    return all<Listing>(LISTING_PREFIX)
      .filter((l) => (status === undefined || l.status === status) && (seller === undefined || l.seller === seller.toLowerCase()))
      .sort(newestFirst)
      .map(plain);
  });

  app.get<{ Params: { id: string } }>('/v1/listings/:id', {
    schema: { summary: 'One listing with its purchases', tags: ['marketplace'], params: params.uuid },
    config: { openapi: { responses: { 200: { allOf: [ref('Listing'), { type: 'object', properties: { purchases: listOf('Purchase') } }] }, 404: ref('Error') } } },
  }, async (req) => {
    const id = req.params.id.toLowerCase();
    const listing = chain.state.get(listingKey(id)) as Listing | undefined;
    if (listing === undefined) throw new ApiError('UnknownListing', `No listing ${id}.`);
    const purchases = all<Purchase>(PURCHASE_PREFIX).filter((p) => p.listingId === id).sort(newestFirst);
    return { ...(plain(listing) as object), purchases: purchases.map(plain) };
  });

  app.get<{ Querystring: { buyer?: string; seller?: string; status?: string } }>('/v1/purchases', {
    schema: { summary: 'Purchases, newest first, by buyer, seller or status', tags: ['marketplace'], querystring: query.purchases },
    config: { openapi: { responses: { 200: listOf('Purchase') } } },
  }, async (req) => {
    const { buyer, seller, status } = req.query;
    return all<Purchase>(PURCHASE_PREFIX)
      .filter((p) => (buyer === undefined || p.buyer === buyer.toLowerCase()) && (seller === undefined || p.seller === seller.toLowerCase()))
      .filter((p) => status === undefined || p.status === status)
      .sort(newestFirst)
      .map(plain);
  });

  app.get<{ Params: { id: string } }>('/v1/purchases/:id', {
    schema: { summary: 'One purchase and its escrow', tags: ['marketplace'], params: params.uuid },
    config: { openapi: { responses: { 200: ref('Purchase'), 404: ref('Error') } } },
  }, async (req) => {
    const id = req.params.id.toLowerCase();
    const purchase = chain.state.get(purchaseKey(id)) as Purchase | undefined;
    if (purchase === undefined) throw new ApiError('UnknownPurchase', `No purchase ${id}.`);
    return plain(purchase);
  });

  app.get('/v1/relays', {
    schema: { summary: 'Registered relays, in registration order, and whether they share relay payouts', tags: ['staking'] },
    config: { openapi: { responses: { 200: listOf('Relay') } } },
  }, async () => {
    const minStake = (chain.state.get(META_PARAMS) as ChainParams).relayMinStake;
    const relays = (chain.state.get(META_RELAYS) as readonly Uuid[] | undefined) ?? [];
    return relays.map((id) => {
      const staked = (chain.state.get(accountKey(id)) as Account | undefined)?.staked ?? 0n;
      return plain({ id, staked, eligible: staked >= minStake });
    });
  });

  app.get('/v1/evidence', {
    schema: { summary: 'Equivocations seen: two headers signed by one validator for one slot', tags: ['node'] },
    config: { openapi: { responses: { 200: listOf('Equivocation') } } },
  }, async () => chain.evidence().map(plain));
};
