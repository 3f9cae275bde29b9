/**
 * `npm run bench:load` in its smoke form (issue 17 item 4): a 3-validator loopback testnet, funded
 * wallets, transfers over HTTP single and batched, inclusion seen on the event stream. It checks
 * that the whole path works and reports each figure; no rate or latency is judged here (a shared
 * CI machine's figures say nothing; the full bench run on a quiet machine does).
 */
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return Math.min(port, 65_000);
}

describe('bench:load --smoke', () => {
  it('drives single and batched transfers through a 3-node testnet and sees every one included', async () => {
    const run = spawnSync(process.execPath, ['scripts/bench-load.ts', '--smoke', '--json', '--base-port', String((await freePort()) - 200)], { encoding: 'utf8', timeout: 110_000 });
    expect(run.status, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { rawVerify: number; rows: Record<string, number | string | number[]>[] };
    expect(report.rawVerify).toBeGreaterThan(0);
    expect(report.rows.map((r) => r.mode)).toEqual(['batch', 'single']);
    for (const row of report.rows) {
      expect(row.submitted).toBe(150);
      // The refusal codes say why, should a run fall short.
      expect(row.accepted, JSON.stringify(row.refused)).toBe(150);
      expect(row.included, JSON.stringify(row.refused)).toBe(150);
      for (const field of ['includedPerSecond', 'p50Ms', 'p99Ms', 'fullness', 'missed', 'verifyRatio']) expect(typeof row[field], field).toBe('number');
      expect(row.cpu).toHaveLength(3);
      expect(row.rssMiB).toHaveLength(3);
    }
  });
});
