/** One spawned run of bin/dchat (the installed command, on the project's Node 24) against a dev node. */
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevNode, startDevNode } from './harness.ts';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '../../../bin/dchat');
let dev: DevNode;

beforeAll(async () => {
  dev = await startDevNode();
});

afterAll(async () => {
  await dev?.close();
});

describe('bin/dchat', () => {
  it('prints the stats table and exits 0; a bad flag exits 2', async () => {
    // Asynchronous on purpose: a synchronous spawn would block this process and the node in it.
    const run = (args: string[]) =>
      new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        execFile(BIN, args, { env: { ...process.env, DCHAT_NODE: dev.url } }, (err, stdout, stderr) => {
          resolve({ status: err === null ? 0 : ((err as { code?: number }).code ?? null), stdout, stderr });
        });
      });
    const ok = await run(['token', 'stats']);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^💰 Token Supply Statistics$/m);
    expect(ok.stdout).toMatch(/^Max Supply: +1,000,000,000,000 tokens \(10\.00% issued\)$/m);
    const bad = await run(['token', 'mint', '--amount', '-1', '--reason', 'airdrop']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^error InvalidAmount: /);
  });
});
