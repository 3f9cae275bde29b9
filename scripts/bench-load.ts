/**
 * `npm run bench:load` (issue 17 item 4): a 3-validator loopback testnet, K funded wallets, and
 * signed transfers sent over HTTP through the client SDK (single and batch) at rising rates until
 * inclusion stops keeping up. One run prints, per step: submitted, accepted and included tx/s, submit → included latency
 * p50/p99 (from the event stream), block fullness, missed slots, each node's CPU and RSS, and the
 * ratio of included tx/s × nodes (every node verifies every tx) to the raw single-core ed25519
 * verify rate measured in the same run, before the nodes start.
 *
 *   node scripts/bench-load.ts [--block-time 6000] [--seconds 60] [--rates 500,1000,2000,2500,3000]
 *                              [--modes batch,single] [--wallets 400] [--nodes 3] [--cpu-prof-dir DIR] [--logs-dir DIR [--log-level info]] [--smoke] [--json]
 * The genesis takes max_block_txs 40,000 (--max-block-txs; the default genesis has 10,000, which caps
 * 6 s blocks at 1,667 tx/s). --nodes 1 is the single-validator node of item 5; --cpu-prof-dir writes each node's CPU profile,
 * --logs-dir each node's log (node-<i>.log, warn and above, or --log-level's; the directory is created:
 * at info, each block's commit time is there).
 * --smoke: 1 s blocks, 3 s at 50 tx/s, 20 wallets (what `npm test` runs: the path works, no figures).
 */
import { parseArgs } from 'node:util';
import { DchatClient } from '../src/client/index.ts';
import { readKeyFile } from '../src/node/key-files.ts';
import { type Cluster, missedSlots, sampleProcess, startCluster } from './load/cluster.ts';
import { Inclusion, type StepResult, fund, makeWallet, runStep, sign, walletFromSeed } from './load/driver.ts';
import { percentile } from './bench/stats.ts';
import { baselineNow, signedMessages } from './bench/suites.ts';

const { values } = parseArgs({
  options: {
    'block-time': { type: 'string', default: '6000' },
    seconds: { type: 'string', default: '60' },
    rates: { type: 'string', default: '500,1000,2000,2500,3000,4000' },
    modes: { type: 'string', default: 'batch,single' },
    wallets: { type: 'string', default: '400' },
    'batch-size': { type: 'string', default: '200' },
    'in-flight': { type: 'string', default: '32' },
    'base-port': { type: 'string', default: '7845' },
    nodes: { type: 'string', default: '3' },
    'max-block-txs': { type: 'string', default: '40000' },
    'cpu-prof-dir': { type: 'string' },
    'logs-dir': { type: 'string' },
    'log-level': { type: 'string', default: 'warn' },
    smoke: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});

const smoke = values.smoke;
const logsDir = values['logs-dir'];
if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace'].includes(values['log-level'])) {
  console.error(`--log-level must be one of fatal, error, warn, info, debug, trace (got ${values['log-level']})`);
  process.exit(2);
}
const blockTimeMs = smoke ? 1_000 : Number(values['block-time']);
const seconds = smoke ? 3 : Number(values.seconds);
const rates = smoke ? [50] : values.rates.split(',').map(Number);
const modes = (smoke ? ['batch', 'single'] : values.modes.split(',')) as ('single' | 'batch')[];
const walletCount = smoke ? 20 : Number(values.wallets);
const NODES = Number(values.nodes);
const maxBlockTxs = Number(values['max-block-txs']);
const log = (line: string): void => {
  if (!values.json) process.stdout.write(`${line}\n`);
};

interface Row extends StepResult {
  readonly includedPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly fullness: number;
  readonly missed: number;
  readonly cpu: number[];
  readonly rssMiB: number[];
  readonly verifyRatio: number;
}

const rawVerify = baselineNow(signedMessages(smoke ? 2_000 : 20_000, 64).checks);
log(`raw ed25519 verify, 1 core (baseline, this run): ${Math.round(rawVerify)} verify/s`);
log(`testnet: ${NODES} validators, ${blockTimeMs} ms blocks of at most ${maxBlockTxs} txs; ${walletCount} wallets; ${seconds} s per step; modes ${modes.join(', ')}; rates ${rates.join(', ')} tx/s`);

