/**
 * `dchat export-state` round trip (issue 18 item 2, docs/protocol.md §14.3): a dev node makes a
 * transfer, a stake, a listing and a purchase, a proposal and a vote; it is stopped and its state
 * exported at its head; a node started with `--genesis <export>` answers the API exactly as the
 * old node did at that height (accounts, stakes, listings, purchases, proposals, supply), its
 * genesis state_root is the root over the file's pairs, and, restarted on the wall clock, it goes
 * on producing: the old nonces continue, the proposal ends at the height it was due, and a light
 * client trusting the new genesis file verifies an exported balance.
 *
 * Both nodes first run on a clock that stands at their head's slot, so no block is made but those
 * the test asks for: what the API shows is the state at a known height, not a moving one.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { signTx } from '../../src/chain/codec/tx.ts';
import { encodeStateValue, stateKeyBytes } from '../../src/chain/codec/state.ts';
import { generateKeyPair, toHex } from '../../src/chain/crypto.ts';
import { buildTree } from '../../src/chain/state-tree/index.ts';
import { ChainStore } from '../../src/chain/store/chain-store.ts';
import { trustedGenesisFromJson, verifiedAccount } from '../../src/light/index.ts';
import { loadConfig } from '../../src/node/config.ts';
import { createLogger } from '../../src/node/logger.ts';
import { DchatNode } from '../../src/node/node.ts';
import type { SlotClock } from '../../src/node/slot-clock.ts';
import { devSetup } from '../../src/node/dev-setup.ts';
import { DEV_GOV_PARAMS, type GenesisConfig, IdSource, type Operation, SYSTEM_ACCOUNT_IDS, parseGenesisJson, walletIdFromPublicKey } from '../../src/tokenomics/index.ts';
import { cli } from '../e2e/cli/harness.ts';
import { api, postTx, waitFor } from './node-client.ts';

const root = mkdtempSync(join(tmpdir(), 'dchat-export-'));
const logger = createLogger('silent', false);
const open: DchatNode[] = [];
afterAll(async () => {
  for (const node of open) await node.close().catch(() => undefined);
  rmSync(root, { recursive: true, force: true });
});

/** A clock standing at the head's slot: the producer's timer waits for ever, produce-block makes the next block. */
function standingClock(head: () => bigint, genesis: GenesisConfig): SlotClock {
  return {
    nowMs: () => genesis.params.genesisTimeMs + head() * genesis.params.blockTimeMs,
    currentSlot: head,
    msUntilSlot: (slot) => (slot <= head() ? 0 : 1e9),
  };
}

async function startStanding(settings: Record<string, unknown>): Promise<DchatNode> {
  let node: DchatNode | null = null;
  const started = await DchatNode.init(loadConfig({ api_port: 0, log_level: 'silent', ...settings }, {}), {
    logger,
    clock: (genesis) => standingClock(() => node?.chain.head.header.slot ?? 0n, genesis),
  });
  node = started;
  open.push(started);
  return started;
}

async function stop(node: DchatNode): Promise<void> {
  await node.close();
  open.splice(open.indexOf(node), 1);
}

interface Signer {
  readonly publicKeyHex: string;
  readonly secretKey: Uint8Array;
  readonly walletId: string;
  nonce: bigint;
}

function newSigner(): Signer {
  const pair = generateKeyPair();
  const hex = toHex(pair.publicKey);
  return { publicKeyHex: hex, secretKey: pair.secretKey, walletId: walletIdFromPublicKey(hex), nonce: 0n };
}

/** Signs `op` at the signer's next nonce for `chainId` and submits it; returns its hash. */
async function submit(base: string, chainId: string, from: Signer, op: Operation): Promise<string> {
  const tx = signTx({ chainId, signer: from.publicKeyHex, nonce: from.nonce, op }, from.secretKey);
  const reply = await postTx(base, tx.bytes);
  expect(reply.status, JSON.stringify(reply.body)).toBe(202);
  from.nonce++;
  return toHex(tx.hash);
}

async function included(base: string, hash: string): Promise<void> {
  const status = await waitFor(`tx ${hash}`, async () => {
    const reply = await api<{ status: string }>(base, `/v1/txs/${hash}`);
    return reply.body.status === 'included' || reply.body.status === 'rejected' ? reply.body : undefined;
  });
  expect(status.status, JSON.stringify(status)).toBe('included');
}

