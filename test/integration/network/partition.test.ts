/**
 * A 4-validator testnet cut into two halves of two (Network.block on every cross link): each half
 * keeps producing in its own slots, with no finality (more than 2/3 of 4 validators means three).
 * Transfers are submitted on both sides. When the links come back, all four converge on one head
 * with one state root (the branch with more blocks, ties to the lower hash), and every transfer is
 * included on the surviving chain: those of the losing branch went back to the mempool.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signTx } from '../../../src/chain/codec/tx.ts';
import { toHex } from '../../../src/chain/crypto.ts';
import { readKeyFile } from '../../../src/node/key-files.ts';
import type { DchatNode } from '../../../src/node/node.ts';
import { api, postTx, waitFor } from '../node-client.ts';
import { TestNet, canonicalBlocks, headHex, height, waitForSameHead } from './harness.ts';

let net: TestNet;
const NAMES = ['v0', 'v1', 'v2', 'v3'] as const;

beforeAll(async () => {
  net = await TestNet.create(4, 400n);
  await net.startValidators(4);
});

afterAll(async () => {
  await net?.close();
});

async function transfer(node: DchatNode, walletIndex: number, to: string): Promise<string> {
  const wallet = readKeyFile(net.layout.nodes[walletIndex]!.walletKeyFile);
  const nonce = BigInt((await api<{ nonce: string }>(node.apiUrl, `/v1/accounts/${wallet.walletId}`)).body.nonce);
  const tx = signTx({ chainId: net.layout.chainId, signer: wallet.publicKeyHex, nonce, op: { type: 'transfer', to, amount: 500n } }, wallet.secretKey);
  const reply = await postTx(node.apiUrl, tx.bytes);
  expect(reply.status, JSON.stringify(reply.body)).toBe(202);
  return toHex(tx.hash);
}

describe('2/2 partition and heal', () => {
  it('both halves build branches; healed, all four converge on one head and one state root, no tx lost', async () => {
    const nodes = NAMES.map((n) => net.node(n));
    const [v0, v1, v2, v3] = nodes as [DchatNode, DchatNode, DchatNode, DchatNode];
    const forkPoint = await waitForSameHead(nodes, 3);
    const ids = nodes.map((n) => n.network!.peerId);
    const left = [0, 1];
    const right = [2, 3];
    await Promise.all(left.flatMap((a) => right.flatMap((b) => [nodes[a]!.network!.block(ids[b]!), nodes[b]!.network!.block(ids[a]!)])));

    // Each side takes a transfer while cut off (from a different wallet on each side).
    const leftTx = await transfer(v0, 0, '3c1f5a2e-8b7d-4e6f-9a0b-1c2d3e4f5a6b');
    const rightTx = await transfer(v2, 2, '4d2e6b3f-9c8e-4f70-8b1c-2d3e4f5a6b7c');
    await waitFor('two branches, each at least 3 blocks past the fork', async () =>
      height(v0) >= forkPoint + 3 && height(v2) >= forkPoint + 3 && height(v1) === height(v0) && height(v3) === height(v2), 30_000);
    const [leftBlock] = await canonicalBlocks(v0, forkPoint + 1, forkPoint + 1);
    const [rightBlock] = await canonicalBlocks(v2, forkPoint + 1, forkPoint + 1);
    expect(toHex(leftBlock!.hash)).not.toBe(toHex(rightBlock!.hash));
    expect(v0.chain.finalizedHeight).toBeLessThanOrEqual(BigInt(forkPoint));

    for (const a of left) for (const b of right) {
      nodes[a]!.network!.unblock(ids[b]!);
      nodes[b]!.network!.unblock(ids[a]!);
    }
    const merged = await waitForSameHead(nodes, Math.max(height(v0), height(v2)) + 1, 45_000);
    expect(new Set(nodes.map(headHex)).size).toBe(1);
    expect(new Set(nodes.map((n) => toHex(n.chain.head.header.stateRoot))).size).toBe(1);
    // The same canonical block at every height since the fork, on every node.
    const reference = (await canonicalBlocks(v0, forkPoint + 1, merged)).map((b) => toHex(b.hash));
    for (const node of [v1, v2, v3]) expect((await canonicalBlocks(node, forkPoint + 1, merged)).map((b) => toHex(b.hash))).toEqual(reference);

    // Both transfers end up included once on the surviving chain.
    for (const hash of [leftTx, rightTx]) {
      await waitFor(`tx ${hash} included everywhere`, async () => {
        for (const node of nodes) if ((await api<{ status: string }>(node.apiUrl, `/v1/txs/${hash}`)).body.status !== 'included') return false;
        return true;
      }, 30_000);
    }
    for (const [to, expected] of [['3c1f5a2e-8b7d-4e6f-9a0b-1c2d3e4f5a6b', '495'], ['4d2e6b3f-9c8e-4f70-8b1c-2d3e4f5a6b7c', '495']] as const) {
      for (const node of nodes) expect((await api<{ balance: string }>(node.apiUrl, `/v1/accounts/${to}`)).body.balance).toBe(expected);
    }
  });
});
