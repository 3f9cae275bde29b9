/**
 * `dchat stake` and `dchat market` against a real dev node, in-process: a sale through escrow with
 * exact amounts, a dispute split by the authority, staking and relay registration, and usage errors
 * refused before any request.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../../src/cli/errors.ts';
import { type DevNode, cli, closedPort, startDevNode } from './harness.ts';

let dev: DevNode;
let devWallet = '';
let authorityWallet = '';

const run = (args: readonly string[]) => cli([...args, '--node', dev.url], { env: { DCHAT_DATA_DIR: dev.dataDir } });
type Json = Record<string, unknown>;

beforeAll(async () => {
  dev = await startDevNode();
  for (const name of ['dev', 'authority']) {
    const imported = await cli(['keys', 'import', '--name', name, '--file', join(dev.dataDir, 'keys', `${name}.json`), '--data-dir', dev.dataDir, '--json']);
    expect(imported.code, imported.stderr).toBe(0);
    const wallet = imported.json<{ wallet_id: string }>().wallet_id;
    if (name === 'dev') devWallet = wallet;
    else authorityWallet = wallet;
  }
  // the authority's own wallet acts as a second user (buyer)
  const funded = await run(['token', 'transfer', '--from', 'dev', '--to', authorityWallet, '--amount', '100000']);
  expect(funded.code, funded.stderr).toBe(0);
});

afterAll(async () => {
  await dev?.close();
});

describe('dchat market', () => {
  it('list, buy, confirm: the seller receives the price less the 1 % fee', async () => {
    const listed = await run(['market', 'create-listing', '--from', 'dev', '--title', 'Sticker pack', '--price', '400', '--quantity', '3']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain('✅ Listing created');
    const listingId = /^Listing ID: +(\S+)$/m.exec(listed.stdout)?.[1];
    const listings = (await run(['market', 'listings', '--status', 'active', '--json'])).json<Json[]>();
    const listing = listings.find((l) => l.title === 'Sticker pack')!;
    expect(listing).toMatchObject({ id: listingId, price: '400', quantity: '3', seller: devWallet });
    // The listing's seller by key name, as --from takes it.
    expect((await run(['market', 'listings', '--seller', 'dev', '--json'])).json<Json[]>().map((l) => l.id)).toContain(listingId);
    const table = await run(['market', 'listings']);
    expect(table.stdout).toMatch(/Sticker pack +400 tokens +3 +0 +active/);

    const bought = await run(['market', 'buy', '--from', 'authority', '--listing-id', String(listing.id), '--quantity', '2', '--json']);
    expect(bought.code, bought.stderr).toBe(0);
    const purchases = (await cli(['market', 'listings', '--node', dev.url, '--json'])).json<Json[]>();
    expect(purchases.find((l) => l.id === listing.id)).toMatchObject({ quantity: '1', sold: '2' });
    const escrow = dev.node.chain.state.keysWithPrefix('purchase:').map((k) => k.slice('purchase:'.length));
    expect(escrow).toHaveLength(1);
    const purchaseId = escrow[0]!;
    // buy names the purchase it made, and the purchase as it stands in escrow.
    expect(bought.json<Json>()).toMatchObject({ purchase_id: purchaseId, listing_id: listing.id, purchase: { amount: '800', status: 'escrowed', buyer: authorityWallet } });
    // The buyer's and the seller's purchases, by key name.
    const byBuyer = (await run(['market', 'purchases', '--buyer', 'authority', '--json'])).json<Json[]>();
    expect(byBuyer.map((p) => p.id)).toEqual([purchaseId]);
    expect((await run(['market', 'purchases', '--seller', 'authority', '--json'])).json<Json[]>()).toEqual([]);
    const purchaseTable = await run(['market', 'purchases', '--seller', devWallet, '--status', 'escrowed']);
    expect(purchaseTable.stdout).toMatch(new RegExp(`^${purchaseId} +escrowed +2 +800 tokens +[\\d,]+ +${authorityWallet} +${devWallet} +${String(listing.id)}$`, 'm'));
    expect((await run(['market', 'purchase', '--purchase-id', purchaseId, '--json'])).json<Json>()).toMatchObject({ amount: '800', status: 'escrowed' });

    const before = BigInt((await run(['token', 'balance', '--user-id', devWallet, '--json'])).json<{ balance: string }>().balance);
    const confirmed = await run(['market', 'confirm', '--from', 'authority', '--purchase-id', purchaseId, '--json']);
    expect(confirmed.code, confirmed.stderr).toBe(0);
    const burns = (confirmed.json<{ events: { burns: Json[] } }>().events.burns).map((b) => [b.amount, b.reason]);
    expect(burns).toEqual([['8', 'transaction-fee'], ['1', 'fee']]);
    expect(confirmed.json<Json>()).toMatchObject({ purchase_id: purchaseId, seller_received: '792', purchase: { status: 'confirmed' } });
    const after = BigInt((await run(['token', 'balance', '--user-id', devWallet, '--json'])).json<{ balance: string }>().balance);
    expect(after - before).toBe(792n);
    const again = await run(['market', 'confirm', '--from', 'authority', '--purchase-id', purchaseId]);
    expect(again.code).toBe(EXIT_CODES.refused);
    expect(again.stderr).toMatch(/^error PurchaseClosed: /);
  });

  it('a dispute is split by the authority', async () => {
    await run(['market', 'create-listing', '--from', 'dev', '--title', 'Theme', '--price', '1000', '--quantity', '1']);
    const listing = (await run(['market', 'listings', '--status', 'active', '--json'])).json<Json[]>().find((l) => l.title === 'Theme')!;
    const bought = await run(['market', 'buy', '--from', 'authority', '--listing-id', String(listing.id)]);
    expect(bought.code, bought.stderr).toBe(0);
    const purchaseId = dev.node.chain.state
      .keysWithPrefix('purchase:')
      .map((k) => dev.node.chain.state.get(k) as unknown as { id: string; listingId: string })
      .find((p) => p.listingId === listing.id)!.id;
    // The table names the purchase and what comes next, so the buyer can finish it from the CLI.
    expect(bought.stdout).toMatch(new RegExp(`^Purchase ID: +${purchaseId}$`, 'm'));
    expect(bought.stdout).toMatch(/^In Escrow: +1,000 tokens$/m);
    expect(bought.stdout).toContain(`dchat market confirm --purchase-id ${purchaseId}`);
    expect((await run(['market', 'dispute', '--from', 'authority', '--purchase-id', purchaseId])).code).toBe(0);
    const resolved = await run(['market', 'resolve-dispute', '--purchase-id', purchaseId, '--refund-bps', '2500', '--json']);
    expect(resolved.code, resolved.stderr).toBe(0);
    expect(resolved.json<Json>()).toMatchObject({ purchase_id: purchaseId, seller_received: '742' });
    expect((await run(['market', 'purchase', '--purchase-id', purchaseId, '--json'])).json<Json>()).toMatchObject({ status: 'resolved' });
    const burns = resolved.json<{ events: { burns: Json[] } }>().events.burns.map((b) => [b.amount, b.reason]);
    // 750 to the seller, 1 % burned rounded up (7.5 -> 8, docs/protocol.md §10); the authority pays no fee
    expect(burns).toEqual([['8', 'transaction-fee']]);
  });
});

describe('dchat stake', () => {
  it('stake, unstake, status, relay registration, slash', async () => {
    expect((await run(['stake', 'stake', '--from', 'dev', '--amount', '150000'])).code).toBe(0);
    const unstaked = await run(['stake', 'unstake', '--from', 'dev', '--amount', '20000']);
    expect(unstaked.code, unstaked.stderr).toBe(0);
    // More than a hash: what unbonds, when it returns, and what stays staked.
    expect(unstaked.stdout).toMatch(/^Unstaked: +20,000 tokens$/m);
    expect(unstaked.stdout).toMatch(/^Returns at: +block [\d,]+$/m);
    expect(unstaked.stdout).toMatch(/^Still Staked: +130,000 tokens$/m);
    const status = await run(['stake', 'status', '--user-id', devWallet]);
    expect(status.stdout).toMatch(/^Staked: +130,000 tokens$/m);
    expect(status.stdout).toMatch(/^Unbonding: +20,000 tokens$/m);
    expect(status.stdout).toContain('not registered');
    const registered = await run(['stake', 'register-relay', '--from', 'dev']);
    expect(registered.code, registered.stderr).toBe(0);
    expect(registered.stdout).toMatch(new RegExp(`^Relay: +${devWallet}$`, 'm'));
    expect(registered.stdout).toMatch(/^Shares Payouts: +yes$/m);
    expect(registered.stdout).toMatch(/^Staked: +130,000 tokens$/m);
    const relays = (await run(['stake', 'status', '--user-id', devWallet, '--json'])).json<{ relay: Json }>();
    expect(relays.relay).toMatchObject({ id: devWallet, staked: '130000', eligible: true });
    // --user-id as stake status takes it (--account stays its alias: the burn test uses it).
    const slashed = await run(['stake', 'slash', '--user-id', 'dev', '--amount', '140000', '--json']);
    expect(slashed.code, slashed.stderr).toBe(0);
    const after = (await run(['stake', 'status', '--user-id', devWallet, '--json'])).json<{ account: Json; relay: Json }>();
    expect(after.account).toMatchObject({ staked: '0', unbonding_total: '10000' });
    expect(after.relay).toMatchObject({ eligible: false });
    const tooMuch = await run(['stake', 'unstake', '--from', 'dev', '--amount', '1']);
    expect(tooMuch.code).toBe(EXIT_CODES.refused);
    expect(tooMuch.stderr).toMatch(/^error InsufficientStake: /);
  });

  it('bad values are refused before any request', async () => {
    const port = await closedPort();
    for (const args of [
      ['stake', 'stake', '--amount', '-1'],
      ['stake', 'slash', '--account', 'nobody', '--amount', '5'],
      ['market', 'buy', '--listing-id', 'not-a-uuid'],
      ['market', 'create-listing', '--title', 'x', '--price', '1.5', '--quantity', '1'],
      ['market', 'resolve-dispute', '--purchase-id', '6f1c3b52-7d4e-4c3a-9b1a-2f5e8d7c6b5a', '--refund-bps', '10001'],
      ['market', 'listings', '--status', 'open'],
    ]) {
      const out = await cli([...args, '--node', `http://127.0.0.1:${port}`], { env: { DCHAT_DATA_DIR: dev.dataDir } });
      expect(out.code, args.join(' ')).toBe(EXIT_CODES.usage);
      expect(out.stderr).toMatch(/^error \w+: /);
    }
  });
});
