/**
 * A multi-block scenario on a dev node over HTTP (issue 6): list, buy, confirm, escrow timeout,
 * stake, unstake, maturity, relay rewards and claim — each checked with exact balances. The dev
 * genesis is written first with short unbonding and escrow periods so the scenario fits in seconds.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type SignedTx, signTx } from '../../src/chain/codec/tx.ts';
import { generateKeyPair, toHex } from '../../src/chain/crypto.ts';
import { loadConfig } from '../../src/node/config.ts';
import { devSetup } from '../../src/node/dev-setup.ts';
import { createLogger } from '../../src/node/logger.ts';
import { DchatNode } from '../../src/node/node.ts';
import { type Operation, genesisToJson, walletIdFromPublicKey } from '../../src/tokenomics/index.ts';
import { api, postTx, waitFor } from './node-client.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'dchat-market-'));
let node: DchatNode | null = null;
afterAll(async () => {
  await node?.close().catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
});

interface Signer {
  publicKeyHex: string;
  secretKey: Uint8Array;
  walletId: string;
  nonce: bigint;
}

describe('staking and marketplace on a dev node', () => {
  it('list, buy, confirm, timeout, stake, unstake, mature, relay rewards, claim', async () => {
    const setup = devSetup(dataDir, 200n, BigInt(Date.now()));
    const params = { ...setup.genesis.params, unbondingBlocks: 3n, escrowTimeoutBlocks: 3n, relayMinStake: 1_000n, gov: { ...setup.genesis.params.gov, votingBlocks: 3n } };
    writeFileSync(setup.genesisFile, JSON.stringify(genesisToJson({ ...setup.genesis, params })));
    node = await DchatNode.init(loadConfig({ dev: true, data_dir: dataDir, api_port: 0, log_level: 'silent' }), { logger: createLogger('silent', false) });
    const base = node.apiUrl;
    const chainId = node.chain.params.chainId;
    const signer = (key: { publicKeyHex: string; secretKey: Uint8Array; walletId: string }): Signer => ({ ...key, nonce: 0n });
    const dev = signer(setup.devWallet);
    const authority = signer(setup.authority);
    const seller = (() => {
      const pair = generateKeyPair();
      const hex = toHex(pair.publicKey);
      return signer({ publicKeyHex: hex, secretKey: pair.secretKey, walletId: walletIdFromPublicKey(hex) });
    })();

    const send = async (from: Signer, op: Operation): Promise<{ height: bigint }> => {
      const tx: SignedTx = signTx({ chainId, signer: from.publicKeyHex, nonce: from.nonce, op }, from.secretKey);
      const reply = await postTx(base, tx.bytes);
      expect(reply.status, JSON.stringify(reply.body)).toBe(202);
      from.nonce++;
      const status = await waitFor(`${op.type} included`, async () => {
        const r = await api<{ status: string; height: string }>(base, `/v1/txs/${toHex(tx.hash)}`);
        return r.body.status === 'included' ? r.body : undefined;
      });
      return { height: BigInt(status.height) };
    };
    const account = async (id: string) => (await api<Record<string, string>>(base, `/v1/accounts/${id}`)).body;
    const balance = async (id: string) => BigInt((await account(id)).balance!);
    const waitHeight = (h: bigint) => waitFor(`height ${h}`, async () => node!.chain.head.header.height >= h);
    const state = (key: string) => node!.chain.state.get(key) as unknown as Record<string, unknown>;

    await send(dev, { type: 'transfer', to: seller.walletId, amount: 100_000n });
    expect(await balance(seller.walletId)).toBe(99_000n);

    // list, buy two, confirm: the seller gets 200 less the 1 % fee
    await send(seller, { type: 'create-listing', title: 'Sticker pack', price: 100n, quantity: 5n });
    const listingId = node.chain.state.keysWithPrefix('listing:')[0]!.slice('listing:'.length);
    expect(state(`listing:${listingId}`)).toMatchObject({ quantity: 5n, status: 'active' });
    await send(dev, { type: 'buy', listingId, quantity: 2n });
    const [firstPurchase] = node.chain.state.keysWithPrefix('purchase:').map((k) => k.slice('purchase:'.length));
    expect(state(`purchase:${firstPurchase}`)).toMatchObject({ amount: 200n, status: 'escrowed' });
    await send(dev, { type: 'confirm', purchaseId: firstPurchase! });
    expect(await balance(seller.walletId)).toBe(99_000n - 1n + 198n);

    // buy one more and leave it: paid to the seller at the escrow deadline
    const bought = await send(dev, { type: 'buy', listingId, quantity: 1n });
    const second = node.chain.state.keysWithPrefix('purchase:').map((k) => k.slice('purchase:'.length)).find((id) => id !== firstPurchase)!;
    await waitHeight(bought.height + 3n);
    expect(state(`purchase:${second}`)).toMatchObject({ status: 'timed-out', closedHeight: bought.height + 3n });
    expect(await balance(seller.walletId)).toBe(99_197n + 99n);

    // stake, unstake, mature
    await send(seller, { type: 'stake', amount: 10_000n });
    const unstaked = await send(seller, { type: 'unstake', amount: 4_000n });
    expect(await account(seller.walletId)).toMatchObject({ staked: '6000', total_assets: String(99_296n - 2n) });
    await waitHeight(unstaked.height + 3n);
    expect(await account(seller.walletId)).toMatchObject({ staked: '6000', balance: String(99_296n - 10_000n - 2n + 4_000n) });

    // register as relay, the authority schedules relay rewards, the relay claims them
    await send(seller, { type: 'register-relay' });
    const scheduled = await send(authority, { type: 'create-schedule', recipientType: 'relays', amountPerInterval: 500n, intervalBlocks: 1n, startBlock: null, durationBlocks: 2n, poolId: null });
    await waitHeight(scheduled.height + 2n);
    expect((await account(seller.walletId)).pending_rewards).toBe('1000');
    const before = await balance(seller.walletId);
    await send(seller, { type: 'claim-rewards' });
    expect(await account(seller.walletId)).toMatchObject({ pending_rewards: '0', balance: String(before + 1_000n - 1n) });
  });
});
