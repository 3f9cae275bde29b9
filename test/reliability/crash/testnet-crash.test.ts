/**
 * Crash suite: a 3-validator testnet of real `dchat start` processes (as `dchat testnet` starts
 * them) under a steady transfer load; one node at a time is killed with SIGKILL and started again on
 * its data dir, DCHAT_CRASH_ITERATIONS times (3 in CI; `npm run test:crash -- --iterations N`).
 *
 * The kill moments rotate through three kinds:
 * - `random`:    a random moment, at a random offset within a slot;
 * - `own-slot`:  0-25 ms after the start of the victim's own slot, while it builds, signs and
 *                commits its block (the store's atomic batch) and publishes it;
 * - `peer-block`: the instant another node's API shows its new block, while the victim is
 *                receiving and importing that same block from gossip.
 *
 * After each restart: the victim catches up; every node holds the same block hash and state root at
 * every height; the nodes agree on the supply figures at one head; circulating == minted - burned and
 * the known accounts plus the pools hold exactly that (no other holders exist in this run); no
 * included tx appears twice and each wallet's nonces run 0, 1, 2, ... on the chain; every accepted tx
 * is included or still pending on a node. At the end the load stops, every accepted tx must be
 * included exactly once, each wallet's nonce equals its accepted count, and every node's store is
 * replayed from genesis in this process (each block re-validated, stored state == replayed state,
 * the full invariants of docs/protocol.md §13.8).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slotStartMs } from '../../../src/chain/poa.ts';
import { readKeyFile } from '../../../src/node/key-files.ts';
import { type GenesisConfig, SYSTEM_ACCOUNT_IDS, parseGenesisJson } from '../../../src/tokenomics/index.ts';
import { compareChains, http, nodeInfo, postTx, sleep, supplyAt, txPlaces, waitSameHead, waitUntil } from '../support/http.ts';
import { TransferLoad } from '../support/load.ts';
import { ProcessNet } from '../support/process-net.ts';
import { replayStoredChain } from '../support/replay.ts';
import { envCount, writeReport } from '../support/report.ts';
import { Rng } from '../support/rng.ts';

const ITERATIONS = envCount('DCHAT_CRASH_ITERATIONS', 3);
const BLOCK_MS = envCount('DCHAT_CRASH_BLOCK_MS', 500);
const NODES = 3;
const rng = Rng.fromEnv('DCHAT_CRASH_SEED', Math.floor(Math.random() * 2 ** 32));
const MODES = ['own-slot', 'peer-block', 'random'] as const;
/**
 * BUG-1 (fixed; src/chain/chain.ts switchBranch, regression in reorg-mempool.test.ts): a reorg used
 * to drop a pending tx that followed an abandoned one. Kept as a switch so a regression shows up
 * as a failure here (false) rather than a tolerated count (true).
 */
const TOLERATE_REORG_DROPS = false;
type KillMode = (typeof MODES)[number];

let net: ProcessNet;
let genesis: GenesisConfig;
let failed = true;

beforeAll(async () => {
  net = await ProcessNet.create({ nodes: NODES, blockTimeMs: BigInt(BLOCK_MS), prefix: 'dchat-crash3-' });
  genesis = parseGenesisJson(JSON.parse(readFileSync(net.layout.genesisFile, 'utf8')));
  for (let i = 0; i < NODES; i++) net.start(i);
  await waitSameHead(net.nodes.map((n) => n.url), 2, 60_000);
}, 90_000);

afterAll(async () => {
  await net?.close(failed);
});

const urls = (): string[] => net.nodes.map((n) => n.url);
const nowSlot = (): bigint => (BigInt(Date.now()) - genesis.params.genesisTimeMs) / genesis.params.blockTimeMs;
/** The next slot, at least `ahead` slots from now, that belongs to validator `index`. */
function nextSlotOf(index: number, ahead = 1n): bigint {
  let slot = nowSlot() + ahead;
  while (slot % BigInt(NODES) !== BigInt(index)) slot++;
  return slot;
}
const msUntil = (slot: bigint): number => Math.max(0, Number(slotStartMs(slot, genesis.params)) - Date.now());

interface KillRecord {
  iteration: number;
  victim: number;
  mode: KillMode;
  /** ms after the start of the slot the kill fell in. */
  offsetMs: number;
  /** The slot the kill fell in, and whether a block of that slot is on the chain afterwards. */
  killSlot: string;
  slotBlockOnChain: boolean;
  victimHeightBefore: string | null;
  downMs: number;
  catchUpMs: number;
  heightAfter: number;
  acceptedSoFar: number;
}

