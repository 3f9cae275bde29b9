/**
 * Gossip costs the sender (issue 12 item 4; README "Network"). A validator `a` (address bans on
 * loopback at the first banned peer, `p2p_shared_address_ban_threshold: 1`, so that the rule for a
 * public address can be tried on 127.0.0.1) and a follower `b` (loopback refused only past 100
 * banned peers, so the raw peers of every test can reach it; the default rule for shared addresses,
 * 3, is tried in test/unit/node/network/address-bans.test.ts), with raw libp2p peers on the gossip
 * topics:
 *
 * 1. an honest relay of txs that lost a race (a nonce already used, a balance already spent by a tx
 *    that reached the node first), each after the valid tx it lost to: never throttled, never
 *    banned, its gossipsub score not lowered;
 * 2. oversized frames (a gossip RPC over the frame limit, requests and a status answer over the
 *    req/resp limit): one log line per peer per window, a penalty per frame: the first does not
 *    ban, more do;
 * 3. a sustained flood of well-signed txs from keys that hold nothing (2,000 a second, DCHAT_FLOOD_TXS
 *    prepared: 3,000 in CI; `node scripts/reliability/run.ts flood` prepares 20,000; then fresh ones
 *    until the node cuts it off, so the ban never races the machine's load): the flooder is throttled (dropped unread) and then banned and cut off; the txs the node decoded and
 *    verified for it stay within the budget (capacity + refill x seconds), a fraction of what it
 *    sent; blocks keep coming;
 * 4. the flooder comes back with a fresh key from the same address: refused at connect, nothing it
 *    sends is validated, while the peers connected before stay connected;
 * 5. (long run only, DCHAT_FLOOD_SLOW=1) a slow flooder, 25 zero-balance txs a second, under the
 *    refill rate: never throttled, every tx verified, and still banned at the failure streak.
 * Counts are printed and written to test-artifacts/reliability/gossip-flood.json.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { multiaddr } from '@multiformats/multiaddr';
import { lpStream } from 'it-length-prefixed-stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SignedTx, signTx } from '../../../src/chain/codec/tx.ts';
import { generateKeyPair, toHex } from '../../../src/chain/crypto.ts';
import { type NodeKey, readKeyFile } from '../../../src/node/key-files.ts';
import type { P2pHost } from '../../../src/node/network/host.ts';
import { MAX_REQUEST_BYTES } from '../../../src/node/network/messages.ts';
import { protocolNames } from '../../../src/node/network/protocols.ts';
import { DEFAULT_TX_BUDGET } from '../../../src/node/network/tx-budget.ts';
import type { DchatNode } from '../../../src/node/node.ts';
import { TestNet, height, rawPeer } from '../../integration/network/harness.ts';
import { walletIdFromPublicKey } from '../../../src/tokenomics/ids.ts';
import { http, sleep, waitUntil } from '../support/http.ts';
import { envCount, writeReport } from '../support/report.ts';

const FLOOD_TXS = envCount('DCHAT_FLOOD_TXS', 3_000);
/** The long run adds a slow flooder (under the refill rate, about 16 s): DCHAT_FLOOD_SLOW=1. */
const SLOW = process.env.DCHAT_FLOOD_SLOW === '1';
const MAX_BLOCK_BYTES = 128 * 1024;
let net: TestNet;
const peers: P2pHost[] = [];
const logs: { node: string; msg: string; peer?: string; [k: string]: unknown }[] = [];
const report: Record<string, unknown> = {};

function capture(node: string): pino.Logger {
  return pino({ level: 'info' }, { write: (line: string) => void logs.push({ node, ...(JSON.parse(line) as { msg: string }) }) });
}

async function peerOn(targets: DchatNode[], setup?: (host: P2pHost) => Promise<void>): Promise<P2pHost> {
  const host = await rawPeer(targets, setup);
  peers.push(host);
  return host;
}

const a = (): DchatNode => net.node('a');
const b = (): DchatNode => net.node('b');
const txsTopic = (): string => protocolNames(a().chain.params.chainId).txsTopic;
const transfer = (wallet: NodeKey | { publicKeyHex: string; secretKey: Uint8Array }, nonce: bigint, amount: bigint, to: string = randomUUID()): SignedTx =>
  signTx({ chainId: net.layout.chainId, signer: wallet.publicKeyHex, nonce, op: { type: 'transfer', to, amount } }, wallet.secretKey);
