/**
 * Crash safety (issue 3): a dev node process under a steady transfer load is killed with SIGKILL
 * at random moments and restarted, several times. After each restart it must stand on every block
 * it had committed (same hashes), report the state root of its head, and keep every accepted
 * transaction (the mempool is journaled). At the end the whole chain is replayed from genesis in
 * this process: every block re-validates and the replayed state equals the stored one, byte for
 * byte, so no restart ever loaded or committed a wrong state.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type ParentInfo, importBlock } from '../../src/chain/block-import.ts';
import { BranchNodeReader } from '../../src/chain/chain-tree.ts';
import { decodeBlock } from '../../src/chain/codec/block.ts';
import { signTx } from '../../src/chain/codec/tx.ts';
import { toHex } from '../../src/chain/crypto.ts';
import { genesisParent } from '../../src/chain/genesis-block.ts';
import { ChainStore } from '../../src/chain/store/chain-store.ts';
import { readKeyFile } from '../../src/node/key-files.ts';
import { devSetup } from '../../src/node/dev-setup.ts';
import { api, postTx, waitFor } from './node-client.ts';

const ITERATIONS = Number(process.env.DCHAT_CRASH_ITERATIONS ?? 4);
const dataDir = mkdtempSync(join(tmpdir(), 'dchat-crash-'));
let child: ChildProcess | null = null;

afterAll(() => {
  child?.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

function startNode(port: number): ChildProcess {
  const proc = spawn(process.execPath, ['src/cli/main.ts', 'start', '--dev', '--data-dir', dataDir, '--api-port', String(port), '--block-time', '150', '--log-level', 'warn'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  proc.stderr?.on('data', (d: Buffer) => process.stderr.write(`[node] ${d}`));
  return proc;
}

describe('SIGKILL during load', () => {
  it(`restarts ${ITERATIONS} times on its last committed block, losing no accepted tx`, async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    child = startNode(port);
    await waitFor('the API', async () => (await api(base, '/v1/node')).status === 200);
    const dev = readKeyFile(join(dataDir, 'keys/dev.json'));
    const chainId = (await api<{ chain_id: string }>(base, '/v1/node')).body.chain_id;
    const recipient = '11111111-2222-4333-8444-555555555555';
    const accepted: string[] = [];
    const seenBlocks = new Map<string, string>(); // height -> hash, as served before a kill
    let nonce = 0n;
    let inFlight: { hash: string; bytes: Uint8Array } | null = null;

    for (let round = 0; round < ITERATIONS; round++) {
      const killAt = Date.now() + 300 + Math.floor(Math.random() * 900);
      while (Date.now() < killAt) {
        if (inFlight === null) {
          const tx = signTx({ chainId, signer: dev.publicKeyHex, nonce, op: { type: 'transfer', to: recipient, amount: 100n } }, dev.secretKey);
          inFlight = { hash: toHex(tx.hash), bytes: tx.bytes };
        }
        const reply = await postTx(base, inFlight.bytes).catch(() => null);
        if (reply?.status === 202) {
          accepted.push(inFlight.hash);
          nonce++;
          inFlight = null;
        }
        const head = await api<{ height: string; hash: string }>(base, '/v1/blocks/head').catch(() => null);
        if (head?.status === 200) seenBlocks.set(head.body.height, head.body.hash);
      }
      child.kill('SIGKILL');
      await new Promise((r) => child!.once('exit', r));
      child = startNode(port);
      await waitFor('the API after restart', async () => (await api(base, '/v1/node')).status === 200);

      for (const [height, hash] of seenBlocks) {
        const block = await api<{ hash: string }>(base, `/v1/blocks/${height}`);
        expect(block.body.hash, `block ${height} after restart ${round + 1}`).toBe(hash);
      }
      const node = await api<{ head_height: string; state_root: string }>(base, '/v1/node');
      const head = await api<{ height: string; state_root: string }>(base, `/v1/blocks/${node.body.head_height}`);
      expect(node.body.state_root).toBe(head.body.state_root);
      // a tx whose reply was lost to the kill: resend it only if the node does not know it
      if (inFlight !== null) {
        const status = await api<{ status: string }>(base, `/v1/txs/${inFlight.hash}`);
        if (status.status === 200 && status.body.status !== 'rejected') {
          accepted.push(inFlight.hash);
          nonce++;
          inFlight = null;
        }
      }
      for (const hash of accepted) {
        const status = await api<{ status: string }>(base, `/v1/txs/${hash}`);
        expect(['pending', 'included'], `tx ${hash} after restart ${round + 1}`).toContain(status.body.status);
      }
    }

    // every accepted tx ends up included exactly once: the nonce counts them
    await waitFor('all accepted txs included', async () => {
      for (const hash of accepted) if ((await api<{ status: string }>(base, `/v1/txs/${hash}`)).body.status !== 'included') return false;
      return true;
    });
    const account = await api<{ nonce: string }>(base, `/v1/accounts/${dev.walletId}`);
    expect(BigInt(account.body.nonce)).toBe(BigInt(accepted.length));
    expect(accepted.length).toBeGreaterThan(ITERATIONS);

    child.kill('SIGTERM');
    await new Promise((r) => child!.once('exit', r));
    child = null;

    // replay the whole stored chain from genesis: every block valid, same roots, same final state
    const { genesis: config } = devSetup(dataDir, null, 0n);
    const { genesis, parent: genesisParentInfo } = await genesisParent(config);
    const store = await ChainStore.open(join(dataDir, 'chain'));
    try {
      const stored = (await store.head())!;
      // The tree the kill left: its stored root at the head is the head's state_root (Chain.open checks it too).
      expect(toHex((await store.tree.rootAt(stored.height))!.hash)).toBe(toHex(stored.stateRoot));
      const replayed = genesis.state.clone();
      const nodes = new BranchNodeReader(genesisParentInfo.tree.reader);
      let parent: ParentInfo = { ...genesisParentInfo, state: replayed, tree: { reader: nodes, root: genesis.tree } };
      for (let h = 1n; h <= stored.height; h++) {
        const block = decodeBlock((await store.blockByHeight(h))!);
        const imported = await importBlock(block, parent, block.header.slot);
        replayed.commit(imported.writes);
        nodes.add(imported.tree);
        parent = { header: block.header, hash: block.hash, state: replayed, tree: { reader: nodes, root: imported.tree.root } };
      }
      expect(toHex(parent.header.stateRoot)).toBe(toHex(stored.stateRoot));
      expect((await store.loadState()).sortedEntries()).toEqual(replayed.sortedEntries());
    } finally {
      await store.close();
    }
  });
});
