/**
 * The load bench's network: a loopback testnet of `dchat start` processes (the layout and
 * arguments `dchat testnet` uses), each node's CPU time and RSS read from /proc, and its missed
 * slots from /metrics.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeProcessEnv } from '../../src/node/malloc-tuning.ts';
import { writeNodeConfigs } from '../../src/cli/testnet-node-config.ts';
import { type TestnetLayout, startArgs, writeTestnet } from '../../src/cli/testnet.ts';

const MAIN = join(import.meta.dirname, '../../src/cli/main.ts');
const CLOCK_TICKS = 100;

export interface ClusterNode {
  readonly url: string;
  readonly process: ChildProcess;
}

export interface Cluster {
  readonly layout: TestnetLayout;
  readonly nodes: readonly ClusterNode[];
  stop(): Promise<void>;
}

export interface ProcessSample {
  readonly cpuSeconds: number;
  readonly rssMiB: number;
}

/** CPU seconds (user + system) and resident memory of a process, from /proc (Linux). */
export function sampleProcess(pid: number): ProcessSample {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return { cpuSeconds, rssMiB: rss === null ? 0 : Number(rss[1]) / 1024 };
}

/** The sum of dchat_missed_own_slots_total on a node's /metrics. */
export async function missedSlots(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) if (line.startsWith('dchat_missed_own_slots_total')) total += Number(line.split(' ').at(-1));
  return total;
}

async function waitForApi(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the node at ${url} exited with code ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/v1/node`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no API at ${url} after ${timeoutMs} ms`);
}

/**
 * `cpuProfileDir`: each node runs with --cpu-prof and writes its profile there when it stops.
 * `logsDir` (created if missing): each node's log (`logLevel` and above, default warn) goes to `node-<i>.log` there; without it the logs are
 * dropped (the bench prints figures, and a node under load may warn thousands of times).
 */
export async function startCluster(options: { nodes: number; blockTimeMs: number; basePort: number; maxBlockTxs: bigint; cpuProfileDir?: string; logsDir?: string; logLevel?: string }): Promise<Cluster> {
  const dir = await mkdtemp(join(tmpdir(), 'dchat-load-'));
  const layout = await writeTestnet({
    dir, nodes: options.nodes, blockTimeMs: BigInt(options.blockTimeMs), genesisTimeMs: BigInt(Date.now()),
    baseApiPort: options.basePort, baseP2pPort: options.basePort + 100, params: { maxBlockTxs: options.maxBlockTxs },
  });
  writeNodeConfigs(layout.nodes, options.logLevel ?? 'warn');
  if (options.logsDir !== undefined) await mkdir(options.logsDir, { recursive: true });
  const nodes = layout.nodes.map((node, i) => {
    const profile = options.cpuProfileDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', options.cpuProfileDir];
    const log = options.logsDir === undefined ? 'ignore' : openSync(join(options.logsDir, `node-${i}.log`), 'a');
    const child = spawn(process.execPath, [...profile, MAIN, ...startArgs(node)], { stdio: ['ignore', log, 'inherit'], env: nodeProcessEnv() });
    // The child holds its own copy of the descriptor.
    if (typeof log === 'number') closeSync(log);
    return { url: `http://127.0.0.1:${node.apiPort}`, process: child };
  });
  const stop = async (): Promise<void> => {
    await Promise.all(nodes.map((n) => new Promise<void>((done) => {
      if (n.process.exitCode !== null || n.process.signalCode !== null) return done();
      const kill = setTimeout(() => n.process.kill('SIGKILL'), 10_000);
      n.process.once('exit', () => {
        clearTimeout(kill);
        done();
      });
      n.process.kill('SIGTERM');
    })));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await Promise.all(nodes.map((n) => waitForApi(n.url, n.process, 90_000)));
  } catch (err) {
    await stop();
    throw err;
  }
  return { layout, nodes, stop };
}