/** On a standing dev node: submit, make the block, check the tx went in. */
async function include(base: string, chainId: string, from: Signer, op: Operation): Promise<string> {
  const hash = await submit(base, chainId, from, op);
  expect((await api(base, '/v1/dev/produce-block', { method: 'POST' })).status).toBe(200);
  await included(base, hash);
  return hash;
}

/** Every answer compared across the two chains: the state's, not the chain's (no chain id, hashes or peers). */
async function answers(base: string, paths: readonly string[]): Promise<Record<string, unknown>> {
  return Object.fromEntries(await Promise.all(paths.map(async (path) => [path, (await api(base, path)).body] as const)));
}

const signerOf = (key: { publicKeyHex: string; secretKey: Uint8Array; walletId: string }): Signer => ({ ...key, nonce: 0n });

/** What the API says about the state: compared across the two chains at the exported height. */
function statePaths(ids: { wallets: readonly string[]; listing: string; purchase: string; proposal: string }): string[] {
  return [
    '/v1/stats',
    ...ids.wallets.map((w) => `/v1/accounts/${w}`),
    `/v1/listings/${ids.listing}`,
    '/v1/listings',
    `/v1/purchases/${ids.purchase}`,
    `/v1/proposals/${ids.proposal}`,
    '/v1/proposals',
    '/v1/pools',
    '/v1/schedules',
  ];
}

