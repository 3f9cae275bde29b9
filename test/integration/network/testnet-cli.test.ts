/**
 * `dchat testnet` as a user runs it (through scripts/testnet): two validator processes with their
 * keys (0600), one genesis, the APIs printed; both nodes reach one head; Ctrl-C (SIGINT) stops
 * every node and the command exits 0. Run again on the same dir it says it resumes the chain at its
 * height, restarts a SIGKILLed node itself, and Ctrl-C stops the restarted one too.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { api, waitFor } from '../node-client.ts';

const dir = mkdtempSync(join(tmpdir(), 'dchat-testnet-cli-'));
let child: ChildProcess | null = null;

afterAll(() => {
  // The supervisor leads its own process group: a failed test leaves no node behind.
  if (child?.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A base port with `count` free ports after it (random, so parallel runs rarely collide). */
async function freeRange(count: number): Promise<number> {
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    const free = await Promise.all(Array.from({ length: count }, (_, i) => portFree(base + i)));
    if (free.every(Boolean)) return base;
  }
}

let apiBase = 0;
let p2pBase = 0;

function runTestnet(): { output: () => string; exited: Promise<number | null> } {
  let output = '';
  child = spawn('scripts/testnet', ['--nodes', '2', '--dir', dir, '--block-time', '500', '--base-api-port', String(apiBase), '--base-p2p-port', String(p2pBase)], {
    stdio: ['ignore', 'pipe', 'pipe'], detached: true,
  });
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
  return { output: () => output, exited };
}

describe('dchat testnet', () => {
  it('runs two validators that agree, and stops them all on SIGINT', async () => {
    apiBase = await freeRange(2);
    p2pBase = await freeRange(2);
    const run = runTestnet();
    const urls = [0, 1].map((i) => `http://127.0.0.1:${apiBase + i}`);
    await waitFor('the node list', async () => urls.every((u) => run.output().includes(`${u}/v1`)), 20_000);
    for (const file of ['authority.json', 'node0/keys/validator.json', 'node0/keys/wallet.json', 'node1/keys/validator.json', 'node0/p2p-key']) {
      expect(statSync(join(dir, file)).mode & 0o777).toBe(0o600);
    }
    await waitFor('both nodes on one head past height 4', async () => {
      const heads = await Promise.all(urls.map((u) => api<{ height: string; hash: string }>(u, '/v1/blocks/head')));
      return heads.every((h) => h.status === 200 && Number(h.body.height) >= 4) && heads[0]!.body.hash === heads[1]!.body.hash;
    }, 30_000);
    const peers = await api<{ peer_id: string }[]>(urls[0]!, '/v1/peers');
    expect(peers.body).toHaveLength(1);

    child!.kill('SIGINT');
    expect(await run.exited).toBe(0);
    child = null;
    for (const url of urls) {
      await expect(fetch(`${url}/v1/node`)).rejects.toThrow();
    }
    expect(run.output()).toContain('all nodes stopped.');
    expect(run.output()).toContain('validators, new chain');
  });

  it('resumes the chain in the dir at its height, restarts a killed node, and stops the restarted one on SIGINT', async () => {
    const run = runTestnet();
    const urls = [0, 1].map((i) => `http://127.0.0.1:${apiBase + i}`);
    await waitFor('the node list', async () => run.output().includes(`pid`) && urls.every((u) => run.output().includes(`${u}/v1`)), 20_000);
    const resumed = /resuming the chain in (\S+) at height (\d+)/.exec(run.output());
    expect(resumed?.[1]).toBe(dir);
    expect(Number(resumed?.[2])).toBeGreaterThanOrEqual(4);
    expect(run.output()).not.toContain('validators, new chain');
    expect(run.output()).toMatch(/bin\/dchat start --genesis \S+genesis\.json --validator-key \S+node1\/keys\/validator\.json --data-dir \S+node1 /);
    const pid = Number(/node1 .* pid (\d+)/.exec(run.output())?.[1]);
    await waitFor('node1 answering', async () => (await api(urls[1]!, '/v1/node').catch(() => ({ status: 0 }))).status === 200, 20_000);
    process.kill(pid, 'SIGKILL');
    await waitFor('node1 restarted', async () => run.output().includes('[node1] restarted (pid'), 20_000);
    const newPid = Number(/\[node1\] restarted \(pid (\d+)\)/.exec(run.output())?.[1]);
    expect(newPid).not.toBe(pid);
    await waitFor('the restarted node1 past the resumed height', async () => {
      const head = await api<{ height: string }>(urls[1]!, '/v1/blocks/head').catch(() => null);
      return head !== null && head.status === 200 && Number(head.body.height) > Number(resumed?.[2]);
    }, 30_000);

    child!.kill('SIGINT');
    expect(await run.exited).toBe(0);
    child = null;
    expect(() => process.kill(newPid, 0)).toThrow();
    expect(run.output()).toContain('all nodes stopped.');
  });
});
