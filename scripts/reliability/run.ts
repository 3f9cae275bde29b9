#!/usr/bin/env node
/**
 * The long runs of the reliability suites (test/reliability), what `npm run test:crash`,
 * `npm run test:fuzz` and `npm run test:partition` call:
 *
 *   node scripts/reliability/run.ts crash     [--iterations N] [--block-ms MS] [--seed S]
 *   node scripts/reliability/run.ts fuzz      [--cases N] [--seed S|random]
 *   node scripts/reliability/run.ts partition [--rounds N] [--blocks N]
 *   node scripts/reliability/run.ts flood     [--txs N]
 *   node scripts/reliability/run.ts hardening [--clients N] [--seconds N] [--block-ms MS] [--sockets N]
 *   node scripts/reliability/run.ts unbonding [--entries N] [--block-txs N]
 *   node scripts/reliability/run.ts statesync [--height N] [--block-ms MS]
 *
 * Each sets the suite's environment (DCHAT_CRASH_ITERATIONS, DCHAT_FUZZ_CASES, ...; the same
 * variables work when set directly), runs its test files with vitest, then prints the figures the
 * suites wrote to test-artifacts/reliability/*.json. The exit code is vitest's.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const REPORTS = join(ROOT, 'test-artifacts/reliability');

interface Suite {
  readonly files: string[];
  /** --flag -> environment variable. */
  readonly flags: Record<string, string>;
  /** Defaults of the long run (the CI run uses the suites' own, smaller ones). */
  readonly defaults: Record<string, string>;
  readonly reports: string[];
}

const SUITES: Record<string, Suite> = {
  crash: {
    // The 3-node suite, and the single dev-node SIGKILL test (same DCHAT_CRASH_ITERATIONS).
    files: ['test/reliability/crash', 'test/integration/crash-restart.test.ts'],
    flags: { '--iterations': 'DCHAT_CRASH_ITERATIONS', '--block-ms': 'DCHAT_CRASH_BLOCK_MS', '--seed': 'DCHAT_CRASH_SEED' },
    defaults: { DCHAT_CRASH_ITERATIONS: '25' },
    reports: ['crash'],
  },
  fuzz: {
    files: ['test/reliability/fuzz', 'test/reliability/authority/authority.test.ts'],
    flags: { '--cases': 'DCHAT_FUZZ_CASES', '--seed': 'DCHAT_FUZZ_SEED' },
    defaults: { DCHAT_FUZZ_CASES: '100000', DCHAT_FUZZ_SEED: 'random' },
    reports: ['fuzz-decoders', 'fuzz-gossip', 'fuzz-req-resp', 'fuzz-api', 'fuzz-cli', 'authority'],
  },
  partition: {
    files: ['test/reliability/partition', 'test/integration/network/partition.test.ts', 'test/integration/network/cut-off-validator.test.ts'],
    flags: { '--rounds': 'DCHAT_PARTITION_ROUNDS', '--blocks': 'DCHAT_PARTITION_BLOCKS' },
    defaults: { DCHAT_PARTITION_ROUNDS: '3', DCHAT_PARTITION_BLOCKS: '5' },
    reports: ['partition-netns'],
  },
  flood: {
    // Gossip costs the sender: a tx flood from one peer, throttled then banned (README "Network").
    files: ['test/reliability/hardening/gossip-flood.test.ts', 'test/reliability/hardening/gossip-flood-cpu.test.ts'],
    flags: { '--txs': 'DCHAT_FLOOD_TXS' },
    defaults: { DCHAT_FLOOD_TXS: '20000', DCHAT_FLOOD_SLOW: '1', DCHAT_FLOOD_CPU: '1' },
    reports: ['gossip-flood', 'gossip-flood-cpu'],
  },
  hardening: {
    // The API under a crowd: 200 clients for 60 s on the heaviest routes, and half-open sockets.
    files: ['test/reliability/hardening/api-load.test.ts', 'test/reliability/hardening/half-open-sockets.test.ts'],
    flags: { '--clients': 'DCHAT_API_LOAD_CLIENTS', '--seconds': 'DCHAT_API_LOAD_SECONDS', '--block-ms': 'DCHAT_API_LOAD_BLOCK_MS', '--sockets': 'DCHAT_HALF_OPEN_SOCKETS' },
    defaults: { DCHAT_API_LOAD_CLIENTS: '200', DCHAT_API_LOAD_SECONDS: '60', DCHAT_HALF_OPEN_SOCKETS: '1000' },
    reports: ['hardening-api-load', 'hardening-half-open'],
  },
  unbonding: {
    // Issue 12: one wallet's one-token unstakes in blocks of max_block_txs must not halt the chain.
    files: ['test/reliability/hardening/unbonding-attack.test.ts'],
    flags: { '--entries': 'DCHAT_UNBONDING_ENTRIES', '--block-txs': 'DCHAT_UNBONDING_BLOCK_TXS' },
    // One unstake per block: the list grows by one entry a block (unstakes of a block share one).
    defaults: { DCHAT_UNBONDING_ENTRIES: '20000', DCHAT_UNBONDING_BLOCK_TXS: '2' },
    reports: ['unbonding-attack'],
  },
  statesync: {
    // Issue 15: a node joins a chain of thousands of blocks by snapshot despite a forging peer.
    files: ['test/integration/snapshots/state-sync.test.ts'],
    flags: { '--height': 'DCHAT_STATESYNC_HEIGHT', '--block-ms': 'DCHAT_STATESYNC_BLOCK_MS' },
    defaults: { DCHAT_STATESYNC_HEIGHT: '3000', DCHAT_STATESYNC_BLOCK_MS: '60' },
    reports: ['state-sync'],
  },
};

