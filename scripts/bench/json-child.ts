/**
 * Runs a bench child process (node --expose-gc <script> <args>) and answers the JSON of its last
 * stdout line: memory figures are measured in a process of their own, so its RSS is the suite's alone.
 */
import { spawn } from 'node:child_process';

export function runJsonChild<R>(script: string, args: readonly string[], label: string): Promise<R> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
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
