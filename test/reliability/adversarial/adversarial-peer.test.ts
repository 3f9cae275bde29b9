/**
 * Adversarial peer suite: two honest validators (in-process nodes, real libp2p on loopback) and a
 * hostile peer speaking our gossip topics from a raw libp2p host. The third validator's key is in
 * the attacker's hands (a compromised validator), so its blocks can be validly signed. The attacker:
 *
 * 1. sends invalid blocks: a wrong proposer, a bad signature, a validly signed block with a bad
 *    state root, and a valid block for a slot far in the future: the honest nodes REJECT the first
 *    three (provably invalid: the sender is penalized, then banned and disconnected) and IGNORE the
 *    future one without importing it;
 * 2. equivocates: two different valid blocks signed by the compromised validator for one slot. The
 *    first is imported, the second refused; both headers are kept as evidence (GET /v1/evidence on
 *    each honest node) and the equivocation is logged with both hashes;
 * 3. replays a transaction that is already included: over gossip (dropped as a seen message), over
 *    the API (DuplicateTx), and inside a validly signed block of the compromised validator (the
 *    block is rejected as InvalidBlock): nothing is applied twice;
 * 4. floods the mempool: thousands of transactions (unfunded signers, one funded signer far beyond
 *    the per-sender limit, then forged signatures): the mempool stays within its bounds, an honest
 *    user's transfer still goes through, and the forger is banned.
 *
 * Throughout, the honest nodes keep producing and end on one head with one state root.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { produceBlock } from '../../../src/chain/block-production.ts';
import { type Block, assembleBlock, sealBlock, txRoot } from '../../../src/chain/codec/block.ts';
import { type SignedTx, signTx } from '../../../src/chain/codec/tx.ts';
import { generateKeyPair, toHex } from '../../../src/chain/crypto.ts';
import { proposerFor, slotAt, slotStartMs } from '../../../src/chain/poa.ts';
import { loadConfig } from '../../../src/node/config.ts';
import { type NodeKey, readKeyFile } from '../../../src/node/key-files.ts';
import type { P2pHost } from '../../../src/node/network/host.ts';
import { protocolNames } from '../../../src/node/network/protocols.ts';
import { DchatNode } from '../../../src/node/node.ts';
import { TestNet, headHex, height, rawPeer, waitForSameHead } from '../../integration/network/harness.ts';
import { http, postTx, sleep, waitUntil } from '../support/http.ts';
import { writeReport } from '../support/report.ts';

const BLOCK_MS = 500n;
const MEMPOOL = { max_txs: 24, max_per_sender: 16 };
let net: TestNet;
const attackers: P2pHost[] = [];
const logs: { node: string; msg: string; [k: string]: unknown }[] = [];
const report: Record<string, unknown> = {};
let compromised: NodeKey;

async function startHonest(name: string, index: number, bootstrap: string[]): Promise<DchatNode> {
  const validator = net.layout.nodes[index]!;
  const config = loadConfig({
    data_dir: validator.dataDir, genesis_file: net.layout.genesisFile, validator_key_file: validator.validatorKeyFile,
    api_port: 0, p2p_port: 0, p2p_host: '127.0.0.1', bootstrap, log_level: 'debug', mempool: MEMPOOL,
  });
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push({ node: name, ...(JSON.parse(line) as { msg: string }) }) });
  const node = await DchatNode.init(config, { logger });
  net.nodes.set(name, node);
  return node;
}

beforeAll(async () => {
  net = await TestNet.create(3, BLOCK_MS);
  await startHonest('a', 0, []);
  await startHonest('b', 1, net.bootstrapOf('a'));
  // Validator 2 never runs: its key is the attacker's.
  compromised = readKeyFile(net.layout.nodes[2]!.validatorKeyFile);
  await waitForSameHead([net.node('a'), net.node('b')], 2);
});

afterAll(async () => {
  for (const host of attackers) await Promise.resolve(host.stop()).catch(() => undefined);
  await net?.close();
  writeReport('adversarial', report);
});

const honest = (): DchatNode[] => [net.node('a'), net.node('b')];

async function attacker(): Promise<P2pHost> {
  const host = await rawPeer(honest());
  attackers.push(host);
  return host;
}

const names = () => protocolNames(net.node('a').chain.params.chainId);
const nowSlot = (): bigint => slotAt(BigInt(Date.now()), net.node('a').chain.params);

/** Waits until the compromised validator's slot has begun (and both honest nodes hold one head). */
async function compromisedSlotNow(): Promise<bigint> {
  const validators = net.node('a').chain.validators();
  for (;;) {
    const slot = nowSlot();
    if (proposerFor(slot, validators).publicKey === compromised.publicKeyHex && Date.now() - Number(slotStartMs(slot, net.node('a').chain.params)) < 200) {
      await sleep(30);
      const [a, b] = honest();
      if (headHex(a!) === headHex(b!) && a!.chain.head.header.slot < slot) return slot;
    }
    await sleep(10);
  }
}

