/**
 * Runs in its own process (spawned by the memory benchmark) so its RSS is the node's alone:
 * `create` opens a chain on an empty data dir with a genesis funding `accounts` wallets (the
 * genesis is written to LevelDB in one batch and the state loaded back, as on any start); `open`
 * restarts a node on that dir. Both then drop everything but the chain, collect garbage and print
 * one JSON line: RSS and heap with the chain open, peak RSS, and timings.
 *
 *   node --expose-gc scripts/bench/memory-child.ts <create|open> <accounts> <data dir>
 */
import { pino } from 'pino';
import { Chain } from '../../src/chain/chain.ts';
import { ChainStore } from '../../src/chain/store/chain-store.ts';
import { type GenesisConfig, defaultGenesis } from '../../src/tokenomics/index.ts';
import { AUTHORITY, GENESIS_TIME, VALIDATOR } from './fixtures.ts';

export interface MemoryReport {
  readonly mode: 'create' | 'open';
  readonly accounts: number;
  readonly stateKeys: number;
  readonly openMs: number;
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  readonly externalBytes: number;
  readonly peakRssBytes: number;
}

/** Wallet `i` as a UUID: deterministic, distinct, cheap (no hashing). */
function walletId(i: number): string {
  const hex = i.toString(16).padStart(12, '0');
  return `00000000-0000-4000-8000-${hex}`;
}

/** The default genesis, its validators' share spread over `accounts` funded wallets. */
export function millionGenesis(accounts: number): GenesisConfig {
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

async function main(): Promise<void> {
  const [mode, countArg, dir] = process.argv.slice(2);
  if ((mode !== 'create' && mode !== 'open') || countArg === undefined || dir === undefined) {
    throw new Error('usage: memory-child.ts <create|open> <accounts> <data dir>');
  }
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('Run with --expose-gc.');
  const accounts = Number(countArg);
  const start = performance.now();
  const store = await ChainStore.open(dir);
  let genesis: GenesisConfig | null = millionGenesis(accounts);
  const chain = await Chain.open({ store, genesis, logger: pino({ level: 'silent' }), verifyThreads: 0 });
  const openMs = performance.now() - start;
  // What stays is what a running node holds for its state; the genesis file's copy goes.
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
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
  await chain.close();
  await store.close();
}

if (import.meta.main) await main();
