/**
 * The config.json `dchat testnet` leaves in each node's dir is what a plain `dchat start
 * --data-dir <node dir>` reads: the testnet's genesis, the node's key and ports, and its bootstrap
 * peers (node 0 from node 1, every other node from node 0), with paths from the node's own dir.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type ConfiguredNode, writeNodeConfigs } from '../../../src/cli/testnet-node-config.ts';
import { loadConfig } from '../../../src/node/config.ts';

const dir = mkdtempSync(join(tmpdir(), 'dchat-testnet-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const nodes: ConfiguredNode[] = [0, 1, 2].map((index) => {
  const dataDir = join(dir, `node${index}`);
  mkdirSync(dataDir);
  return { index, dataDir, apiPort: 9000 + index, p2pPort: 9100 + index, multiaddr: `/ip4/127.0.0.1/tcp/${9100 + index}/p2p/peer${index}` };
});

describe('testnet node configs', () => {
  it('a node dir alone gives the node its genesis, key, ports and peers', () => {
    writeNodeConfigs(nodes, 'warn');
    const config = loadConfig({ data_dir: nodes[2]!.dataDir }, {});
    expect(config).toMatchObject({
      dataDir: nodes[2]!.dataDir,
      genesisFile: join(dir, 'genesis.json'),
      validatorKeyFile: join(nodes[2]!.dataDir, 'keys/validator.json'),
      apiHost: '127.0.0.1', apiPort: 9002, p2pHost: '127.0.0.1', p2pPort: 9102, logLevel: 'warn',
      bootstrap: [nodes[0]!.multiaddr],
    });
    expect(loadConfig({ data_dir: nodes[0]!.dataDir }, {}).bootstrap).toEqual([nodes[1]!.multiaddr]);
    expect(statSync(join(nodes[1]!.dataDir, 'config.json')).mode & 0o777).toBe(0o600);
  });

  it('written again on a resumed testnet: its new settings replace the old', () => {
    writeNodeConfigs(nodes.map((n) => ({ ...n, apiPort: n.apiPort + 500 })), 'info');
    expect(loadConfig({ data_dir: nodes[1]!.dataDir }, {})).toMatchObject({ apiPort: 9501, logLevel: 'info' });
  });
});