const cluster: Cluster = await startCluster({ nodes: NODES, blockTimeMs, maxBlockTxs: BigInt(maxBlockTxs), basePort: Number(values['base-port']), ...(values['cpu-prof-dir'] === undefined ? {} : { cpuProfileDir: values['cpu-prof-dir'] }), ...(logsDir === undefined ? {} : { logsDir, logLevel: values['log-level'] }) });
const rows: Row[] = [];
try {
  const urls = cluster.nodes.map((n) => n.url);
  const clients = urls.map((baseUrl) => new DchatClient({ baseUrl }));
  const chainId = cluster.layout.chainId;
  const authority = await walletFromSeed(readKeyFile(cluster.layout.authorityKeyFile).secretKey);
  const wallets = await Promise.all(Array.from({ length: walletCount }, () => makeWallet()));
  const inclusion = Inclusion.open(clients[0]!);
  await fund(clients, chainId, authority, wallets, 10_000_000n, inclusion);
  log(`funded ${wallets.length} wallets`);
  const sink = (await makeWallet()).walletId;
  stepping: for (const mode of modes) {
    for (const rate of rates) {
      const count = rate * seconds;
      const txs = await Promise.all(Array.from({ length: count }, async (_, i) => {
        const w = i % wallets.length;
        return { tx: await sign(chainId, wallets[w]!, { type: 'transfer', to: sink, amount: 1_000n }), wallet: w };
      }));
      const before = cluster.nodes.map((n) => sampleProcess(n.process.pid!));
      const missedBefore = (await Promise.all(urls.map(missedSlots))).reduce((a, b) => a + b, 0);
      const blocksBefore = inclusion.blocks.length;
      const startedMs = performance.now();
      const step = await runStep({ clients, txs, rate, seconds, mode, batchSize: Number(values['batch-size']), lanes: Number(values['in-flight']), drainMs: 4 * blockTimeMs, inclusion });
      // Sustained rate: the step's txs included by the end of its window plus one block (the block
      // that closes the window), over the window; the drain after it only completes the latencies.
      const windowEnd = startedMs + seconds * 1000 + blockTimeMs;
      let inWindow = 0;
      for (const t of txs) if ((inclusion.seenAt.get(t.tx.hash) ?? Number.POSITIVE_INFINITY) <= windowEnd) inWindow++;
      const wallSeconds = (performance.now() - startedMs) / 1000;
      const after = cluster.nodes.map((n) => sampleProcess(n.process.pid!));
      const missed = (await Promise.all(urls.map(missedSlots))).reduce((a, b) => a + b, 0) - missedBefore;
      const stepBlocks = inclusion.blocks.slice(blocksBefore);
      const fullness = stepBlocks.length === 0 ? 0 : stepBlocks.reduce((a, b) => a + b.txs, 0) / stepBlocks.length / maxBlockTxs;
      const includedPerSecond = inWindow / seconds;
      const row: Row = {
        ...step, includedPerSecond, p50Ms: percentile(step.latenciesMs, 50), p99Ms: percentile(step.latenciesMs, 99), fullness, missed,
        cpu: after.map((a, i) => (a.cpuSeconds - before[i]!.cpuSeconds) / wallSeconds), rssMiB: after.map((a) => a.rssMiB),
        verifyRatio: (includedPerSecond * NODES) / rawVerify,
      };
      rows.push(row);
      log(`${mode.padEnd(6)} ${String(rate).padStart(5)} tx/s: submitted ${(step.submitted / seconds).toFixed(0)}/s, accepted ${(step.accepted / seconds).toFixed(0)}/s, included ${includedPerSecond.toFixed(0)}/s; latency p50 ${row.p50Ms.toFixed(0)} ms p99 ${row.p99Ms.toFixed(0)} ms; blocks ${(fullness * 100).toFixed(1)} % full; missed slots ${missed}; CPU ${row.cpu.map((c) => `${(c * 100).toFixed(0)}%`).join('/')}; RSS ${row.rssMiB.map((r) => r.toFixed(0)).join('/')} MiB; included x${NODES} / raw verify ${row.verifyRatio.toFixed(2)}${Object.keys(step.refused).length === 0 ? '' : `; not accepted ${JSON.stringify(step.refused)}`}`);
      const keptUp = step.included >= 0.95 * step.submitted && row.p99Ms <= 2 * blockTimeMs && missed === 0;
      if (!keptUp) {
        log(`  inclusion stopped keeping up at ${rate} tx/s (${mode})`);
        if (!smoke) continue stepping;
      }
    }
  }
  inclusion.close();
} finally {
  await cluster.stop();
}
if (values.json) process.stdout.write(`${JSON.stringify({ rawVerify, blockTimeMs, seconds, rows: rows.map(({ latenciesMs: _l, ...r }) => r) })}\n`);
process.exit(0);