function usage(message: string): never {
  process.stderr.write(`${message}\nusage: node scripts/reliability/run.ts <${Object.keys(SUITES).join('|')}> [options]\n`);
  for (const [name, suite] of Object.entries(SUITES)) process.stderr.write(`  ${name}: ${Object.keys(suite.flags).join(' N, ')} N\n`);
  process.exit(2);
}

const [name, ...args] = process.argv.slice(2);
const suite = name === undefined ? undefined : SUITES[name];
if (suite === undefined) usage(name === undefined ? 'which suite?' : `no suite "${name}"`);

const env: Record<string, string> = { ...suite.defaults };
for (const [k, v] of Object.entries(process.env)) if (k.startsWith('DCHAT_') && v !== undefined) env[k] = v;
for (let i = 0; i < args.length; i++) {
  const arg = args[i]!;
  const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
  const variable = suite.flags[flag];
  if (variable === undefined) usage(`unknown option ${arg} for ${name}`);
  const value = inline ?? args[++i];
  if (value === undefined || value === '') usage(`${flag} needs a value`);
  if (flag !== '--seed' && !/^\d+$/.test(value)) usage(`${flag} expects a whole number, got "${value}"`);
  env[variable] = value;
}

// One seed for every file of the run (each would otherwise draw its own), printed and reported.
for (const variable of ['DCHAT_FUZZ_SEED', 'DCHAT_CRASH_SEED']) {
  if (env[variable] === 'random') env[variable] = String(Math.floor(Math.random() * 2 ** 32));
}

mkdirSync(REPORTS, { recursive: true });
for (const report of suite.reports) rmSync(join(REPORTS, `${report}.json`), { force: true });
process.stdout.write(`reliability ${name}: ${Object.entries(env).filter(([k]) => Object.values(suite.flags).includes(k)).map(([k, v]) => `${k}=${v}`).join(' ')}\n`);

const started = Date.now();
const vitest = join(ROOT, 'node_modules/vitest/vitest.mjs');
const child = spawn(process.execPath, [vitest, 'run', ...suite.files, '--testTimeout', '14400000', '--hookTimeout', '600000'], {
  cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env, DCHAT_RELIABILITY_REPORTS: REPORTS },
});
const code = await new Promise<number>((done) => child.on('exit', (c, signal) => done(c ?? (signal === null ? 1 : 128))));
const seconds = Math.round((Date.now() - started) / 1000);

process.stdout.write(`\n==== reliability ${name}: ${code === 0 ? 'PASSED' : 'FAILED'} in ${seconds} s ====\n`);
for (const report of suite.reports) {
  const file = join(REPORTS, `${report}.json`);
  if (!existsSync(file)) {
    process.stdout.write(`${report}: no report (the suite did not finish)\n`);
    continue;
  }
  const body = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  process.stdout.write(`${summary(report, body)}\n  (${file})\n`);
}
process.exit(code);