const nextNonce = async (wallet: NodeKey): Promise<bigint> => BigInt((await http<{ next_nonce: string }>(a().apiUrl, `/v1/accounts/${wallet.walletId}`)).body.next_nonce);
const connectedTo = (node: DchatNode, peer: P2pHost): boolean => node.network!.peers().some((p) => p.peerId === peer.peerId.toString());
/** Txs from `peer` whose validation at `node` has finished. */
const settled = (node: DchatNode, peer: P2pHost): number => {
  const counts = node.network!.txCounts(peer.peerId.toString());
  return counts.accepted + counts.failed + counts.excused;
};
const linesAbout = (node: string, peer: P2pHost, msg: string): number => logs.filter((l) => l.node === node && l.msg === msg && l.peer === peer.peerId.toString()).length;

async function publishAll(peer: P2pHost, txs: readonly Uint8Array[]): Promise<void> {
  for (const bytes of txs) await peer.services.pubsub.publish(txsTopic(), bytes).catch(() => undefined);
}

/** Txs a flood sends at most (its prepared ones, then fresh ones): far past any ban, so a flood that is never cut off fails the test instead of looping. */
const FLOOD_CAP = 20 * Math.max(FLOOD_TXS, DEFAULT_TX_BUDGET.capacity + DEFAULT_TX_BUDGET.banAfterFailures);

/**
 * A sustained flood, as an attacker who wants to cost CPU sends it: 50 txs every 25 ms until
 * `target` cuts it off. The prepared txs go first; once they run out, fresh ones (a key that holds
 * nothing, to new recipients) follow, so the flood lasts until the ban however slowly the node
 * works through it (a loaded machine validates fewer txs a second, and the streak that bans grows
 * with the txs it refuses, not with the clock).
 */
async function flood(peer: P2pHost, target: DchatNode, prepared: readonly Uint8Array[]): Promise<number> {
  const spare = generateKeyPair();
  const fresh = (): Uint8Array => transfer({ publicKeyHex: toHex(spare.publicKey), secretKey: spare.secretKey }, 0n, 5n).bytes;
  let sent = 0;
  const cut = (): boolean => !peer.getConnections().some((c) => c.remotePeer.toString() === target.network!.peerId);
  while (sent < FLOOD_CAP && !cut()) {
    const batch = sent < prepared.length ? prepared.slice(sent, sent + 50) : Array.from({ length: 50 }, fresh);
    await publishAll(peer, batch);
    sent += batch.length;
    await sleep(25);
  }
  return sent;
}

beforeAll(async () => {
  net = await TestNet.create(1, 500n, { maxBlockBytes: BigInt(MAX_BLOCK_BYTES) });
  await net.start('a', 0, [], { config: { p2p_shared_address_ban_threshold: 1 }, logger: capture('a') });
  await net.start('b', null, net.bootstrapOf('a'), { config: { p2p_shared_address_ban_threshold: 100 }, logger: capture('b') });
  await waitUntil('b to follow a', async () => height(b()) >= 2 && height(b()) >= height(a()) - 1, 30_000);
});

afterAll(async () => {
  for (const host of peers) await Promise.resolve(host.stop()).catch(() => undefined);
  await net?.close();
  writeReport('gossip-flood', report);
});