/** A valid block by the compromised validator for `slot` on node a's head, with `txs` offered. */
async function validBlock(slot: bigint, txs: SignedTx[]): Promise<Block> {
  const { chain } = net.node('a');
  return (await produceBlock(chain.headParent(), chain.params, slot, { publicKey: compromised.publicKeyHex, secretKey: compromised.secretKey }, txs)).block;
}

function rejectReasons(node: string, since: number): string[] {
  return logs.slice(since).filter((l) => l.node === node && l.msg === 'rejected an invalid gossip message').map((l) => String(l.reason));
}

function transferFrom(wallet: NodeKey, nonce: bigint, amount = 100n, to: string = randomUUID()): SignedTx {
  return signTx({ chainId: net.layout.chainId, signer: wallet.publicKeyHex, nonce, op: { type: 'transfer', to, amount } }, wallet.secretKey);
}

async function nextNonce(wallet: NodeKey): Promise<bigint> {
  return BigInt((await http<{ next_nonce: string }>(net.node('a').apiUrl, `/v1/accounts/${wallet.walletId}`)).body.next_nonce);
}

async function stillProducing(blocks = 3): Promise<void> {
  const from = Math.max(...honest().map(height));
  await waitForSameHead(honest(), from + blocks, 30_000);
  expect(new Set(honest().map((n) => toHex(n.chain.head.header.stateRoot))).size).toBe(1);
}

