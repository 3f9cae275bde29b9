/**
 * The HTTP API of docs/protocol.md §16 on a real dev node: every route's shape, amounts as strings, schema
 * validation answering 400 {code, message} before any handler runs, 404 for unknown objects,
 * and an OpenAPI document that lists every route the server has.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signTx } from '../../../src/chain/codec/tx.ts';
import { toHex } from '../../../src/chain/crypto.ts';
import { PROTOCOL_VERSION } from '../../../src/chain/protocol-version.ts';
import { buildApi } from '../../../src/node/api/server.ts';
import { type NodeKey, readKeyFile } from '../../../src/node/key-files.ts';
import { createLogger } from '../../../src/node/logger.ts';
import { DCHAT_VERSION } from '../../../src/node/version.ts';
import { IdSource, type Operation, SYSTEM_ACCOUNT_IDS } from '../../../src/tokenomics/index.ts';
import { type DevNode, startDevNode } from '../../e2e/cli/harness.ts';
import { api, postTx, waitFor } from '../node-client.ts';

let dev: DevNode;
let base = '';
let app: FastifyInstance;
let authority: NodeKey;
let devKey: NodeKey;
const nonces = new Map<string, bigint>();

type Json = Record<string, unknown>;

/** Signs with the key's next nonce, submits, waits for inclusion; returns the tx hash and its status. */
async function include(key: NodeKey, op: Operation): Promise<{ hash: string; status: Json }> {
  const nonce = nonces.get(key.publicKeyHex) ?? 0n;
  nonces.set(key.publicKeyHex, nonce + 1n);
  const tx = signTx({ chainId: 'dchat-dev', signer: key.publicKeyHex, nonce, op }, key.secretKey);
  const submitted = await postTx(base, tx.bytes);
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
  const hash = toHex(tx.hash);
  const status = await waitFor('inclusion', async () => {
    const reply = await api(base, `/v1/txs/${hash}`);
    return reply.body.status === 'included' ? reply.body : undefined;
  });
  return { hash, status };
}

beforeAll(async () => {
  dev = await startDevNode();
  base = dev.url;
  authority = readKeyFile(dev.node.dev!.authorityKeyFile);
  devKey = readKeyFile(dev.node.dev!.devKeyFile);
  // A second server over the same chain, for in-process inject() and route introspection.
  app = buildApi({ chain: dev.node.chain, txs: dev.node.chain, logger: createLogger('silent', false), producer: null, dev: false, nodeInfo: () => ({}) });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await dev?.close();
});

