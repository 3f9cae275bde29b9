/**
 * `dchat --version` prints the package version; `dchat start --log-format json|pretty` chooses the
 * log lines whatever stdout is (here a pipe, where the default is JSON).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DCHAT_VERSION } from '../../../src/node/version.ts';
import { cli, removeTempDirs, tempDir } from './harness.ts';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '../../../bin/dchat');
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  removeTempDirs();
});

/** Starts a dev node with the flags and returns its stdout up to the "node started" line, then stops it. */
function firstLogLines(flags: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, ['start', '--dev', '--data-dir', tempDir('dchat-logfmt-'), '--api-port', '0', ...flags], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('node started')) {
        child.kill('SIGTERM');
        resolve(out);
      }
    });
    child.once('exit', (code) => { if (!out.includes('node started')) reject(new Error(`exited ${code} before "node started": ${out}`)); });
  });
}

describe('dchat --version and --log-format', () => {
  it('--version prints the package version', async () => {
    const run = await cli(['--version']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${DCHAT_VERSION}\n`);
  });

  it('--log-format json writes one JSON object a line; pretty writes readable lines', async () => {
    const json = (await firstLogLines(['--log-format', 'json'])).split('\n').filter((l) => l.includes('node started'));
    expect(JSON.parse(json[0]!)).toMatchObject({ msg: 'node started', level: 30 });
    const pretty = (await firstLogLines(['--log-format', 'pretty'])).split('\n').find((l) => l.includes('node started'))!;
    expect(pretty).toMatch(/INFO.*node started/);
    expect(() => JSON.parse(pretty)).toThrow();
  });
});