/** Kills `victim` at a moment of the given kind; returns the slot and the kill's offset within it. */
async function killAt(victim: number, mode: KillMode): Promise<{ slot: bigint; offsetMs: number }> {
  if (mode === 'own-slot') {
    await sleep(msUntil(nextSlotOf(victim)) + rng.int(26));
  } else if (mode === 'peer-block') {
    const peer = (victim + 1 + rng.int(NODES - 1)) % NODES;
    const slot = nextSlotOf(peer);
    await sleep(Math.max(0, msUntil(slot) - 15));
    const before = (await nodeInfo(net.url(peer))).head_height;
    const until = Date.now() + BLOCK_MS;
    // The moment the peer's API shows its new block: it has committed and is gossiping it now.
    while (Date.now() < until && (await nodeInfo(net.url(peer)).catch(() => null))?.head_height === before) await sleep(2);
  } else {
    await sleep(rng.int(BLOCK_MS * 3));
  }
  const at = BigInt(Date.now());
  await net.kill(victim);
  return { slot: (at - genesis.params.genesisTimeMs) / genesis.params.blockTimeMs, offsetMs: Number((at - genesis.params.genesisTimeMs) % genesis.params.blockTimeMs) };
}

describe('3-node testnet, SIGKILL and restart under load', () => {
  it(`survives ${ITERATIONS} kills: one chain, one state, every accepted tx included once`, async () => {
    const started = Date.now();
    const wallets = net.layout.nodes.map((n) => readKeyFile(n.walletKeyFile));
    const authority = readKeyFile(net.layout.authorityKeyFile);
    const recipients = Array.from({ length: 5 }, () => randomUUID());
    // Every holder of tokens in this run: the system accounts, the reward wallets, the recipients
    // (and the authority, which holds none); pools are added by supplyAt.
    const holders = [...Object.keys(SYSTEM_ACCOUNT_IDS), ...wallets.map((w) => w.walletId), authority.walletId, ...recipients];
    const load = new TransferLoad({
      chainId: net.layout.chainId, wallets, recipients, rng, intervalMs: 60,
      targets: () => net.nodes.filter((n) => net.isUp(n.index)).map((n) => n.url),
    });
    load.start();
    const kills: KillRecord[] = [];
    const supplyChecks: { height: string; circulating: string }[] = [];
    const droppedAfterReorg: { iteration: number; hash: string; nonce: string }[] = [];
    let lastHeight = 0;
    try {
      for (let iteration = 1; iteration <= ITERATIONS; iteration++) {
        await sleep(200 + rng.int(1_000));
        const victim = rng.int(NODES);
        const mode = MODES[(iteration - 1) % MODES.length]!;
        const victimHeightBefore = (await nodeInfo(net.url(victim)).catch(() => null))?.head_height ?? null;
        const { slot: killSlot, offsetMs } = await killAt(victim, mode);
        const downMs = rng.int(BLOCK_MS * 4);
        await sleep(downMs);
        const restartedAt = Date.now();
        net.start(victim);
        await waitUntil(`node ${victim}'s API after restart ${iteration}`, async () => (await http(net.url(victim), '/v1/node', {}, 1_000)).status === 200, 60_000);

        // Caught up, and one chain: same block hash and state root at every height on every node.
        const chain = await compareChains(urls());
        const catchUpMs = Date.now() - restartedAt;
        expect(chain.height, 'the chain moved on').toBeGreaterThan(lastHeight);
        lastHeight = chain.height;

        // No tx twice, every signer's nonces in sequence; every accepted tx included or pending.
        const places = txPlaces(chain.blocks);
        for (const tx of load.accepted.values()) {
          if (places.has(tx.hash)) continue;
          const statuses = await Promise.all(urls().map(async (u) => (await http<{ status?: string; code?: string }>(u, `/v1/txs/${tx.hash}`)).body));
          if (statuses.some((s) => s?.status === 'pending' || s?.status === 'included')) continue;
          if (TOLERATE_REORG_DROPS && statuses.every((s) => s?.status === 'rejected' && s.code === 'InvalidNonce')) {
            droppedAfterReorg.push({ iteration, hash: tx.hash, nonce: String(tx.nonce) });
            continue;
          }
          expect.fail(`accepted tx ${tx.hash} (nonce ${tx.nonce}) is neither pending nor included after restart ${iteration}: ${JSON.stringify(statuses)}`);
        }

        // The supply invariant on every node, and the same figures on every node at one head.
        for (const url of urls()) {
          const s = await supplyAt(url, holders);
          expect(s.circulating, `${url} circulating == minted - burned at ${s.height}`).toBe(s.minted - s.burned);
          expect(s.held, `${url}: accounts + pools hold the circulating supply at ${s.height}`).toBe(s.circulating);
          supplyChecks.push({ height: s.height, circulating: String(s.circulating) });
        }
        await sameFiguresEverywhere(holders);

        const record: KillRecord = {
          iteration, victim, mode, offsetMs, killSlot: String(killSlot), slotBlockOnChain: chain.blocks.some((b) => BigInt(b.slot) === killSlot), victimHeightBefore, downMs, catchUpMs, heightAfter: chain.height, acceptedSoFar: load.accepted.size,
        };
        kills.push(record);
        process.stdout.write(`[crash] ${JSON.stringify(record)}\n`);
      }
    } finally {
      await load.stop();
    }

    // Quiet: every accepted tx ends up included exactly once, and the nonces count them. A wallet
    // whose tx no node holds any more sends it again (only BUG-1 below makes that happen).
    let rebroadcastAtEnd = 0;
    const final = await waitUntil('every accepted tx included', async () => {
      const chain = await compareChains(urls());
      const places = txPlaces(chain.blocks);
      const missing = [...load.accepted.values()].filter((tx) => !places.has(tx.hash)).sort((a, b) => (a.nonce < b.nonce ? -1 : 1));
      for (const tx of missing) {
        // Held by any node is enough: that node includes it in its own slot (mempools are not
        // re-synced to a peer that was down when the tx was gossiped).
        const statuses = await Promise.all(urls().map(async (u) => (await http<{ status?: string }>(u, `/v1/txs/${tx.hash}`)).body?.status));
        if (statuses.some((status) => status === 'pending' || status === 'included')) continue;
        rebroadcastAtEnd++;
        await postTx(net.url(0), tx.bytes).catch(() => undefined);
      }
      return missing.length === 0 ? { chain, places } : undefined;
    }, 90_000, 500);
    if (!TOLERATE_REORG_DROPS) expect(rebroadcastAtEnd).toBe(0);
    for (const wallet of wallets) {
      const account = await http<{ nonce: string }>(net.url(0), `/v1/accounts/${wallet.walletId}`);
      expect(BigInt(account.body.nonce), `wallet ${wallet.walletId}: on-chain nonce == accepted txs`).toBe(BigInt(load.acceptedOf(wallet.walletId).length));
    }
    const included = [...final.places.values()].length;
    expect(included).toBe(load.accepted.size);
    // Balances: every recipient got exactly the sum of what was sent to it, less the fee.
    const expected = new Map<string, bigint>();
    for (const tx of load.accepted.values()) {
      // docs/protocol.md §10: 1 % rounded up, at least min_fee 1 (docs/protocol.md §10).
      const fee = [(tx.amount + 99n) / 100n, 1n].reduce((a, b) => (a > b ? a : b));
      expected.set(tx.to, (expected.get(tx.to) ?? 0n) + tx.amount - (fee > tx.amount ? tx.amount : fee));
    }
    for (const to of recipients) {
      for (const url of urls()) {
        const account = await http<{ balance: string }>(url, `/v1/accounts/${to}`);
        expect(BigInt(account.body.balance), `recipient ${to} on ${url}`).toBe(expected.get(to) ?? 0n);
      }
    }

    // Stop cleanly and replay every node's store from genesis.
    await net.stopAll();
    const replays = [];
    for (const node of net.layout.nodes) replays.push(await replayStoredChain(node.dataDir, genesis));
    // The stopped nodes may differ by the last block or two; below that they hold one chain.
    const common = Math.min(...replays.map((r) => r.hashes.length)) - 2;
    for (const r of replays) expect(r.hashes.slice(0, common)).toEqual(replays[0]!.hashes.slice(0, common));

    writeReport('crash', {
      iterations: ITERATIONS,
      kills: kills.length,
      byMode: Object.fromEntries(MODES.map((m) => [m, kills.filter((k) => k.mode === m).length])),
      // own-slot kills after which the victim's block of that slot never reached the chain: the kill
      // fell before its block was committed or published.
      ownSlotBlockLost: kills.filter((k) => k.mode === 'own-slot' && !k.slotBlockOnChain).length,
      seed: rng.seed,
      blockTimeMs: BLOCK_MS,
      finalHeight: final.chain.height,
      txsAccepted: load.accepted.size,
      txsIncluded: included,
      load: load.counts,
      supplyChecks: supplyChecks.length,
      droppedAfterReorg,
      rebroadcastAtEnd,
      maxCatchUpMs: Math.max(...kills.map((k) => k.catchUpMs)),
      replayed: replays.map((r) => ({ height: String(r.height), txs: r.txs })),
      durationMs: Date.now() - started,
      iterationsDetail: kills,
    });
    failed = false;
  }, 60_000 + ITERATIONS * 60_000);
});

/** At one shared head, every node reports the same supply figures and balances (one state). */
async function sameFiguresEverywhere(holders: readonly string[]): Promise<void> {
  await waitUntil('the same figures on every node at one head', async () => {
    const head = await waitSameHead(urls(), 1);
    const figures = await Promise.all(urls().map(async (u) => {
      const [stats, ...accounts] = await Promise.all([http(u, '/v1/stats'), ...holders.map((h) => http<{ total_assets: string }>(u, `/v1/accounts/${h}`))]);
      return JSON.stringify([stats.body, accounts.map((a) => a.body.total_assets)]);
    }));
    const after = await Promise.all(urls().map(nodeInfo));
    if (after.some((i) => i.head_hash !== head.hash)) return undefined;
    expect(new Set(figures).size, `figures at height ${head.height}`).toBe(1);
    return true;
  }, 30_000, 20);
}