describe('HTTP API (docs/protocol.md §16)', () => {
  it('GET /v1/stats: every figure of docs/protocol.md §13.8 and the head height, amounts as strings', async () => {
    const { status, body } = await api(base, '/v1/stats');
    expect(status).toBe(200);
    for (const field of ['circulating_supply', 'total_minted', 'total_burned', 'effective_supply', 'max_supply', 'issued_bps', 'inflation_rate_bps', 'burn_rate_bps', 'annual_provision', 'total_pool_liquidity', 'reserve_balance', 'head_height']) {
      expect(typeof body[field], field).toBe('string');
    }
    expect(body.pool_count).toBe(1);
    expect(body.max_supply).toBe('1000000000000');
    expect(body.annual_provision).toBe('5000000000');
  });

  it('GET /v1/node: the protocol version this node computes and speaks (docs/protocol.md §12), and the software version', async () => {
    const { status, body } = await api(base, '/v1/node');
    expect(status).toBe(200);
    expect(body.protocol_version).toBe(PROTOCOL_VERSION);
    expect(body.version).toBe(DCHAT_VERSION);
    expect(body.chain_id).toBe('dchat-dev');
  });

  it('GET /v1/accounts/{id}: by UUID or system name, with total assets and the next nonce (pending counted)', async () => {
    const treasury = await api(base, '/v1/accounts/treasury');
    expect(treasury.body).toMatchObject({ id: SYSTEM_ACCOUNT_IDS.treasury, name: 'treasury', balance: '25000000000', total_assets: '25000000000', unbonding: [], nonce: '0', next_nonce: '0' });
    const before = BigInt((await api(base, `/v1/accounts/${devKey.walletId}`)).body.nonce as string);
    nonces.set(devKey.publicKeyHex, before);
    const tx = signTx({ chainId: 'dchat-dev', signer: devKey.publicKeyHex, nonce: before, op: { type: 'transfer', to: randomUUID(), amount: 1n } }, devKey.secretKey);
    expect((await postTx(base, tx.bytes)).status).toBe(202);
    // pending or already included, the next nonce has moved on by one
    expect((await api(base, `/v1/accounts/${devKey.walletId}`)).body.next_nonce).toBe(String(before + 1n));
    nonces.set(devKey.publicKeyHex, before + 1n);
    const unknown = await api(base, `/v1/accounts/${randomUUID()}`);
    expect(unknown.body).toMatchObject({ balance: '0', total_assets: '0', nonce: '0', name: null });
  });

  it('GET /v1/pools and /v1/pools/{id}: pools in creation order, one with its allocations', async () => {
    const pools = await api<Json[]>(base, '/v1/pools');
    expect(pools.body).toEqual([expect.objectContaining({ name: 'Marketplace', total: '10000000000', available: '10000000000', reserved: '0', pending_allocations: 0 })]);
    const poolId = pools.body[0]!.id as string;
    const recipient = randomUUID();
    const { hash } = await include(authority, { type: 'allocate', poolId, amount: 1234n, recipient, expiresInBlocks: 50n });
    const allocationId = IdSource.forTx(hash).id('allocation');
    const one = await api<Json & { allocations: Json[] }>(base, `/v1/pools/${poolId}`);
    expect(one.body).toMatchObject({ id: poolId, available: '9999998766', reserved: '1234', pending_allocations: 1 });
    expect(one.body.allocations).toEqual([expect.objectContaining({ id: allocationId, pool_id: poolId, amount: '1234', recipient, status: 'pending', closed_height: null })]);
    const missing = await api(base, `/v1/pools/${randomUUID()}`);
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('UnknownPool');
  });

  it('GET /v1/schedules: paid and shortfall totals and the next run; history of distributions', async () => {
    const { hash } = await include(authority, { type: 'create-schedule', recipientType: 'dev-fund', amountPerInterval: 10n, intervalBlocks: 2n, startBlock: null, durationBlocks: null, poolId: null });
    const id = IdSource.forTx(hash).id('schedule');
    const schedule = await waitFor('a payout', async () => {
      const list = await api<Json[]>(base, '/v1/schedules');
      const found = list.body.find((s) => s.id === id);
      return found !== undefined && found.paid_total !== '0' ? found : undefined;
    });
    expect(schedule).toMatchObject({ recipient_type: 'dev-fund', amount_per_interval: '10', interval_blocks: '2', shortfall_total: '0', cancelled: false, duration_blocks: null });
    expect((BigInt(schedule.next_run_height as string) - BigInt(schedule.start_block as string)) % 2n).toBe(0n);
    const payouts = await api<Json[]>(base, '/v1/history/distributions?reason=dev-fund&limit=1');
    expect(payouts.body).toEqual([expect.objectContaining({ schedule_id: id, recipient_type: 'dev-fund', recipient: SYSTEM_ACCOUNT_IDS['dev-fund'], amount: '10' })]);
  });

  it('history pages backwards with before_height and filters by reason', async () => {
    const newest = await api<Json[]>(base, '/v1/history/mints?limit=3&reason=inflation');
    expect(newest.body).toHaveLength(3);
    const top = BigInt(newest.body[0]!.height as string);
    const older = await api<Json[]>(base, `/v1/history/mints?limit=2&before_height=${top}`);
    expect(older.body.every((e) => BigInt(e.height as string) < top)).toBe(true);
    const genesis = await api<Json[]>(base, '/v1/history/mints?reason=genesis&limit=1000');
    expect(genesis.body.length).toBeGreaterThanOrEqual(6);
    expect(genesis.body.every((e) => e.height === '0')).toBe(true);
  });

  it('history filters by account (a UUID or a system name) and pages with x-next-cursor, inside a block too', async () => {
    const reserve = await api<Json[]>(base, '/v1/history/mints?account=reserve&limit=5');
    expect(reserve.body.length).toBeGreaterThan(0);
    expect(reserve.body.every((e) => e.recipient === SYSTEM_ACCOUNT_IDS.reserve && e.reason === 'inflation')).toBe(true);
    expect((await api<Json[]>(base, `/v1/history/mints?account=${SYSTEM_ACCOUNT_IDS.treasury}&reason=genesis&limit=5`)).body.map((e) => e.height)).toEqual(['0']);
    expect((await api<Json[]>(base, `/v1/history/burns?account=${randomUUID()}`)).body).toEqual([]);
    // The genesis mints all sit in block 0: pages of 2 walk through them one by one.
    const all = (await api<Json[]>(base, '/v1/history/mints?reason=genesis&limit=1000')).body;
    const paged: Json[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const res = await fetch(`${base}/v1/history/mints?reason=genesis&limit=2${cursor === '' ? '' : `&cursor=${cursor}`}`);
      paged.push(...((await res.json()) as Json[]));
      cursor = res.headers.get('x-next-cursor');
    }
    expect(paged).toEqual(all);
    expect((await app.inject({ method: 'GET', url: '/v1/history/mints?cursor=abc' })).json()).toMatchObject({ code: 'BadRequest' });
  });

  it('blocks carry their events; a tx status carries its own; POST /v1/txs takes JSON {tx: hex} too', async () => {
    const head = await api<Json & { events: { mints: Json[] } }>(base, '/v1/blocks/head');
    expect(head.body.events.mints).toEqual([expect.objectContaining({ reason: 'inflation', height: head.body.height })]);
    const genesis = await api<Json & { events: { mints: Json[] } }>(base, '/v1/blocks/0');
    expect(genesis.body.events.mints.length).toBeGreaterThanOrEqual(6);

    const to = randomUUID();
    const nonce = nonces.get(devKey.publicKeyHex)!;
    nonces.set(devKey.publicKeyHex, nonce + 1n);
    const tx = signTx({ chainId: 'dchat-dev', signer: devKey.publicKeyHex, nonce, op: { type: 'transfer', to, amount: 1000n } }, devKey.secretKey);
    const submitted = await api(base, '/v1/txs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tx: toHex(tx.bytes) }) });
    expect(submitted.status).toBe(202);
    const hash = toHex(tx.hash);
    const status = await waitFor('inclusion', async () => {
      const reply = await api<Json & { events: { burns: Json[]; mints: Json[] } }>(base, `/v1/txs/${hash}`);
      return reply.body.status === 'included' ? reply.body : undefined;
    });
    expect(status.events.burns).toEqual([expect.objectContaining({ amount: '10', reason: 'transaction-fee', tx_hash: hash })]);
    expect(status.events.mints).toEqual([]); // the block's inflation is not this tx's
  });

  it('GET /v1/projection: years or blocks, a burn per block, sample points', async () => {
    const year = await api<Json & { points: Json[]; years: Json[] }>(base, '/v1/projection?years=1');
    expect(year.status).toBe(200);
    expect(BigInt(year.body.to_height as string) - BigInt(year.body.from_height as string)).toBe(5_256_000n);
    expect(year.body.points).toHaveLength(12);
    expect(year.body.years[0]).toMatchObject({ year: '0', annual_provision: '5000000000' });
    const short = await api<Json & { points: Json[] }>(base, '/v1/projection?blocks=10&burn_per_block=7&points=2');
    expect(short.body.points.map((p) => [p.blocks_ahead, p.burned])).toEqual([['5', '35'], ['10', '70']]);
  });

  it.each([
    ['/v1/accounts/not-an-id', /path parameter id is not in the expected form/],
    ['/v1/pools/123', /path parameter id/],
    ['/v1/blocks/abc', /path parameter height/],
    ['/v1/blocks/-1', /path parameter height/],
    ['/v1/txs/xyz', /path parameter hash/],
    ['/v1/history/mints?limit=0', /query parameter limit must be >= 1/],
    ['/v1/history/burns?limit=1001', /query parameter limit must be <= 1000/],
    ['/v1/history/burns?limit=ten', /query parameter limit must be integer/],
    ['/v1/history/mints?reason=charity', /query parameter reason must be one of genesis, block-reward/],
    ['/v1/history/distributions?reason=miners', /query parameter reason must be one of validators/],
    ['/v1/history/mints?before_height=x', /query parameter before_height/],
    ['/v1/history/mints?account=someone', /query parameter account is not in the expected form/],
    ['/v1/history/mints?cursor=12', /query parameter cursor is not in the expected form/],
    ['/v1/projection?blocks=0', /blocks must be from 1/],
    ['/v1/projection?years=0', /query parameter years must be >= 1/],
    ['/v1/projection?blocks=5&years=1', /not both/],
    ['/v1/projection?burn_per_block=-5', /query parameter burn_per_block/],
    ['/v1/projection?burn_per_block=99999999999999999999', /burn_per_block must be at most/],
    ['/v1/projection?points=5000', /query parameter points must be <= 1000/],
    ['/v1/listings?limit=0', /query parameter limit must be >= 1/],
    ['/v1/purchases?limit=1001', /query parameter limit must be <= 1000/],
    ['/v1/listings?cursor=zzz', /cursor is not in the expected form/],
    ['/v1/pools?cursor=-1', /cursor is not a position/],
  ])('GET %s -> 400 {code, message}', async (path, message) => {
    const reply = await app.inject({ method: 'GET', url: path });
    expect(reply.statusCode).toBe(400);
    const body = reply.json();
    expect(Object.keys(body).sort()).toEqual(['code', 'message']);
    expect(body.code).toBe('BadRequest');
    expect(body.message).toMatch(message);
  });

  it('unknown routes 404 and missing objects 404 with {code, message}', async () => {
    expect((await app.inject({ method: 'GET', url: '/v1/nope' })).json()).toMatchObject({ code: 'NotFound' });
    expect((await app.inject({ method: 'GET', url: '/v1/blocks/99999999' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: `/v1/txs/${'ab'.repeat(32)}` })).json()).toMatchObject({ code: 'NotFound' });
    expect((await app.inject({ method: 'POST', url: '/v1/dev/produce-block' })).json()).toMatchObject({ code: 'NotDevMode' });
  });

  it('listings, purchases, relays and evidence: the marketplace and staking views', async () => {
    await include(devKey, { type: 'create-listing', title: 'Sticker pack', price: 250n, quantity: 4n });
    const listings = (await api<Json[]>(base, '/v1/listings?status=active')).body;
    const listing = listings.find((l) => l.title === 'Sticker pack')!;
    expect(listing).toMatchObject({ seller: devKey.walletId, price: '250', quantity: '4', sold: '0', status: 'active' });
    const buyer = authority; // the authority's own wallet buys like any user, once funded
    await include(devKey, { type: 'transfer', to: buyer.walletId, amount: 10_000n });
    await include(buyer, { type: 'buy', listingId: listing.id as string, quantity: 3n });
    const one = (await api<Json & { purchases: Json[] }>(base, `/v1/listings/${listing.id}`)).body;
    expect(one).toMatchObject({ quantity: '1', sold: '3' });
    expect(one.purchases).toHaveLength(1);
    const purchase = one.purchases[0]!;
    expect(purchase).toMatchObject({ buyer: buyer.walletId, seller: devKey.walletId, quantity: '3', amount: '750', status: 'escrowed' });
    expect((await api(base, `/v1/purchases/${purchase.id}`)).body).toMatchObject({ amount: '750', status: 'escrowed' });
    expect((await api<Json[]>(base, `/v1/purchases?buyer=${buyer.walletId}`)).body.map((p) => p.id)).toEqual([purchase.id]);
    expect((await api<Json[]>(base, `/v1/purchases?seller=${buyer.walletId}`)).body).toEqual([]);
    expect((await api(base, `/v1/purchases/${randomUUID()}`)).body).toMatchObject({ code: 'UnknownPurchase' });
    expect((await api(base, `/v1/listings/${randomUUID()}`)).status).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/v1/listings?status=bogus' })).statusCode).toBe(400);
    // Lists are pages: a second listing, then pages of one follow x-next-cursor newest first.
    await include(devKey, { type: 'create-listing', title: 'Second pack', price: 5n, quantity: 1n });
    const firstPage = await fetch(`${base}/v1/listings?limit=1&seller=${devKey.walletId}`);
    expect(((await firstPage.json()) as Json[]).map((l) => l.title)).toEqual(['Second pack']);
    const next = firstPage.headers.get('x-next-cursor')!;
    const secondPage = await fetch(`${base}/v1/listings?limit=1&seller=${devKey.walletId}&cursor=${next}`);
    expect(((await secondPage.json()) as Json[]).map((l) => l.title)).toEqual(['Sticker pack']);
    expect(secondPage.headers.get('x-next-cursor')).toBeNull();
    expect((await fetch(`${base}/v1/pools?limit=1`)).headers.get('x-next-cursor')).toBeNull();
    expect((await api(base, '/v1/relays')).body).toEqual([]);
    expect((await api(base, '/v1/evidence')).body).toEqual([]);
  });

  it('GET /v1/openapi.json describes every route the server has (docs/protocol.md §16)', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/v1/openapi.json' })).json() as {
      openapi: string;
      paths: Record<string, Record<string, { summary: string; parameters: { name: string; in: string }[]; responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, unknown> };
    };
    expect(doc.openapi).toMatch(/^3\./);
    const spec = [
      'get /v1/stats', 'get /v1/accounts/{id}', 'get /v1/pools', 'get /v1/pools/{id}', 'get /v1/schedules', 'get /v1/listings',
      'get /v1/purchases/{id}', 'get /v1/history/mints', 'get /v1/history/burns', 'get /v1/history/distributions', 'get /v1/blocks/head',
      'get /v1/blocks/{height}', 'post /v1/txs', 'get /v1/txs/{hash}', 'get /v1/projection', 'get /v1/node', 'get /v1/evidence',
      'post /v1/dev/produce-block', 'get /v1/openapi.json',
    ];
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`));
    expect(documented).toEqual(expect.arrayContaining(spec));
    // and nothing documented that the server does not serve
    for (const entry of documented) {
      const [method, path] = entry.split(' ') as [string, string];
      expect(app.hasRoute({ method: method.toUpperCase() as 'GET', url: path.replace(/\{(\w+)\}/g, ':$1').replace(/:path$/, '*') }), entry).toBe(true);
    }
    expect(doc.paths['/v1/history/mints']!.get!.parameters.map((p) => p.name)).toEqual(['limit', 'reason', 'before_height', 'account', 'cursor']);
    expect(doc.paths['/v1/accounts/{id}']!.get!.parameters).toEqual([expect.objectContaining({ name: 'id', in: 'path', required: true })]);
    expect(doc.paths['/v1/stats']!.get!.responses['200']).toMatchObject({ content: { 'application/json': { schema: { $ref: '#/components/schemas/Stats' } } } });
    for (const name of ['Stats', 'Account', 'Pool', 'Allocation', 'Schedule', 'Block', 'TxStatus', 'Projection', 'Error']) expect(doc.components.schemas).toHaveProperty(name);
    // The limits are documented: in the description, and as 429/503 answers of every route.
    expect((doc as unknown as { info: { description: string } }).info.description).toMatch(/20 requests\/s \(burst 40\).*x-next-cursor/);
    for (const ops of Object.values(doc.paths)) for (const op of Object.values(ops)) expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['429', '503']));
    expect(doc.paths['/v1/listings']!.get!.parameters.map((p) => p.name)).toEqual(['status', 'seller', 'limit', 'cursor']);
  });
});
