/**
 * Runs in its own process (spawned by the memory benchmark) so its RSS is one node's chain alone.
 *
 *   node --expose-gc scripts/bench/memory-child.ts <mode> <accounts> <data dir>
 *
 * Modes:
 * - `create-state`: a chain with the small bench genesis, then one commit that adds `accounts`
 *   funded wallets to the stored state (written through ChainStore.commitBlock as the state of
 *   block 1; a memory fixture, not a replay of a million transfers).
 * - `open-state`: restarts a node on that dir: the state is loaded from LevelDB.
 * - `create-genesis`: the same wallets funded by the genesis itself, first start: the genesis is
 *   built straight into the store's batch and its state kept as the chain's (not read back).
 * - `open-genesis`: a restart on that dir: the genesis is recognised by its config's fingerprint
 *   (not rebuilt) and the state is loaded from LevelDB, as in `open-state`.
 * Each prints one JSON line after garbage collection: RSS, heap, peak RSS, the RSS when Chain.open
 * began (node itself and the genesis config) and the time to open.
 */
import { peakRssBytes } from './json-child.ts';
import { createHash } from 'node:crypto';
import { pino } from 'pino';
import { produceBlock } from '../../src/chain/block-production.ts';
import { Chain } from '../../src/chain/chain.ts';
import { ChainStore } from '../../src/chain/store/chain-store.ts';
import { sealBlock } from '../../src/chain/codec/block.ts';
import { ACCOUNT_PREFIX, type Account, type GenesisConfig, type WriteSet, defaultGenesis } from '../../src/tokenomics/index.ts';
import { AUTHORITY, GENESIS_TIME, VALIDATOR, fixture } from './fixtures.ts';

export type MemoryMode = 'create-state' | 'open-state' | 'create-genesis' | 'open-genesis';

export interface MemoryReport {
  readonly mode: MemoryMode;
  readonly accounts: number;
  readonly stateKeys: number;
  readonly openMs: number;
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  readonly externalBytes: number;
  readonly peakRssBytes: number;
  /** RSS just before Chain.open, without a collection first (so the open runs as it would). */
  readonly rssAtOpenBytes: number;
}

/**
 * Wallet `i` as a UUID spread like real wallet ids (a hash), so LevelDB sizes are realistic. Joined,
 * not concatenated: V8 would keep a template's result as a tree of slices of the 64-character hash
 * (about 300 bytes a wallet, 400 MB for a million), where a genesis file parses to flat strings.
 */
function walletId(i: number): string {
  const hex = createHash('sha256').update(`bench-wallet-${i}`).digest('hex');
  return [hex.slice(0, 8), hex.slice(8, 12), `5${hex.slice(13, 16)}`, `8${hex.slice(17, 20)}`, hex.slice(20, 32)].join('-');
}

/** The default genesis, its validators' share spread over `accounts` funded wallets. */
function genesisWithAccounts(accounts: number): GenesisConfig {
  const base = defaultGenesis({
    chainId: 'dchat-bench-memory',
    genesisTimeMs: GENESIS_TIME,
    validators: [{ publicKey: VALIDATOR.hex, rewardWallet: walletId(0) }],
    authority: [AUTHORITY.hex],
  });
  const pot = base.distribution[0]!.amount;
  const share = pot / BigInt(accounts);
  const funded = Array.from({ length: accounts }, (_, i) => ({ account: walletId(i), amount: i === 0 ? share + (pot - share * BigInt(accounts)) : share }));
  return { ...base, distribution: [...base.distribution.slice(1), ...funded] };
}

const logger = pino({ level: 'silent' });

/** Block 1 (empty, valid) committed with `accounts` funded wallets added to its state writes. */
async function createState(accounts: number, dir: string): Promise<void> {
  const f = await fixture(4);
  const store = await ChainStore.open(dir);
  const chain = await Chain.open({ store, genesis: f.config, logger, verifyThreads: 0 });
  const parent = chain.headParent();
  const produced = await produceBlock(parent, f.config.params, 1n, { publicKey: VALIDATOR.hex, secretKey: VALIDATOR.secretKey }, []);
  const writes: WriteSet = new Map(produced.outcome.writes);
  for (let i = 0; i < accounts; i++) {
    const account: Account = { balance: 1_000_000n + BigInt(i), staked: 0n, unbonding: [], pendingRewards: 0n, nonce: BigInt(i % 10) };
    writes.set(`${ACCOUNT_PREFIX}${walletId(i)}`, account);
  }
  await chain.close();
  // The block is resealed with the root of the state it stores, so the chain opens it (its tree root is checked at open).
  const tree = await store.tree.updateFor(1n, writes);
  const block = sealBlock({ ...produced.block.header, stateRoot: tree.root.hash }, produced.block.txs, VALIDATOR.secretKey);
  await store.commitBlock({
    height: 1n, hash: block.hash, blockBytes: block.bytes, stateRoot: tree.root.hash,
    writes, undo: new Map(), events: [], txHashes: [], tree,
  });
  await store.close();
}

async function main(): Promise<void> {
  const [mode, countArg, dir] = process.argv.slice(2) as [MemoryMode | undefined, string | undefined, string | undefined];
  const modes: readonly string[] = ['create-state', 'open-state', 'create-genesis', 'open-genesis'];
  if (mode === undefined || !modes.includes(mode) || countArg === undefined || dir === undefined) {
    throw new Error(`usage: memory-child.ts <${modes.join('|')}> <accounts> <data dir>`);
  }
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('Run with --expose-gc.');
  const accounts = Number(countArg);
  const start = performance.now();
  if (mode === 'create-state') await createState(accounts, dir);
  const store = await ChainStore.open(dir);
  let genesis: GenesisConfig | null = mode.endsWith('genesis') ? genesisWithAccounts(accounts) : (await fixture(4)).config;
  const rssAtOpenBytes = process.memoryUsage.rss();
  const chain = await Chain.open({ store, genesis, logger, verifyThreads: 0 });
  const openMs = performance.now() - start;
  // What stays is what a running node holds; the genesis file's copy goes.
  genesis = null;
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  const memory = process.memoryUsage();
  const report: MemoryReport = {
    mode,
    accounts,
    stateKeys: chain.state.size,
    openMs,
    rssBytes: memory.rss,
    heapUsedBytes: memory.heapUsed,
    externalBytes: memory.external,
    peakRssBytes: peakRssBytes(),
    rssAtOpenBytes,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
  await chain.close();
  await store.close();
}

if (import.meta.main) await main();