describe('an adversarial peer against two honest validators', () => {
  it('invalid blocks (wrong proposer, bad signature, bad state root) are rejected and the sender banned; a future block is ignored', async () => {
    const [a, b] = honest() as [DchatNode, DchatNode];
    const bad = await attacker();
    const badId = bad.peerId.toString();
    const since = logs.length;
    const before = { a: a.network!.gossipCounts().blocks, b: b.network!.gossipCounts().blocks };
    const beforeCounts = { a: { ...before.a }, b: { ...before.b } };

    // A future slot first (ignored, no penalty), by the compromised validator, valid in every other way.
    const future = nowSlot() + 6n;
    let futureSlot = future;
    while (proposerFor(futureSlot, a.chain.validators()).publicKey !== compromised.publicKeyHex) futureSlot++;
    const futureBlock = await validBlock(futureSlot, []);
    await bad.services.pubsub.publish(names().blocksTopic, futureBlock.bytes);

    // In the compromised validator's slot: a block with a wrong state root, validly signed.
    const slot = await compromisedSlotNow();
    const good = await validBlock(slot, []);
    const badRoot = sealBlock({ ...good.header, stateRoot: randomBytes(32) }, good.txs, compromised.secretKey);
    const rogue = generateKeyPair();
    const wrongProposer = sealBlock({ ...good.header, proposer: toHex(rogue.publicKey) }, [], rogue.secretKey);
    const badSignature = assembleBlock(good.header, [], randomBytes(64));
    for (const block of [badRoot, wrongProposer, badSignature]) await bad.services.pubsub.publish(names().blocksTopic, block.bytes).catch(() => undefined);

    await waitUntil('the attacker to be banned by both honest nodes', async () => a.network!.isBanned(badId) && b.network!.isBanned(badId), 45_000);
    await waitUntil('the attacker disconnected', async () => bad.getConnections().filter((c) => [a.network!.peerId, b.network!.peerId].includes(c.remotePeer.toString())).length === 0, 10_000);
    const reasons = [...rejectReasons('a', since), ...rejectReasons('b', since)];
    expect(reasons).toEqual(expect.arrayContaining(['BadStateRoot', 'WrongProposer', 'InvalidSignature']));
    for (const node of [a, b]) {
      expect(await node.chain.hasBlock(badRoot.hash)).toBe(false);
      expect(await node.chain.hasBlock(futureBlock.hash)).toBe(false);
    }
    const after = { a: a.network!.gossipCounts().blocks, b: b.network!.gossipCounts().blocks };
    expect(after.a.ignore - beforeCounts.a.ignore + after.b.ignore - beforeCounts.b.ignore, 'the future block was ignored').toBeGreaterThanOrEqual(1);
    expect(logs.slice(since).some((l) => l.msg === 'banned a peer' && l.peer === badId)).toBe(true);
    await stillProducing();
    report.invalidBlocks = { rejectReasons: reasons, bannedBy: ['a', 'b'].filter((n) => net.node(n).network!.isBanned(badId)), futureSlotIgnored: true };
  });

  it('equivocation by the compromised validator: one block kept, both headers served as evidence and logged', async () => {
    const [a, b] = honest() as [DchatNode, DchatNode];
    const evil = await attacker();
    const since = logs.length;
    const wallet = readKeyFile(net.layout.nodes[2]!.walletKeyFile);
    const slot = await compromisedSlotNow();
    const first = await validBlock(slot, []);
    const second = await validBlock(slot, [transferFrom(wallet, await nextNonce(wallet))]);
    expect(second.txs).toHaveLength(1);
    expect(toHex(first.hash)).not.toBe(toHex(second.hash));
    await evil.services.pubsub.publish(names().blocksTopic, first.bytes);
    await sleep(50);
    await evil.services.pubsub.publish(names().blocksTopic, second.bytes);

    for (const node of [a, b]) {
      const evidence = await waitUntil(`evidence on ${node.apiUrl}`, async () => {
        const list = (await http<{ slot: string; proposer: string; first: { hash: string }; second: { hash: string } }[]>(node.apiUrl, '/v1/evidence')).body;
        return list.find((e) => e.slot === String(slot)) ?? undefined;
      }, 15_000);
      expect(evidence.proposer).toBe(compromised.publicKeyHex);
      expect([evidence.first.hash, evidence.second.hash].sort()).toEqual([toHex(first.hash), toHex(second.hash)].sort());
      // Exactly one of the two is on the chain.
      const kept = [await node.chain.hasBlock(first.hash), await node.chain.hasBlock(second.hash)].filter(Boolean).length;
      expect(kept).toBe(1);
    }
    const logged = logs.slice(since).filter((l) => l.msg === 'validator equivocated: two blocks for one slot');
    expect(logged.length).toBeGreaterThanOrEqual(1);
    expect([logged[0]!.first, logged[0]!.second].sort()).toEqual([toHex(first.hash), toHex(second.hash)].sort());
    // An equivocation is not provable by the relaying peer's fault: the relay is not banned for it.
    expect(a.network!.isBanned(evil.peerId.toString())).toBe(false);
    await stillProducing();
    report.equivocation = { slot: String(slot), evidenceOn: ['a', 'b'], logged: logged.length };
  });

  it('replayed transactions are never applied twice: over gossip, over the API, inside a validly signed block', async () => {
    const [a, b] = honest() as [DchatNode, DchatNode];
    const replayer = await attacker();
    const wallet = readKeyFile(net.layout.nodes[0]!.walletKeyFile);
    const to = randomUUID();
    const tx = transferFrom(wallet, await nextNonce(wallet), 1_000n, to);
    expect((await postTx(a.apiUrl, tx.bytes)).status).toBe(202);
    const hash = toHex(tx.hash);
    await waitUntil('the transfer included on both', async () => {
      for (const node of [a, b]) if ((await http<{ status: string }>(node.apiUrl, `/v1/txs/${hash}`)).body.status !== 'included') return false;
      return true;
    }, 20_000);
    const nonceBefore = await nextNonce(wallet);
    const since = logs.length;

    // 1. The same bytes over gossip (gossipsub drops them as seen messages before any validation).
    for (let i = 0; i < 20; i++) await replayer.services.pubsub.publish(names().txsTopic, tx.bytes).catch(() => undefined);
    // 2. Over the API, to each node: refused as a duplicate.
    const api = await Promise.all([a, b].map(async (node) => (await postTx(node.apiUrl, tx.bytes)).body.code));
    expect(api).toEqual(['DuplicateTx', 'DuplicateTx']);
    // 3. Inside a block of the compromised validator, correctly rooted and signed: an invalid block.
    const slot = await compromisedSlotNow();
    const { header } = await validBlock(slot, []);
    const replayBlock = sealBlock({ ...header, txRoot: txRoot([tx]) }, [tx], compromised.secretKey);
    await replayer.services.pubsub.publish(names().blocksTopic, replayBlock.bytes);
    await waitUntil('the replaying block rejected by both', async () => rejectReasons('a', since).includes('InvalidBlock') && rejectReasons('b', since).includes('InvalidBlock'), 10_000);

    expect(await nextNonce(wallet)).toBe(nonceBefore);
    for (const node of [a, b]) {
      expect(await node.chain.hasBlock(replayBlock.hash)).toBe(false);
      expect((await http<{ balance: string }>(node.apiUrl, `/v1/accounts/${to}`)).body.balance).toBe('990');
      expect((await http<{ status: string }>(node.apiUrl, `/v1/txs/${hash}`)).body.status).toBe('included');
    }
    await stillProducing(2);
    report.replay = { gossipReplays: 20, apiReplays: api, blockReplay: 'InvalidBlock (rejected by both)', appliedOnce: true };
  });

  it('a mempool flood stays within the bounds, honest txs still get through, the forger is banned', async () => {
    const [a, b] = honest() as [DchatNode, DchatNode];
    const flooder = await attacker();
    const since = logs.length;
    // Two funded signers far beyond the per-sender limit (together beyond the mempool's total) ...
    const funded = [readKeyFile(net.layout.nodes[2]!.walletKeyFile), readKeyFile(net.layout.nodes[0]!.walletKeyFile)];
    const messages: Uint8Array[] = [];
    for (const wallet of funded) {
      const first = await nextNonce(wallet);
      for (let n = 0n; n < 150n; n++) messages.push(transferFrom(wallet, first + n, 1n).bytes);
    }
    // ... and validly signed txs from keys that hold nothing, interleaved.
    for (const key of Array.from({ length: 40 }, () => generateKeyPair())) {
      for (let n = 0n; n < 25n; n++) messages.splice(Math.floor(Math.random() * messages.length), 0, signTx({ chainId: net.layout.chainId, signer: toHex(key.publicKey), nonce: n, op: { type: 'transfer', to: randomUUID(), amount: 5n } }, key.secretKey).bytes);
    }
    const honestWallet = readKeyFile(net.layout.nodes[1]!.walletKeyFile);
    const honestTx = transferFrom(honestWallet, await nextNonce(honestWallet), 777n);
    let maxMempool = 0;
    let honestRefusals = 0;
    const watch = setInterval(() => { maxMempool = Math.max(maxMempool, a.chain.mempool.size, b.chain.mempool.size); }, 2);
    try {
      const started = Date.now();
      for (const [i, bytes] of messages.entries()) {
        await flooder.services.pubsub.publish(names().txsTopic, bytes).catch(() => undefined);
        if (i === Math.floor(messages.length / 2)) {
          // An honest user, in the middle of the flood: refused while the mempool is full, then in.
          await waitUntil('the honest transfer accepted', async () => {
            const reply = await postTx(b.apiUrl, honestTx.bytes);
            if (reply.status === 503) honestRefusals++;
            return reply.status === 202;
          }, 30_000, 100);
        }
      }
      report.flood = { messages: messages.length, publishMs: Date.now() - started };
      await waitUntil('the honest transfer included on both nodes', async () => {
        for (const node of [a, b]) if ((await http<{ status: string }>(node.apiUrl, `/v1/txs/${toHex(honestTx.hash)}`)).body.status !== 'included') return false;
        return true;
      }, 30_000);
    } finally {
      clearInterval(watch);
    }
    const ignoreReasons: Record<string, number> = {};
    for (const l of logs.slice(since)) if (l.msg === 'ignored a gossip message' && l.kind === 'txs') ignoreReasons[String(l.reason)] = (ignoreReasons[String(l.reason)] ?? 0) + 1;
    expect(maxMempool).toBeLessThanOrEqual(MEMPOOL.max_txs);
    expect(ignoreReasons.MempoolFull, 'the per-sender and total bounds refused the excess').toBeGreaterThan(0);
    expect(ignoreReasons.InsufficientBalance, 'unfunded senders refused').toBeGreaterThan(0);
    // Then forged signatures: provably invalid, so the flooder is banned.
    const forger = flooder.peerId.toString();
    for (let i = 0; i < 20; i++) {
      const tx = transferFrom(funded[0]!, 1_000_000n + BigInt(i));
      const forged = Uint8Array.from(tx.bytes);
      forged[forged.length - 1] = forged[forged.length - 1]! ^ 0xff;
      await flooder.services.pubsub.publish(names().txsTopic, forged).catch(() => undefined);
    }
    await waitUntil('the forger banned', async () => a.network!.isBanned(forger) && b.network!.isBanned(forger), 45_000);
    await stillProducing();
    Object.assign(report.flood as object, { maxMempool, mempoolLimit: MEMPOOL.max_txs, perSenderLimit: MEMPOOL.max_per_sender, ignoreReasons, honestRefusals, forgerBanned: true });
    report.finalHeight = height(a);
    report.finalStateRoots = [...new Set(honest().map((n) => toHex(n.chain.head.header.stateRoot)))];
  });
});
