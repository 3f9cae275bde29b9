/**
 * The user marketplace and staking views (docs/protocol.md §13.4, §13.5): listings, purchases and their escrow,
 * registered relays, and the equivocation evidence the chain keeps (docs/protocol.md §14.2). Every list is a
 * page (paging.ts): listings and purchases come from the API's collection index, newest first,
 * never from a walk over the state.
 */
import {
  type ChainParams,
  type Listing,
  META_PARAMS,
  META_RELAYS,
  type Account,
  type Purchase,
  type Uuid,
  accountKey,
  listingKey,
  purchaseKey,
} from '../../../tokenomics/index.ts';
import { ApiError } from '../../http/errors.ts';
import { plain } from '../../http/plain.ts';
import { listPage, withNext } from '../paging.ts';
import { listOf, params, query, ref } from '../schemas.ts';
import type { RouteModule } from './route.ts';

interface Page {
  limit: number;
  cursor?: string;
}

export const marketplaceRoutes: RouteModule = (app, { chain }) => {
  const { collections } = app;

  app.get<{ Querystring: Page & { status?: string; seller?: string } }>('/v1/listings', {
    schema: { summary: 'Marketplace listings, newest first', tags: ['marketplace'], querystring: query.listings },
    config: { openapi: { responses: { 200: listOf('Listing'), 400: ref('Error') } } },
  }, async (req, reply) => {
    const { status, seller, limit, cursor } = req.query;
    const page = collections.page('listing', seller === undefined ? 'all' : `seller:${seller.toLowerCase()}`, {
      limit, ...(cursor === undefined ? {} : { cursor }), ...(status === undefined ? {} : { where: (l: Listing) => l.status === status }),
    });
    return withNext(reply, { items: page.items.map(plain), next: page.next });
  });

  app.get<{ Params: { id: string }; Querystring: Page }>('/v1/listings/:id', {
    schema: { summary: 'One listing with its purchases (a page of them, newest first)', tags: ['marketplace'], params: params.uuid, querystring: query.listingPurchases },
    config: { openapi: { responses: { 200: { allOf: [ref('Listing'), { type: 'object', properties: { purchases: listOf('Purchase') } }] }, 404: ref('Error') } } },
  }, async (req, reply) => {
    const id = req.params.id.toLowerCase();
    const listing = chain.state.get(listingKey(id)) as Listing | undefined;
    if (listing === undefined) throw new ApiError('UnknownListing', `No listing ${id}.`);
    const { limit, cursor } = req.query;
    const page = collections.page('purchase', `listing:${id}`, { limit, ...(cursor === undefined ? {} : { cursor }) });
    return withNext(reply, { items: { ...(plain(listing) as object), purchases: page.items.map(plain) }, next: page.next });
  });

  app.get<{ Querystring: Page & { buyer?: string; seller?: string; status?: string } }>('/v1/purchases', {
    schema: { summary: 'Purchases, newest first, by buyer, seller or status', tags: ['marketplace'], querystring: query.purchases },
    config: { openapi: { responses: { 200: listOf('Purchase'), 400: ref('Error') } } },
  }, async (req, reply) => {
    const { status, limit, cursor } = req.query;
    const buyer = req.query.buyer?.toLowerCase();
    const seller = req.query.seller?.toLowerCase();
    // The buyer's or the seller's group when one is given; the other filters are checked per item.
    const group = buyer !== undefined ? `buyer:${buyer}` : seller !== undefined ? `seller:${seller}` : 'all';
    const where = (p: Purchase): boolean => (seller === undefined || p.seller === seller) && (status === undefined || p.status === status);
    const page = collections.page('purchase', group, { limit, where, ...(cursor === undefined ? {} : { cursor }) });
    return withNext(reply, { items: page.items.map(plain), next: page.next });
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

  app.get<{ Querystring: Page }>('/v1/relays', {
    schema: { summary: 'Registered relays, in registration order, and whether they share relay payouts', tags: ['staking'], querystring: query.relays },
    config: { openapi: { responses: { 200: listOf('Relay'), 400: ref('Error') } } },
  }, async (req, reply) => {
    const minStake = (chain.state.get(META_PARAMS) as ChainParams).relayMinStake;
    const relays = (chain.state.get(META_RELAYS) as readonly Uuid[] | undefined) ?? [];
    const page = listPage(relays, req.query.limit, req.query.cursor);
    return withNext(reply, {
      items: page.items.map((id) => {
        const staked = (chain.state.get(accountKey(id)) as Account | undefined)?.staked ?? 0n;
        return plain({ id, staked, eligible: staked >= minStake });
      }),
      next: page.next,
    });
  });

  app.get<{ Querystring: Page }>('/v1/evidence', {
    schema: { summary: 'Equivocations seen: two headers signed by one validator for one slot', tags: ['node'], querystring: query.evidence },
    config: { openapi: { responses: { 200: listOf('Equivocation'), 400: ref('Error') } } },
  }, async (req, reply) => {
    const page = listPage(chain.evidence(), req.query.limit, req.query.cursor);
    return withNext(reply, { items: page.items.map(plain), next: page.next });
  });
};
