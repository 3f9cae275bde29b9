/**
 * GET /v1/events and POST /v1/txs/batch on a real dev node (docs/protocol.md §16.1, §16.2): a
 * batch answers a status per tx in order; a stream delivers pending and included txs and the
 * changes of a subscribed account, each with its height; a client that reconnects with
 * Last-Event-ID receives exactly the events it missed, equal to what a stream that stayed open saw;
 * caps and resume bounds answer typed refusals before any stream starts.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signTx } from '../../../src/chain/codec/tx.ts';
import { pack } from '../../../src/chain/codec/msgpack.ts';
import { toHex } from '../../../src/chain/crypto.ts';
import { buildApi } from '../../../src/node/api/server.ts';
import { DEFAULT_API_LIMITS } from '../../../src/node/api/limits.ts';
import { DEFAULT_EVENT_LIMITS } from '../../../src/node/events/event-hub.ts';
import { type NodeKey, readKeyFile } from '../../../src/node/key-files.ts';
import { createLogger } from '../../../src/node/logger.ts';
import { type DevNode, startDevNode } from '../../e2e/cli/harness.ts';
import { openSse, type SseStream } from '../../support/sse-client.ts';
import { api, waitFor } from '../node-client.ts';

let dev: DevNode;
let devKey: NodeKey;
let nonce = 0n;
const streams: SseStream[] = [];

function transfer(to: string, amount: bigint, at = nonce++) {
  return signTx({ chainId: 'dchat-dev', signer: devKey.publicKeyHex, nonce: at, op: { type: 'transfer', to, amount } }, devKey.secretKey);
}

async function stream(base: string, query: string, headers: Record<string, string> = {}): Promise<SseStream> {
  const s = await openSse(`${base}/v1/events?${query}`, headers);
  streams.push(s);
  return s;
}

async function postBatch(base: string, txs: Uint8Array[]) {
  return api<{ accepted: number; results: Record<string, unknown>[] }>(base, '/v1/txs/batch', {
    method: 'POST', headers: { 'content-type': 'application/msgpack' }, body: Buffer.from(pack(txs)),
  });
}

/** A second API over the same chain with other limits, listening on its own port. */
async function apiWith(overrides: Partial<typeof DEFAULT_EVENT_LIMITS>, exempt = true): Promise<{ app: FastifyInstance; base: string }> {
  const app = buildApi({
    chain: dev.node.chain, txs: dev.node.chain, logger: createLogger('silent', false), producer: null, dev: false, nodeInfo: () => ({}),
    limits: exempt ? DEFAULT_API_LIMITS : { ...DEFAULT_API_LIMITS, exemptClients: [] },
    eventLimits: { ...DEFAULT_EVENT_LIMITS, ...overrides },
  });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, base };
}

beforeAll(async () => {
  dev = await startDevNode(250);
  devKey = readKeyFile(dev.node.dev!.devKeyFile);
});

afterAll(async () => {
  for (const s of streams) s.close();
  await dev?.close();
});

describe('POST /v1/txs/batch (docs/protocol.md §16.2)', () => {
  it('answers one status per tx in the order sent, admitting the valid ones in one pass', async () => {
    const to = randomUUID();
    const first = transfer(to, 1_000n);
    const replayed = first; // the same tx twice: the second is a duplicate
    const garbage = Uint8Array.of(1, 2, 3);
    const second = transfer(to, 2_000n);
    const reply = await postBatch(dev.url, [first.bytes, replayed.bytes, garbage, second.bytes]);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(reply.body.accepted).toBe(2);
    const [a, b, c, d] = reply.body.results;
    expect(a).toMatchObject({ index: 0, hash: toHex(first.hash), status: 'pending' });
    expect(b).toMatchObject({ index: 1, hash: toHex(first.hash), status: 'rejected', code: 'DuplicateTx' });
    expect(c).toMatchObject({ index: 2, hash: null, status: 'rejected', code: 'MalformedBytes' });
    expect(d).toMatchObject({ index: 3, hash: toHex(second.hash), status: 'pending' });
    // The burn (1 %, rounded up) comes out of each amount: 990 + 1,980 arrive.
    await waitFor('inclusion', async () => (await api(dev.url, `/v1/accounts/${to}`)).body.balance === '2970');
  });

  it('refuses an empty batch, one over the bound and a body that is no list of byte strings', async () => {
    expect((await postBatch(dev.url, [])).body).toMatchObject({ code: 'BadRequest' });
    expect((await postBatch(dev.url, Array.from({ length: 1_001 }, () => Uint8Array.of(0)))).body).toMatchObject({ code: 'BadRequest' });
    const notList = await api(dev.url, '/v1/txs/batch', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ txs: 'ab' }) });
    expect(notList.status).toBe(400);
  });
});

