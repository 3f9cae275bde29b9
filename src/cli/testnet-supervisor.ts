/**
 * The process side of `dchat testnet`: one `dchat start` child per node, its output prefixed with
 * the node's name; a node that exits while the testnet runs is started again after a second, up
 * to RESTART_LIMIT times within RESTART_WINDOW_MS (a node that keeps dying has a reason a restart
 * will not fix: the supervisor then says so, with the command to start it by hand). `stopAll`
 * stops the current process of every node, restarted ones included, and waits for them.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import { nodeProcessEnv } from '../node/malloc-tuning.ts';

export const RESTART_LIMIT = 3;
export const RESTART_WINDOW_MS = 60_000;
const RESTART_DELAY_MS = 1_000;
const STOP_GRACE_MS = 10_000;

export interface SupervisedNode {
  readonly name: string;
  /** The full command line (program first) that starts it. */
  readonly command: readonly string[];
  /** How a person restarts it by hand, printed when the supervisor gives up. */
  readonly handRestart: string;
}

export class NodeSupervisor {
  private readonly current = new Map<string, ChildProcess>();
  private readonly exits = new Map<string, number[]>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopping = false;
  private readonly write: (line: string) => void;
  private readonly now: () => number;
  private readonly restartDelayMs: number;

  constructor(write: (line: string) => void, options: { readonly now?: () => number; readonly restartDelayMs?: number } = {}) {
    this.write = write;
    this.now = options.now ?? Date.now;
    this.restartDelayMs = options.restartDelayMs ?? RESTART_DELAY_MS;
  }

  /** The pid of a node's current process (undefined while it is down). */
  pid(name: string): number | undefined {
    return this.current.get(name)?.pid;
  }

  start(node: SupervisedNode): void {
    const [program, ...args] = node.command;
    const child = spawn(program!, args, { stdio: ['ignore', 'pipe', 'pipe'], env: nodeProcessEnv() });
    const out = new LinePrefixer(`[${node.name}] `, this.write);
    const err = new LinePrefixer(`[${node.name}] `, this.write);
    child.stdout?.on('data', (chunk: Buffer) => out.push(chunk)).on('end', () => out.flush());
    child.stderr?.on('data', (chunk: Buffer) => err.push(chunk)).on('end', () => err.flush());
    child.on('exit', (code, signal) => this.onExit(node, child, signal ?? `code ${code}`));
    this.current.set(node.name, child);
  }

  private onExit(node: SupervisedNode, child: ChildProcess, how: string): void {
    if (this.current.get(node.name) === child) this.current.delete(node.name);
    if (this.stopping) return;
    const now = this.now();
    const recent = [...(this.exits.get(node.name) ?? []), now].filter((t) => now - t < RESTART_WINDOW_MS);
    this.exits.set(node.name, recent);
    if (recent.length > RESTART_LIMIT) {
      this.write(`[${node.name}] exited (${how}), its ${recent.length}th exit within ${RESTART_WINDOW_MS / 1000} s: not restarting it (the log above says why).`);
      this.write(`[${node.name}] to start it by hand once fixed: ${node.handRestart}`);
      return;
    }
    this.write(`[${node.name}] exited (${how}); restarting it in ${this.restartDelayMs / 1000} s (restart ${recent.length} of at most ${RESTART_LIMIT} within ${RESTART_WINDOW_MS / 1000} s).`);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.stopping) return;
      this.start(node);
      this.write(`[${node.name}] restarted (pid ${this.pid(node.name)}).`);
    }, this.restartDelayMs);
    this.timers.add(timer);
  }

  /** SIGTERM to every running node (SIGKILL after the grace), no more restarts; resolves when all have exited. */
  async stopAll(): Promise<number> {
    this.stopping = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const running = [...this.current.values()];
    await Promise.all(running.map((child) => new Promise<void>((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done();
      const kill = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      child.once('exit', () => {
        clearTimeout(kill);
        done();
      });
      child.kill('SIGTERM');
    })));
    return running.length;
  }
}

/**
 * Prefixes whole lines: a pipe's chunk can end inside a line (a long JSON log line, a busy node), and
 * the rest of that line comes with the next chunk; it is held until its newline (or the exit).
 */
export class LinePrefixer {
  private partial = '';
  /** A chunk can end inside a UTF-8 character as well. */
  private readonly decoder = new StringDecoder('utf8');

  private readonly prefix: string;
  private readonly write: (line: string) => void;

  constructor(prefix: string, write: (line: string) => void) {
    this.prefix = prefix;
    this.write = write;
  }

  push(chunk: Buffer): void {
    const lines = (this.partial + this.decoder.write(chunk)).split('\n');
    this.partial = lines.pop()!;
    const whole = lines.filter((l) => l.length > 0);
    if (whole.length > 0) this.write(whole.map((l) => this.prefix + l).join('\n'));
  }

  flush(): void {
    this.partial += this.decoder.end();
    if (this.partial.length > 0) this.write(this.prefix + this.partial);
    this.partial = '';
  }
}
