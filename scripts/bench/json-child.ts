/**
 * Runs a bench child process (node --expose-gc <script> <args>) and answers the JSON of its last
 * stdout line: memory figures are measured in a process of their own, so its RSS is the suite's alone.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { nodeProcessEnv } from '../../src/node/malloc-tuning.ts';

export function runJsonChild<R>(script: string, args: readonly string[], label: string): Promise<R> {
  return new Promise((resolve, reject) => {
    // Started as bin/dchat starts the node (its malloc settings): the memory figures are the node's.
    const child = spawn(process.execPath, ['--expose-gc', script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: nodeProcessEnv() });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.trim().split('\n').at(-1);
      if (code !== 0 || line === undefined || line === '') reject(new Error(`${label} exited ${code}: ${err.slice(-2000)}`));
      else resolve(JSON.parse(line) as R);
    });
  });
}

/**
 * This process's peak RSS. Linux's getrusage maxrss (process.resourceUsage) carries the parent's
 * high-water mark across fork and exec, so a child spawned by a big bench process would report the
 * parent's peak; VmHWM in /proc/self/status is this process image's own. Elsewhere: maxrss.
 */
export function peakRssBytes(): number {
  try {
    const kb = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (kb !== undefined) return Number(kb) * 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS * 1024;
}