function summary(report: string, r: Record<string, unknown>): string {
  const n = (v: unknown): string => (typeof v === 'number' ? v.toLocaleString('en-US') : String(v));
  if (report === 'crash') {
    const modes = r.byMode as Record<string, number>;
    return [
      `crash: ${n(r.kills)} SIGKILLs of ${n(r.iterations)} (${Object.entries(modes).map(([m, c]) => `${m} ${c}`).join(', ')}; ${n(r.ownSlotBlockLost)} own-slot kills lost the victim's block), seed ${n(r.seed)}`,
      `  final height ${n(r.finalHeight)}, txs accepted ${n(r.txsAccepted)}, included exactly once ${n(r.txsIncluded)}, supply checks ${n(r.supplyChecks)}, max catch-up ${n(r.maxCatchUpMs)} ms`,
      `  dropped after a reorg (BUG-1) ${(r.droppedAfterReorg as unknown[]).length}, re-sent at the end ${n(r.rebroadcastAtEnd)}, stores replayed from genesis ${(r.replayed as unknown[]).length}, ${Math.round(Number(r.durationMs) / 1000)} s`,
    ].join('\n');
  }
  if (report === 'partition-netns') {
    const rounds = r.detail as { convergeMs: number; winner: string; losingTxsReincluded: number }[];
    return `partition (netns): ${n(r.rounds)} rounds of >= ${n(r.blocksPerSide)} blocks per side, ${n(r.transfers)} transfers; converged in ${rounds.map((d) => `${d.convergeMs} ms`).join(', ')}; losing-branch txs re-included ${rounds.reduce((s, d) => s + d.losingTxsReincluded, 0)}`;
  }
  if (report === 'authority') {
    return `authority: ${n(r.refusedPrivileged)} privileged types refused for a non-authority key, ${n(r.invalidBlocks)} blocks refused; ownership property over ${n(r.ownershipCases)} random ops: ${JSON.stringify(r.ownershipOutcomes)}`;
  }
  if (report === 'hardening-api-load') {
    const loaded = r.loaded as Record<string, number>;
    const idle = r.idle as Record<string, number>;
    return [
      `api load: ${n(r.clients)} clients for ${n(r.seconds)} s, ${n(r.requests)} requests ${JSON.stringify(r.byStatus)}, ${n(r.untyped)} untyped, ${n(r.transportErrors)} transport errors`,
      `  under load: ${n(loaded.blocks)} blocks, ${n(loaded.missedSlots)} missed slots, block processing p50 ${loaded.processP50Ms} ms p99 ${loaded.processP99Ms} ms, slot-to-commit p99 ${loaded.commitDelayP99Ms} ms`,
      `  idle:       ${n(idle.blocks)} blocks, ${n(idle.missedSlots)} missed slots, block processing p50 ${idle.processP50Ms} ms p99 ${idle.processP99Ms} ms, slot-to-commit p99 ${idle.commitDelayP99Ms} ms`,
    ].join('\n');
  }
  if (report === 'hardening-half-open') {
    return `half-open sockets: ${n(r.sockets)} idle sockets on a cap of ${n(r.cap)}: ${n(r.refusedTyped)} answered 503 Overloaded, all closed by the server in ${n(r.allClosedMs)} ms, ${n(r.heightGain)} blocks meanwhile`;
  }
  if (report === 'state-sync') {
    return `state sync: joined at snapshot ${n(r.snapshotHeight)} of a chain at ${n(r.chainHeight)} (${n(r.chunks)} chunks, ${n(r.stateKeys)} state keys) in ${n(r.restoreMs)} ms, forger banned ${String(r.forgerBanned)}, then followed to ${n(r.followedTo)} in step with the validators`;
  }
  if (report === 'unbonding-attack') {
    return `unbonding attack: ${n(r.unstakesAttempted)} unstakes from one wallet in ${n(r.blocks)} blocks (all produced), ${n(r.unbondingEntries)} entries reached, refused ${JSON.stringify(r.refusedByCode)}, left out by the producer ${JSON.stringify(r.droppedByProducerByCode)}, ${n(r.honestTransfersIncluded)} honest transfers included; block median ${n(r.blockMsMedian)} ms, max ${n(r.blockMsMax)} ms`;
  }
  const targets = (r.decoders ?? r.targets ?? (r.stats === undefined ? [] : [r.stats])) as { target: string; cases: number; accepted: number; refused: number; failed: number; ms: number }[];
  const lines = targets.map((t) => `  ${t.target.padEnd(44)} ${n(t.cases).padStart(9)} cases  ${n(t.accepted).padStart(8)} accepted  ${n(t.refused).padStart(9)} typed refusals  ${n(t.failed)} failures  ${n(t.ms)} ms`);
  const total = targets.reduce((s, t) => s + t.cases, 0);
  const failed = targets.reduce((s, t) => s + t.failed, 0);
  return [`${report}: ${n(total)} cases, ${n(failed)} failures (seed ${n(r.seed)})`, ...lines].join('\n');
}
