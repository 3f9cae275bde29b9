/**
 * One lifecycle (issue 13 item 3; src/node/lifecycle.ts): init failing at any part leaves
 * nothing running (no socket, no timer, the store lock released), close is idempotent, and a
 * busy API port fails with the same kind of sentence as a busy p2p port, before the data dir is
 * touched.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { type Server, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ChainStore } from '../../src/chain/store/chain-store.ts';
import { loadConfig } from '../../src/node/config.ts';
import { NODE_PARTS, type NodePart } from '../../src/node/lifecycle.ts';
import { createLogger } from '../../src/node/logger.ts';
import { DchatNode } from '../../src/node/node.ts';

const root = mkdtempSync(join(tmpdir(), 'dchat-lifecycle-'));
const logger = createLogger('silent', false);
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A dev node with every part on: the network on loopback too, so each part has something to stop. */
function devConfig(dataDir: string, apiPort = 0) {
  return loadConfig({ dev: true, data_dir: dataDir, api_port: apiPort, p2p_enabled: true, p2p_host: '127.0.0.1', p2p_port: 0, block_time_ms: '250', log_level: 'silent' });
}

/** Sockets and timers this process holds (worker threads and file reads come and go; these must not stay). */
function lingering(): string[] {
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap' || r === 'TCPSocketWrap' || r === 'Timeout').sort();
}

/** What is held before any node starts in this file. */
const baseline = lingering();

/**
 * What is still held once the node's sockets and timers had time to go. libp2p leaves two
 * short timers of its own behind a stopped host (gossipsub's last heartbeat, the address
 * manager's debounce; both end within a second), so this waits up to 3 s for the baseline.
 */
async function afterQuiet(): Promise<string[]> {
  for (let waited = 0; waited < 3_000 && lingering().join() !== baseline.join(); waited += 50) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return lingering();
}

async function listening(port = 0): Promise<Server> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen({ host: '127.0.0.1', port }, resolve); });
  return server;
}

const portOf = (server: Server): number => (server.address() as { port: number }).port;

async function freePort(): Promise<number> {
  const server = await listening();
  const port = portOf(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('node lifecycle', () => {
  it('starts and stops; a second and a concurrent close both end clean', async () => {
    const dataDir = join(root, 'double-close');
    const node = await DchatNode.init(devConfig(dataDir), { logger });
    expect(node.network).not.toBeNull();
    const [a, b] = [node.close(), node.close()];
    await Promise.all([a, b]);
    await node.close();
    expect(await afterQuiet()).toEqual(baseline);
    const store = await ChainStore.open(join(dataDir, 'chain'));
    await store.close();
  });

  it.each(NODE_PARTS.map((part) => [part]))('init failing once %s has started leaves nothing running', async (part: NodePart) => {
    const dataDir = join(root, `fail-${part}`);
    // A real port for the first part, so that it has a socket to let go of (port 0 holds none).
    const apiPort = part === 'api-port' ? await freePort() : 0;
    const reached: NodePart[] = [];
    const failure = new Error(`planted failure at ${part}`);
    await expect(DchatNode.init(devConfig(dataDir, apiPort), {
      logger,
      onPartStarted: (started) => { reached.push(started); if (started === part) throw failure; },
    })).rejects.toBe(failure);
    expect(reached).toEqual(NODE_PARTS.slice(0, NODE_PARTS.indexOf(part) + 1));
    expect(await afterQuiet()).toEqual(baseline);
    // The store lock is released: another node opens the same data dir.
    const again = await DchatNode.init(devConfig(dataDir), { logger });
    await again.close();
  });

  it('a busy API port fails with the p2p port\'s kind of sentence, before the data dir is written', async () => {
    const busy = await listening();
    try {
      const dataDir = join(root, 'busy-api');
      const port = portOf(busy);
      await expect(DchatNode.init(devConfig(dataDir, port), { logger })).rejects.toMatchObject({
        code: 'InvalidConfig',
        message: `Cannot listen for API requests on 127.0.0.1 port ${port}: the port is in use. Pass another --api-port (0 picks a free one) or --api-host.`,
      });
      expect(existsSync(dataDir) ? readdirSync(dataDir) : []).toEqual([]);
    } finally {
      busy.close();
    }
  });

  it('a busy p2p port: the same sentence for peers, and the store lock is released', async () => {
    const busy = await listening();
    try {
      const dataDir = join(root, 'busy-p2p');
      const port = portOf(busy);
      const config = { ...devConfig(dataDir), p2pPort: port };
      await expect(DchatNode.init(config, { logger })).rejects.toMatchObject({
        message: `Cannot listen for peers on 127.0.0.1 port ${port}: the port is in use. Pass another --p2p-port (0 picks a free one) or --p2p-host.`,
      });
      const store = await ChainStore.open(join(dataDir, 'chain'));
      await store.close();
    } finally {
      busy.close();
    }
  });
});