describe('export-state and a chain started from the export', () => {
  it('keeps every account, stake, listing, purchase, proposal and the supply, and goes on producing', async () => {
    const oldDir = join(root, 'old');
    const setup = devSetup(oldDir, 200n, BigInt(Date.now()));
    const a = await startStanding({ dev: true, data_dir: oldDir });
    const chainId = a.chain.params.chainId;
    const dev = signerOf(setup.devWallet);
    const buyer = newSigner();
    const seller = newSigner();

    await include(a.apiUrl, chainId, dev, { type: 'transfer', to: buyer.walletId, amount: 50_000n });
    await include(a.apiUrl, chainId, dev, { type: 'transfer', to: seller.walletId, amount: 1_000n });
    await include(a.apiUrl, chainId, dev, { type: 'stake', amount: 20_000n });
    const listing = IdSource.forTx(await include(a.apiUrl, chainId, seller, { type: 'create-listing', title: 'Export test', price: 300n, quantity: 5n })).id('listing');
    const purchase = IdSource.forTx(await include(a.apiUrl, chainId, buyer, { type: 'buy', listingId: listing, quantity: 2n })).id('purchase');
    const proposal = IdSource.forTx(
      await include(a.apiUrl, chainId, dev, { type: 'submit-proposal', kind: 'param-change', payload: { name: 'burn_rate_bps', value: 200n }, title: 'Burn 2 %', deposit: DEV_GOV_PARAMS.minDeposit }),
    ).id('proposal');
    await include(a.apiUrl, chainId, dev, { type: 'vote', proposalId: proposal, option: 'yes' });

    const wallets = [dev.walletId, buyer.walletId, seller.walletId, ...Object.values(SYSTEM_ACCOUNT_IDS)];
    const paths = statePaths({ wallets, listing, purchase, proposal });
    const before = await answers(a.apiUrl, paths);
    const exportedHead = a.chain.head;
    const height = exportedHead.header.height;
    expect((before[`/v1/proposals/${proposal}`] as { status: string }).status).toBe('voting');
    expect(BigInt((before[`/v1/accounts/${dev.walletId}`] as { staked: string }).staked)).toBe(20_000n);
    // Refused while the node holds the data dir's lock.
    const out = join(root, 'next-genesis.json');
    const flags = ['--data-dir', oldDir, '--chain-id', 'dchat-next', '--genesis-time', new Date().toISOString(), '--out', out];
    const locked = await cli(['export-state', ...flags, '--height', String(height)]);
    expect(locked.code).not.toBe(0);
    expect(locked.stderr).toContain('error InvalidConfig:');
    await stop(a);

    const exported = await cli(['export-state', ...flags, '--height', String(height), '--json']);
    expect(exported.code, exported.stderr).toBe(0);
    const summary = exported.json<Record<string, string>>();
    expect(summary.exported_height).toBe(String(height));
    expect(summary.exported_state_root).toBe(toHex(exportedHead.header.stateRoot));
    const genesis = parseGenesisJson(JSON.parse(readFileSync(out, 'utf8')));
    expect(genesis.initialState!.initialHeight).toBe(height + 1n);

    // The file's pairs are the old state at that height but for meta:params and meta:head (the new chain id and time).
    const store = await ChainStore.open(join(oldDir, 'chain'));
    const oldState = await store.loadState().finally(() => store.close());
    const oldPairs = new Map(oldState.sortedEntries().map(([key, value]) => [key, toHex(encodeStateValue(key, value))]));
    const newPairs = new Map(genesis.initialState!.pairs.map(([key, value]) => [key, toHex(value)]));
    expect([...newPairs.keys()]).toEqual([...oldPairs.keys()]);
    expect([...newPairs].filter(([key, value]) => oldPairs.get(key) !== value).map(([key]) => key)).toEqual(['meta:head', 'meta:params']);
    const root0 = await buildTree(height, genesis.initialState!.pairs.map(([key, value]) => [stateKeyBytes(key), value] as const), () => undefined);

    // A new node from the file: its genesis block stands at the exported height, its root is the pairs' root.
    const newDir = join(root, 'new');
    mkdirSync(join(newDir, 'keys'), { recursive: true, mode: 0o700 });
    copyFileSync(join(oldDir, 'keys', 'validator.json'), join(newDir, 'keys', 'validator.json'));
    const settings = { data_dir: newDir, genesis_file: out, p2p_enabled: false };
    const b = await startStanding(settings);
    expect(b.chain.params.chainId).toBe('dchat-next');
    expect(b.chain.head.header.height).toBe(height);
    expect(toHex(b.chain.head.header.stateRoot)).toBe(toHex(root0.hash));
    expect(toHex(b.chain.head.hash)).toBe(summary.genesis_hash);
    expect(await answers(b.apiUrl, paths)).toEqual(before);
    await stop(b);

    // Restarted on the wall clock (the stored genesis is recognised), it produces: a transfer at the old nonce sequence goes in.
    const c = await DchatNode.init(loadConfig({ api_port: 0, log_level: 'silent', ...settings }, {}), { logger });
    open.push(c);
    expect(toHex((await c.chain.blockAt(height))!.hash)).toBe(summary.genesis_hash);
    // The old chain's nonce sequence goes on: the dev wallet's next transaction is its sixth.
    expect((await api<{ next_nonce: string }>(c.apiUrl, `/v1/accounts/${dev.walletId}`)).body.next_nonce).toBe(String(dev.nonce));
    expect(dev.nonce).toBe(5n);
    await included(c.apiUrl, await submit(c.apiUrl, 'dchat-next', dev, { type: 'transfer', to: buyer.walletId, amount: 1_000n }));
    expect((await api<{ nonce: string }>(c.apiUrl, `/v1/accounts/${dev.walletId}`)).body.nonce).toBe('6');
    const balance = async (): Promise<bigint> => BigInt((await api<{ balance: string }>(c.apiUrl, `/v1/accounts/${buyer.walletId}`)).body.balance);
    // The amount less the fee (docs/protocol.md §10) arrived on the old balance: 1 % burned, or 2 % once the proposal passed.
    const received = (await balance()) - BigInt((before[`/v1/accounts/${buyer.walletId}`] as { balance: string }).balance);
    expect([990n, 980n]).toContain(received);
    // The proposal's voting period ends at the height it was due on the old chain: it is decided on the new one.
    const ends = BigInt((before[`/v1/proposals/${proposal}`] as { voting_end: string }).voting_end);
    await waitFor('the proposal decided', async () => c.chain.head.header.height > ends);
    expect((await api<{ status: string }>(c.apiUrl, `/v1/proposals/${proposal}`)).body.status).toBe('passed');

    // A light client trusting only the new genesis file verifies the exported balance at the genesis height.
    const trusted = trustedGenesisFromJson(JSON.parse(readFileSync(out, 'utf8')));
    const light = await verifiedAccount({ genesis: trusted, node: c.apiUrl }, buyer.walletId, height);
    expect(light.account.balance).toBe(BigInt((before[`/v1/accounts/${buyer.walletId}`] as { balance: string }).balance));
  });
});