describe('gossip costs the sender', () => {
  it('an honest relay of txs that lost a race is neither throttled nor banned, and keeps its score', async () => {
    const rich = readKeyFile(net.layout.nodes[0]!.walletKeyFile);
    // Wallets with 50 tokens each, funded on chain: each will spend its balance twice.
    const poor = Array.from({ length: 20 }, () => {
      const key = generateKeyPair();
      return { publicKeyHex: toHex(key.publicKey), secretKey: key.secretKey };
    });
    let nonce = await nextNonce(rich);
    const funding = poor.map((p) => transfer(rich, nonce++, 51n, walletIdFromPublicKey(p.publicKeyHex)));
    for (const tx of funding) await a().chain.submitTx(tx.bytes);
    await waitUntil('the funding included', async () => (await a().chain.txStatus(toHex(funding.at(-1)!.hash))).status === 'included', 20_000);

    const relay = await peerOn([a()]);
    const relayed: Uint8Array[] = [];
    nonce = await nextNonce(rich);
    for (let i = 0; i < 60; i++) {
      // The same nonce twice: the second arrives after the first took it.
      relayed.push(transfer(rich, nonce, 10n).bytes, transfer(rich, nonce, 11n).bytes);
      nonce++;
    }
    for (const p of poor) relayed.push(transfer(p, 0n, 45n).bytes, transfer(p, 1n, 45n).bytes);
    await publishAll(relay, relayed);
    const id = relay.peerId.toString();
    await waitUntil('every relayed tx validated', async () => settled(a(), relay) === relayed.length, 20_000);
    const counts = a().network!.txCounts(id);
    expect(counts).toEqual({ validated: relayed.length, accepted: relayed.length / 2, failed: relayed.length / 2, excused: 0, throttled: 0 });
    expect(a().network!.isBanned(id)).toBe(false);
    expect(connectedTo(a(), relay)).toBe(true);
    expect(a().network!.peers().find((p) => p.peerId === id)!.score).toBeGreaterThanOrEqual(0);
    // What an operator sees of it: GET /v1/peers carries the same counts.
    const listed = (await http<{ peer_id: string; gossip_txs: unknown }[]>(a().apiUrl, '/v1/peers')).body.find((p) => p.peer_id === id);
    expect(listed?.gossip_txs).toEqual(counts);
    report.honestRelay = { ...counts, banned: false };
  });

  it('oversized frames are logged once per peer per window and penalized: one warns, more ban', async () => {
    const names = protocolNames(b().chain.params.chainId);
    const big = await peerOn([b()]);
    const id = big.peerId.toString();
    // One gossip RPC over b's frame limit (block bound + envelope): its stream is closed unread.
    await big.services.pubsub.publish(names.blocksTopic, randomBytes(MAX_BLOCK_BYTES + 256 * 1024)).catch(() => undefined);
    await waitUntil('the oversized gossip frame logged', async () => linesAbout('b', big, 'a peer sent frames over the size limit; penalized') === 1, 10_000);
    await waitUntil('the penalty in the score', async () => (b().network!.peers().find((p) => p.peerId === id)?.score ?? 0) < 0, 10_000);
    expect(b().network!.isBanned(id)).toBe(false);
    // Requests over the req/resp limit, one stream each: more penalties, still one line.
    const target = big.getConnections().find((c) => c.remotePeer.toString() === b().network!.peerId)!.remotePeer;
    let sent = 0;
    for (let i = 0; i < 4 && !b().network!.isBanned(id); i++) {
      const stream = await big.dialProtocol(target, names.status).catch(() => null);
      if (stream === null) break;
      await lpStream(stream).write(randomBytes(MAX_REQUEST_BYTES + 1)).catch(() => undefined);
      sent++;
      await waitUntil('the request read', async () => b().network!.isBanned(id) || stream.status !== 'open', 5_000).catch(() => undefined);
    }
    await waitUntil('the sender of oversized frames banned', async () => b().network!.isBanned(id), 10_000);
    expect(linesAbout('b', big, 'a peer sent frames over the size limit; penalized')).toBe(1);
    report.oversized = { gossipFrames: 1, oversizedRequests: sent, logLines: 1, banned: true };
  });

  it('a status answer over the req/resp limit is logged and penalized too', async () => {
    const names = protocolNames(b().chain.params.chainId);
    // b asks every peer that speaks status for it (on identify): this one answers past the limit.
    const liar = await peerOn([b()], async (host) => {
      await host.handle(names.status, async ({ stream }) => {
        const lp = lpStream(stream, { maxDataLength: 2 * MAX_BLOCK_BYTES });
        await lp.read();
        await lp.write(randomBytes(MAX_BLOCK_BYTES + 2_048)).catch(() => undefined);
        await stream.close().catch(() => undefined);
      });
    });
    await waitUntil('the oversized answer logged', async () => linesAbout('b', liar, 'a peer sent frames over the size limit; penalized') === 1, 10_000);
    await waitUntil('the penalty in the score', async () => (b().network!.peers().find((p) => p.peerId === liar.peerId.toString())?.score ?? 0) < 0, 10_000);
    await liar.stop();
    report.oversizedAnswer = { logLines: 1, penalized: true };
  });

  it('a flood of well-signed txs from keys that hold nothing is throttled, then banned; its cost stays within the budget; blocks keep coming', async () => {
    const txs = Array.from({ length: FLOOD_TXS }, () => {
      const key = generateKeyPair();
      return transfer({ publicKeyHex: toHex(key.publicKey), secretKey: key.secretKey }, 0n, 5n).bytes;
    });
    const flooder = await peerOn([a()]);
    const id = flooder.peerId.toString();
    const heightBefore = height(a());
    const started = Date.now();
    const sent = await flood(flooder, a(), txs);
    expect(sent, 'the flood was cut off before its cap').toBeLessThan(FLOOD_CAP);
    await waitUntil('the flooder banned', async () => a().network!.isBanned(id), 30_000);
    await waitUntil('the flooder disconnected', async () => !connectedTo(a(), flooder), 10_000);
    const seconds = (Date.now() - started) / 1_000;
    const counts = a().network!.txCounts(id);
    // Throttled before banned: txs were dropped unread, and no tx was ever accepted; the ban came
    // with the streak of refused txs (failed, then dropped while it kept sending).
    expect(counts.throttled).toBeGreaterThan(0);
    expect(counts.accepted).toBe(0);
    expect(counts.failed).toBeGreaterThan(0);
    expect(counts.failed + counts.throttled).toBeGreaterThanOrEqual(DEFAULT_TX_BUDGET.banAfterFailures);
    // The work done for it: at most the bucket plus its refill over the time it took (and one
    // second more for messages already read when the connection dropped).
    const bound = DEFAULT_TX_BUDGET.capacity + DEFAULT_TX_BUDGET.refillPerSecond * (seconds + 1);
    expect(counts.validated).toBeLessThanOrEqual(bound);
    expect(counts.validated).toBeLessThan(sent);
    expect(linesAbout('a', flooder, 'throttled a peer: its tx budget is spent, more of its txs are dropped unread')).toBeLessThanOrEqual(Math.ceil(seconds / 60) + 1);
    await waitUntil('blocks keep coming, on both nodes', async () => height(a()) >= heightBefore + 3 && height(b()) >= heightBefore + 3, 20_000);
    report.flood = {
      prepared: FLOOD_TXS, sent, reachedNode: counts.validated + counts.throttled, ...counts, seconds: Number(seconds.toFixed(2)),
      validatedShare: Number((counts.validated / sent).toFixed(3)), bound: Math.floor(bound), banned: true,
      blocksDuring: height(a()) - heightBefore,
    };
    process.stdout.write(`[gossip-flood] ${JSON.stringify(report.flood)}\n`);
  });

  it.runIf(SLOW)('a slow flooder under the refill rate is never throttled, and still banned at the failure streak', async () => {
    const slow = await peerOn([b()]);
    const id = slow.peerId.toString();
    const started = Date.now();
    let sent = 0;
    while (!b().network!.isBanned(id) && sent < 2 * DEFAULT_TX_BUDGET.banAfterFailures) {
      const key = generateKeyPair();
      await publishAll(slow, [transfer({ publicKeyHex: toHex(key.publicKey), secretKey: key.secretKey }, 0n, 5n).bytes]);
      sent++;
      await sleep(40);
    }
    await waitUntil('the slow flooder banned', async () => b().network!.isBanned(id), 10_000);
    const counts = b().network!.txCounts(id);
    expect(counts.throttled).toBe(0);
    expect(counts.failed).toBeGreaterThanOrEqual(DEFAULT_TX_BUDGET.banAfterFailures);
    report.slowFlood = { sent, ...counts, seconds: Number(((Date.now() - started) / 1_000).toFixed(1)), banned: true };
    process.stdout.write(`[gossip-flood] slow: ${JSON.stringify(report.slowFlood)}\n`);
  }, 60_000);

  it('the flooder coming back with a fresh key from the same address is refused; the peers already connected stay', async () => {
    const again = await peerOn([b()]);
    const id = again.peerId.toString();
    const aAddress = multiaddr(a().network!.multiaddrs()[0]!);
    const outcome = await again.dial(aAddress, { signal: AbortSignal.timeout(5_000) }).then(() => 'connected', (err: Error) => err.name);
    // Refused by the gater before the handshake: the dial fails, or the connection is dropped at once.
    await waitUntil('the fresh key not connected to a', async () => !connectedTo(a(), again) && again.getConnections().every((c) => c.remotePeer.toString() !== a().network!.peerId), 10_000);
    const sendsBefore = a().network!.txCounts(id);
    const key = generateKeyPair();
    await publishAll(again, [transfer({ publicKeyHex: toHex(key.publicKey), secretKey: key.secretKey }, 0n, 5n).bytes]);
    expect(sendsBefore.validated).toBe(0);
    expect(a().network!.txCounts(id).validated).toBe(0);
    expect(a().network!.peers().some((p) => p.peerId === b().network!.peerId), 'b, connected before the ban, stays').toBe(true);
    report.reconnect = { dial: outcome, refused: true };
  });
});
