/**
 * Testnets of real `dchat start` processes, as `dchat testnet` runs them: one genesis and keys
 * written by `writeTestnet`, one child process per validator with its own data dir, API and p2p
 * port, node 0 bootstrapping from node 1 and every other node from node 0. Nodes can be killed
 * (SIGKILL by default) and started again on the same data dir. Each node's output goes to
 * `<dir>/node<i>.log` (appended across restarts), kept when a test fails.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { type WriteStream, createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestnetLayout, writeTestnet } from '../../../src/cli/testnet.ts';
import { DEFAULT_API_LIMITS } from '../../../src/node/api/limits.ts';
import type { ChainParams } from '../../../src/tokenomics/index.ts';
import { PROJECT_ROOT } from './report.ts';

const MAIN = join(PROJECT_ROOT, 'src/cli/main.ts');

export interface NodeAddress {
  /** Address the API listens on and the test reaches it at. */
  readonly apiHost: string;
  readonly apiPort: number;
  /** Address the p2p port listens on and peers dial. */
  readonly p2pHost: string;
  readonly p2pPort: number;
  /**
   * Addresses the test reaches the API from, other than loopback: exempt from the node's
   * per-client API limits (config api.exempt_clients), as the operator's own tools on loopback are.
   */
  readonly apiClients?: readonly string[];
}

export interface ProcessNetOptions {
  readonly nodes: number;
  readonly blockTimeMs: bigint;
  readonly params?: Partial<Omit<ChainParams, 'chainId' | 'genesisTimeMs' | 'supply'>>;
  /** Where node i listens (default: loopback with free ports). */
  readonly address?: (i: number) => NodeAddress | Promise<NodeAddress>;
  /** Turns node i's command line into the one to spawn (e.g. `ip netns exec <ns> ...`). */
  readonly wrap?: (i: number, command: readonly string[]) => string[];
  readonly logLevel?: string;
  readonly prefix?: string;
}

export interface ProcNode {
  readonly index: number;
  readonly address: NodeAddress;
  readonly args: readonly string[];
  readonly url: string;
  proc: ChildProcess | null;
  starts: number;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function loopback(): Promise<NodeAddress> {
  return { apiHost: '127.0.0.1', apiPort: await freePort(), p2pHost: '127.0.0.1', p2pPort: await freePort() };
}

export class ProcessNet {
  readonly dir: string;
  readonly layout: TestnetLayout;
  readonly nodes: ProcNode[];
  private readonly options: ProcessNetOptions;
  private readonly logs: WriteStream[];

  private constructor(dir: string, layout: TestnetLayout, nodes: ProcNode[], options: ProcessNetOptions) {
    this.dir = dir;
    this.layout = layout;
    this.nodes = nodes;
    this.options = options;
    this.logs = nodes.map((n) => createWriteStream(join(dir, `node${n.index}.log`), { flags: 'a' }));
  }

  static async create(options: ProcessNetOptions): Promise<ProcessNet> {
    const exemptConfig = (dir: string, i: number, clients: readonly string[]): string => {
      const file = join(dir, `node-${i}-api.json`);
      writeFileSync(file, JSON.stringify({ api: { exempt_clients: [...DEFAULT_API_LIMITS.exemptClients, ...clients] } }));
      return file;
    };
    const dir = mkdtempSync(join(tmpdir(), options.prefix ?? 'dchat-procnet-'));
    const layout = await writeTestnet({
      dir, nodes: options.nodes, blockTimeMs: options.blockTimeMs, genesisTimeMs: BigInt(Date.now()), baseApiPort: 0, baseP2pPort: 0, params: options.params ?? {},
    });
    const addresses: NodeAddress[] = [];
    for (let i = 0; i < options.nodes; i++) addresses.push(await (options.address ?? loopback)(i));
    const multiaddr = (i: number): string => `/ip4/${addresses[i]!.p2pHost}/tcp/${addresses[i]!.p2pPort}/p2p/${layout.nodes[i]!.peerId}`;
    const nodes = layout.nodes.map((n, i): ProcNode => {
      const address = addresses[i]!;
      const bootstrap = i === 0 ? (options.nodes > 1 ? [multiaddr(1)] : []) : [multiaddr(0)];
      const args = [
        'start',
        '--genesis', layout.genesisFile,
        '--validator-key', n.validatorKeyFile,
        '--data-dir', n.dataDir,
        '--api-host', address.apiHost,
        '--api-port', String(address.apiPort),
        '--p2p-host', address.p2pHost,
        '--p2p-port', String(address.p2pPort),
        '--log-level', options.logLevel ?? 'info',
        ...(address.apiClients === undefined ? [] : ['--config', exemptConfig(dir, i, address.apiClients)]),
        ...(bootstrap.length > 0 ? ['--bootstrap', ...bootstrap] : []),
      ];
      return { index: i, address, args, url: `http://${address.apiHost}:${address.apiPort}`, proc: null, starts: 0 };
    });
    return new ProcessNet(dir, layout, nodes, options);
  }

  node(i: number): ProcNode {
    const node = this.nodes[i];
    if (node === undefined) throw new Error(`no node ${i}`);
    return node;
  }

  url(i: number): string {
    return this.node(i).url;
  }

  isUp(i: number): boolean {
    const proc = this.node(i).proc;
    return proc !== null && proc.exitCode === null && proc.signalCode === null;
  }

  /** Starts node i (its data dir is kept between runs). */
  start(i: number): void {
    const node = this.node(i);
    if (this.isUp(i)) throw new Error(`node ${i} is already running`);
    const command = [process.execPath, MAIN, ...node.args];
    const [file, ...args] = this.options.wrap?.(i, command) ?? command;
    const proc = spawn(file!, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: PROJECT_ROOT });
    const log = this.logs[i]!;
    node.starts++;
    log.write(`----- start #${node.starts} at ${new Date().toISOString()} (pid ${proc.pid}) -----\n`);
    proc.stdout?.on('data', (chunk: Buffer) => log.write(chunk));
    proc.stderr?.on('data', (chunk: Buffer) => log.write(chunk));
    proc.on('exit', (code, signal) => log.write(`----- exit ${signal ?? code} at ${new Date().toISOString()} -----\n`));
    node.proc = proc;
  }

  /** Sends `signal` (SIGKILL unless told) to node i and waits until the process is gone. */
  async kill(i: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const proc = this.node(i).proc;
    if (proc === null || !this.isUp(i)) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill(signal);
    await exited;
  }

  /** Stops node i cleanly (SIGTERM), SIGKILL after `graceMs`. */
  async stop(i: number, graceMs = 15_000): Promise<void> {
    const proc = this.node(i).proc;
    if (proc === null || !this.isUp(i)) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
    proc.kill('SIGTERM');
    await exited;
    clearTimeout(timer);
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.nodes.map((n) => this.stop(n.index)));
  }

  /** Stops every node; removes the directory unless `keep` (a failed run keeps its logs). */
  async close(keep = false): Promise<void> {
    await Promise.all(this.nodes.map((n) => this.kill(n.index)));
    await Promise.all(this.logs.map((log) => new Promise<void>((resolve) => log.end(() => resolve()))));
    if (keep) process.stderr.write(`[reliability] kept ${this.dir} (node logs, data dirs)\n`);
    else rmSync(this.dir, { recursive: true, force: true });
  }
}
