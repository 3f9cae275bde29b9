/**
 * The client SDK against a real dev node (250 ms blocks): queries, signing and sending, inclusion
 * seen on the event stream, a batch with a status per tx, subscriptions resumed with Last-Event-ID,
 * and the node's error codes as typed errors.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClientKey, DchatClient, DchatClientError, type StreamEvent, type TxStatusJson, generateKey, keyFromSeed } from '../../../src/client/index.ts';
import { toHex } from '../../../src/chain/crypto.ts';
import { loadOrCreateKey } from '../../../src/node/key-files.ts';
import { type DevNode, closedPort, startDevNode } from '../cli/harness.ts';

let dev: DevNode;
let client: DchatClient;
let funded: ClientKey;

beforeAll(async () => {
  dev = await startDevNode(250);
  client = new DchatClient({ baseUrl: dev.url });
  funded = await keyFromSeed(toHex(loadOrCreateKey(join(dev.dataDir, 'keys', 'dev.json'), 'dev wallet').secretKey));
}, 30_000);

afterAll(async () => {
  await dev?.close();
});

/** What an included tx's events burned (a transfer's fee). */
function burned(status: TxStatusJson): bigint {
  const burns = (status.events as { burns: { amount: string }[] }).burns;
  expect(burns.length).toBeGreaterThan(0);
  return burns.reduce((sum, b) => sum + BigInt(b.amount), 0n);
}

/** The first `count` events of a subscription (then it is closed). */
async function take(events: AsyncGenerator<StreamEvent>, count: number, controller: AbortController): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  for await (const event of events) {
    if (event.type !== 'hello') out.push(event);
    if (out.length === count) break;
  }
  controller.abort();
  return out;
}

describe('client SDK on a dev node', () => {
  it('reads the node, accounts, stats and pages of lists', async () => {
    const node = await client.node();
    expect(node.chain_id).toBe('dchat-dev');
    const account = await client.account(funded.walletId);
    expect(BigInt(account.balance as string)).toBeGreaterThan(10_000n);
    expect((await client.stats()).head_height).toMatch(/^\d+$/);
    const pools = await client.pools({ limit: 1 });
    expect(Array.isArray(pools.items)).toBe(true);
    expect((await client.proposals()).items).toEqual([]);
  });

  it('sends a transfer and resolves once it is included, with its height', async () => {
    const to = await generateKey();
    const sent = await client.send(funded, { type: 'transfer', to: to.walletId, amount: 1_234n });
    expect(sent.status.status).toBe('included');
    expect(BigInt(sent.status.height!)).toBeGreaterThan(0n);
    // The recipient gets the amount less the fee the transfer burned (its events say how much).
    expect(BigInt((await client.account(to.walletId)).balance as string)).toBe(1_234n - burned(sent.status));
  });

  it('submits a batch with one status per tx, in order, and chains nonces', async () => {
    const to = await generateKey();
    const nonce = await client.nextNonce(funded.walletId);
    const txs = await Promise.all([0n, 1n, 2n].map((i) => client.sign(funded, { type: 'transfer', to: to.walletId, amount: 10n + i }, nonce + i)));
    const results = await client.submitBatch([...txs, txs[0]!]);
    expect(results.map((r) => r.status)).toEqual(['pending', 'pending', 'pending', 'rejected']);
    expect(results[3]).toMatchObject({ index: 3, hash: txs[0]!.hash, code: 'DuplicateTx' });
    // The client knows those three were accepted: the next nonce follows them.
    expect(await client.nextNonce(funded.walletId)).toBe(nonce + 3n);
    const included = await Promise.all(txs.map((tx) => client.waitForInclusion(tx.hash, { timeoutMs: 10_000 })));
    const fees = included.reduce((sum, status) => sum + burned(status), 0n);
    expect(BigInt((await client.account(to.walletId)).balance as string)).toBe(33n - fees);
  });

  it('streams an account’s events and resumes after the last id without a repeat', async () => {
    const to = await generateKey();
    const first = new AbortController();
    const live = take(client.subscribe([`account:${to.walletId}`], { signal: first.signal }), 2, first);
    const hashes: string[] = [];
    for (const amount of [5n, 6n]) hashes.push((await client.send(funded, { type: 'transfer', to: to.walletId, amount })).signed.hash);
    const events = await live;
    expect(events.map((e) => e.type)).toEqual(['account', 'account']);
    expect(events.map((e) => (e.data.txs as { hash: string }[])[0]!.hash)).toEqual(hashes);
    const again = new AbortController();
    const resumed = await take(client.subscribe([`account:${to.walletId}`], { lastEventId: events[0]!.id!, signal: again.signal }), 1, again);
    expect(resumed[0]!.id).toBe(events[1]!.id);
  });

  it('gives the node’s code as a typed error, and NodeUnreachable when nobody answers', async () => {
    const poor = await generateKey();
    const refused = await client.send(poor, { type: 'transfer', to: funded.walletId, amount: 1n }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(DchatClientError);
    expect((refused as DchatClientError).kind).toBe('refused');
    expect((refused as DchatClientError).code).toBe('InsufficientBalance');
    const nobody = new DchatClient({ baseUrl: `http://127.0.0.1:${await closedPort()}` });
    const down = await nobody.node().catch((err: unknown) => err);
    expect(down).toMatchObject({ kind: 'unreachable', code: 'NodeUnreachable' });
  });
});
