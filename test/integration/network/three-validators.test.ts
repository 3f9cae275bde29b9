/**
 * Three validators on loopback, real libp2p (TCP, noise, yamux, gossipsub), 500 ms slots, all in
 * this process. In order: they produce in turn and agree on every block and state root; a transfer
 * sent to one node shows on the others; a validator stopped for several slots leaves its slots
 * empty, then restarts, catches up and produces again; a fourth node started 30+ blocks late syncs
 * by range and then follows gossip.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signTx } from '../../../src/chain/codec/tx.ts';
import { toHex } from '../../../src/chain/crypto.ts';
import { proposerFor } from '../../../src/chain/poa.ts';
import { readKeyFile } from '../../../src/node/key-files.ts';
import { api, postTx, waitFor } from '../node-client.ts';
import { TestNet, canonicalBlocks, headHex, height, waitForSameHead } from './harness.ts';

const BLOCK_TIME_MS = 500n;
let net: TestNet;

beforeAll(async () => {
  net = await TestNet.create(3, BLOCK_TIME_MS);
  await net.startValidators(3);
});

afterAll(async () => {
  await net?.close();
});

describe('a network of three validators', () => {
  it('produces in turn, and every node holds the same blocks and state roots', async () => {
    const nodes = ['v0', 'v1', 'v2'].map((n) => net.node(n));
    const top = await waitForSameHead(nodes, 9);
    const validators = nodes[0]!.chain.validators();
    const proposers = new Map<string, number>();
    const reference = await canonicalBlocks(nodes[0]!, 1, top);
    for (const node of nodes.slice(1)) {
      const blocks = await canonicalBlocks(node, 1, top);
      expect(blocks.map((b) => toHex(b.hash))).toEqual(reference.map((b) => toHex(b.hash)));
      expect(blocks.map((b) => toHex(b.header.stateRoot))).toEqual(reference.map((b) => toHex(b.header.stateRoot)));
    }
    for (const block of reference) {
      expect(block.header.proposer).toBe(proposerFor(block.header.slot, validators).publicKey);
      proposers.set(block.header.proposer, (proposers.get(block.header.proposer) ?? 0) + 1);
    }
    expect(proposers.size).toBe(3);
    // Peers and sync status are visible over the API.
    const peers = await api<{ peer_id: string; addresses: string[] }[]>(nodes[0]!.apiUrl, '/v1/peers');
    expect(peers.body.map((p) => p.peer_id).sort()).toEqual([nodes[1]!.network!.peerId, nodes[2]!.network!.peerId].sort());
    const sync = await api<{ syncing: boolean; head_height: string; target_height: string }>(nodes[1]!.apiUrl, '/v1/sync');
    expect(sync.body.syncing).toBe(false);
    expect(Number(sync.body.head_height)).toBeGreaterThanOrEqual(top);
  });

  it('carries a transfer submitted to one node to the others', async () => {
    const [a, b, c] = ['v0', 'v1', 'v2'].map((n) => net.node(n));
    const wallet = readKeyFile(net.layout.nodes[0]!.walletKeyFile);
    const recipient = '3c1f5a2e-8b7d-4e6f-9a0b-1c2d3e4f5a6b';
    const tx = signTx({ chainId: net.layout.chainId, signer: wallet.publicKeyHex, nonce: 0n, op: { type: 'transfer', to: recipient, amount: 1_000n } }, wallet.secretKey);
    const submitted = await postTx(a!.apiUrl, tx.bytes);
    expect(submitted.status).toBe(202);
    const hash = submitted.body.hash as string;
    for (const node of [a!, b!, c!]) {
      const status = await waitFor(`inclusion on ${node.apiUrl}`, async () => {
        const reply = await api<{ status: string; height?: string }>(node.apiUrl, `/v1/txs/${hash}`);
        return reply.body.status === 'included' ? reply.body : undefined;
      });
      expect(Number(status.height)).toBeGreaterThan(0);
      expect((await api<{ balance: string }>(node.apiUrl, `/v1/accounts/${recipient}`)).body.balance).toBe('990');
    }
  });

  it('goes on without a stopped validator, whose slots stay empty, and lets it catch up when it returns', async () => {
    const stoppedKey = net.node('v2').chain.validators()[2]!.publicKey;
    await net.stop('v2');
    const [a, b] = [net.node('v0'), net.node('v1')];
    const from = height(a);
    // Two full rounds of slots without v2.
    const to = await waitForSameHead([a, b], from + 5);
    const blocks = await canonicalBlocks(a, from + 1, to);
    expect(blocks.some((blk) => blk.header.proposer === stoppedKey)).toBe(false);
    const skipped = blocks.slice(1).some((blk, i) => blk.header.slot > blocks[i]!.header.slot + 1n);
    expect(skipped).toBe(true);

    const restarted = await net.start('v2', 2, net.bootstrapOf('v0'));
    const target = height(a);
    await waitFor('v2 to catch up', async () => height(restarted) >= target, 30_000);
    await waitForSameHead([a, b, restarted], target + 1);
    // and it produces again, on the common chain
    await waitFor('a block by v2 after its restart', async () => {
      const head = a.chain.head.header;
      return head.height > BigInt(target) && (await canonicalBlocks(a, target + 1, Number(head.height))).some((blk) => blk.header.proposer === stoppedKey);
    }, 30_000);
  });

  it('brings a node started 30+ blocks late to the head by range sync, then keeps it there by gossip', async () => {
    const a = net.node('v0');
    await waitFor('height 30', async () => height(a) >= 30, 60_000);
    const late = await net.start('late', null, net.bootstrapOf('v0'));
    const target = height(a);
    await waitFor('the late node to sync', async () => height(late) >= target, 30_000);
    const status = late.network!.syncStatus();
    expect(status.blocksSynced).toBeGreaterThanOrEqual(target - 1);
    // Then it follows: new blocks arrive and it stands on the validators' head.
    await waitForSameHead([a, late], target + 2);
    const sync = await api<{ syncing: boolean; head_height: string; target_height: string; blocks_per_second: number }>(late.apiUrl, '/v1/sync');
    expect(sync.body.syncing).toBe(false);
    expect(Number(sync.body.head_height)).toBeGreaterThanOrEqual(target + 2);
    expect(headHex(late)).toBe(headHex(a));
    const [blockLate] = await canonicalBlocks(late, target, target);
    const [blockA] = await canonicalBlocks(a, target, target);
    expect(toHex(blockLate!.header.stateRoot)).toBe(toHex(blockA!.header.stateRoot));
  });
});
