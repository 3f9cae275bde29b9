/**
 * Key files are readable by their owner only (0600), whatever the umask, and the directories that
 * hold them are closed to group and others: the dev keys of `dchat start --dev` (validator,
 * authority, dev wallet), the testnet keys of `dchat testnet` (authority, each validator's key and
 * reward wallet, each node's p2p-key), the p2p-key a node creates on its first start, and the
 * encrypted keystore files of `dchat keys new` and `dchat keys import`. Run with umask 000, so a
 * file that relied on the umask would show up as world-readable.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTestnet } from '../../../src/cli/testnet.ts';
import { loadConfig } from '../../../src/node/config.ts';
import { createLogger } from '../../../src/node/logger.ts';
import { DchatNode } from '../../../src/node/node.ts';
import { P2P_KEY_FILE } from '../../../src/node/network/p2p-key.ts';
import { cli, removeTempDirs, tempDir } from '../../e2e/cli/harness.ts';
import { writeReport } from '../support/report.ts';

const modes: Record<string, string> = {};
let previousUmask = 0o022;

beforeAll(() => {
  previousUmask = process.umask(0o000);
});

afterAll(() => {
  process.umask(previousUmask);
  removeTempDirs();
  writeReport('key-files', { umask: '000', modes });
});

const mode = (path: string): number => statSync(path).mode & 0o777;

function expectPrivateFile(path: string, label: string): void {
  modes[label] = mode(path).toString(8);
  expect({ label, mode: mode(path).toString(8) }).toEqual({ label, mode: '600' });
}

function expectClosedDir(path: string, label: string): void {
  modes[`${label}/`] = mode(path).toString(8);
  expect({ label, groupOrOther: mode(path) & 0o077 }).toEqual({ label, groupOrOther: 0 });
}

describe('key files are 0600 (umask 000)', () => {
  it('dev keys written by `dchat start --dev`', async () => {
    const dir = tempDir('dchat-keys-dev-');
    const dataDir = join(dir, 'data');
    const node = await DchatNode.init(loadConfig({ dev: true, data_dir: dataDir, api_port: 0, log_level: 'silent' }), { logger: createLogger('silent', false) });
    await node.close();
    for (const file of ['validator.json', 'authority.json', 'dev.json']) expectPrivateFile(join(dataDir, 'keys', file), `dev keys/${file}`);
    expectClosedDir(join(dataDir, 'keys'), 'dev keys');
    expectClosedDir(dataDir, 'dev data dir');
  });

  it('testnet keys written by `dchat testnet` (and each node\'s p2p-key)', async () => {
    const dir = tempDir('dchat-keys-testnet-');
    const layout = await writeTestnet({ dir: join(dir, 'net'), nodes: 3, blockTimeMs: 1_000n, genesisTimeMs: BigInt(Date.now()), baseApiPort: 0, baseP2pPort: 0 });
    expectPrivateFile(layout.authorityKeyFile, 'testnet authority.json');
    for (const node of layout.nodes) {
      expectPrivateFile(node.validatorKeyFile, `testnet node${node.index}/keys/validator.json`);
      expectPrivateFile(node.walletKeyFile, `testnet node${node.index}/keys/wallet.json`);
      expectPrivateFile(join(node.dataDir, P2P_KEY_FILE), `testnet node${node.index}/p2p-key`);
      expectClosedDir(join(node.dataDir, 'keys'), `testnet node${node.index}/keys`);
    }
    expectClosedDir(layout.dir, 'testnet dir');
  });

  it('the p2p-key a node creates on its first start', async () => {
    const dir = tempDir('dchat-keys-p2p-');
    const net = await writeTestnet({ dir: join(dir, 'net'), nodes: 1, blockTimeMs: 1_000n, genesisTimeMs: BigInt(Date.now()), baseApiPort: 0, baseP2pPort: 0 });
    const dataDir = join(dir, 'fresh-node');
    const node = await DchatNode.init(loadConfig({
      data_dir: dataDir, genesis_file: net.genesisFile, api_port: 0, p2p_port: 0, p2p_host: '127.0.0.1', log_level: 'silent',
    }), { logger: createLogger('silent', false) });
    await node.close();
    expectPrivateFile(join(dataDir, P2P_KEY_FILE), 'node-created p2p-key');
  });

  it('keystore files of `dchat keys new` and `dchat keys import`', async () => {
    const dir = tempDir('dchat-keys-store-');
    expect((await cli(['keys', 'new', '--name', 'alice', '--data-dir', dir])).code).toBe(0);
    expect((await cli(['keys', 'import', '--name', 'bob', '--seed-stdin', '--data-dir', dir], { stdin: 'ab'.repeat(32) })).code).toBe(0);
    const files = readdirSync(join(dir, 'keystore'));
    expect(files.length).toBe(2);
    for (const file of files) expectPrivateFile(join(dir, 'keystore', file), `keystore/${file}`);
    expectClosedDir(join(dir, 'keystore'), 'keystore');
  });
});