describe('GET /v1/events (docs/protocol.md §16.1)', () => {
  it('streams pending and included txs and account changes, and a resumed stream gets exactly what it missed', async () => {
    const to = randomUUID();
    const steady = await stream(dev.url, `topics=blocks,txs,account:${to}`);
    const leaving = await stream(dev.url, `topics=blocks,txs,account:${to}`);
    expect(steady.status).toBe(200);
    await steady.next((e) => e.type === 'hello', 'hello');

    const tip = transfer(to, 11n);
    expect((await postBatch(dev.url, [tip.bytes])).body.accepted).toBe(1);
    const hash = toHex(tip.hash);
    const pending = await steady.next((e) => e.type === 'tx-pending' && e.data.hash === hash, 'tx-pending');
    expect(pending.id).toBeNull();
    const included = await steady.next((e) => e.type === 'tx' && e.data.hash === hash, 'tx included');
    const account = await steady.next((e) => e.type === 'account' && e.data.account === to, 'account event');
    expect(account.data).toMatchObject({ height: included.data.height, txs: [{ hash, index: 0, type: 'transfer', from: devKey.walletId }] });
    expect(account.id).toMatch(new RegExp(`^${included.data.height as string}:\\d+$`));

    // The second client leaves after the tip's account event; two more transfers happen meanwhile.
    await leaving.next((e) => e.type === 'account' && e.data.account === to, 'account event (leaving)');
    const lastSeen = leaving.events.filter((e) => e.id !== null).at(-1)!.id!;
    leaving.close();
    const later = [transfer(to, 1n), transfer(to, 2n)];
    for (const t of later) expect((await postBatch(dev.url, [t.bytes])).body.accepted).toBe(1);
    const lastHash = toHex(later[1]!.hash);
    await steady.next((e) => e.type === 'tx' && e.data.hash === lastHash, 'last transfer included');
    const endHeight = BigInt((await steady.next((e) => e.type === 'tx' && e.data.hash === lastHash, 'again')).data.height as string);

    const resumed = await stream(dev.url, `topics=blocks,txs,account:${to}`, { 'last-event-id': lastSeen });
    await resumed.next((e) => e.type === 'tx' && e.data.hash === lastHash, 'replayed last transfer');
    const [seenHeight, seenIndex] = lastSeen.split(':').map((p) => BigInt(p)) as [bigint, bigint];
    const after = (e: { id: string | null }): boolean => {
      if (e.id === null) return false;
      const [h, i] = e.id.split(':').map((p) => BigInt(p)) as [bigint, bigint];
      return (h > seenHeight || (h === seenHeight && i > seenIndex)) && h <= endHeight;
    };
    // The account event is the last of its block's events for these topics: by then the block is whole.
    await steady.next((e) => e.type === 'account' && e.data.height === endHeight.toString(), 'the last block\'s account event');
    const missed = steady.events.filter(after);
    // Events arrive one at a time: wait until the resumed stream has had as many as were missed.
    await waitFor('the whole replay', async () => resumed.events.filter(after).length >= missed.length);
    const replayed = resumed.events.filter(after);
    expect(missed.length).toBeGreaterThan(0);
    expect(replayed).toEqual(missed);
  });

  it('refuses bad topics and a malformed Last-Event-ID with 400 before streaming', async () => {
    expect((await stream(dev.url, 'topics=')).status).toBe(400);
    const bad = await stream(dev.url, 'topics=account:not-a-uuid');
    expect(bad.refusal).toMatchObject({ code: 'BadRequest' });
    expect((await stream(dev.url, 'topics=chat')).status).toBe(400);
    const badId = await stream(dev.url, 'topics=blocks', { 'last-event-id': 'yesterday' });
    expect(badId.refusal).toMatchObject({ code: 'BadRequest' });
  });

  it('caps streams per client and in total, and refuses a resume point older than it replays', async () => {
    const perClient = await apiWith({ maxStreamsPerClient: 1 }, false);
    try {
      const one = await stream(perClient.base, 'topics=blocks');
      expect(one.status).toBe(200);
      const two = await stream(perClient.base, 'topics=blocks');
      expect(two.status).toBe(429);
      expect(two.refusal).toMatchObject({ code: 'RateLimited' });
      one.close();
      // Its slot comes back once the stream is gone.
      await waitFor('slot freed', async () => perClient.app.events.openStreams === 0);
      expect((await stream(perClient.base, 'topics=blocks')).status).toBe(200);
    } finally {
      await perClient.app.close();
    }

    const total = await apiWith({ maxStreams: 1, maxReplayBlocks: 1 });
    try {
      const only = await stream(total.base, 'topics=blocks');
      expect(only.status).toBe(200);
      const full = await stream(total.base, 'topics=blocks');
      expect(full.status).toBe(503);
      expect(full.refusal).toMatchObject({ code: 'Overloaded' });
      only.close();
      await waitFor('stream gone', async () => total.app.events.openStreams === 0);
      await waitFor('two blocks', async () => dev.node.chain.head.header.height >= 3n);
      const old = await stream(total.base, 'topics=blocks', { 'last-event-id': '0:0' });
      expect(old.status).toBe(410);
      expect(old.refusal).toMatchObject({ code: 'ResumeTooOld' });
    } finally {
      await total.app.close();
    }
  });

  it('ends every stream with a typed end event when the API closes', async () => {
    const own = await apiWith({});
    const s = await stream(own.base, 'topics=blocks');
    await s.next((e) => e.type === 'block', 'a block');
    await own.app.close();
    const end = await s.next((e) => e.type === 'end', 'end event');
    expect(end.data).toMatchObject({ code: 'NodeStopping' });
  });
});
