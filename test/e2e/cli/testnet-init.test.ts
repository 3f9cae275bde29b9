/**
 * `dchat testnet init` writes one bundle per host (genesis, validator key, wallet key, p2p key,
 * config.json with its announce address and the others as bootstrap), keeps the authority key out
 * of every bundle, refuses a host list that does not fit and an --out that holds a network; two
 * bundles' configs, as they are, start validators that find each other by /dns4 and agree. `dchat keys new --validator` writes a 0600 validator key
 * file and never overwrites one.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toHex } from '../../../src/chain/crypto.ts';
import { EXIT_CODES } from '../../../src/cli/errors.ts';
import { loadConfig } from '../../../src/node/config.ts';
import { readKeyFile } from '../../../src/node/key-files.ts';
import { createLogger } from '../../../src/node/logger.ts';
import { DchatNode } from '../../../src/node/node.ts';
import { parseGenesisJson } from '../../../src/tokenomics/index.ts';
import { waitFor } from '../../integration/node-client.ts';
import { cli, removeTempDirs, tempDir } from './harness.ts';

afterAll(removeTempDirs);

const mode = (path: string): number => statSync(path).mode & 0o777;

describe('dchat testnet init', () => {
  it('writes a bundle per host with the right announce and bootstrap addresses', async () => {
    const out = join(tempDir('dchat-init-'), 'net');
    const run = await cli(['testnet', 'init', '--nodes', '3', '--hosts', '10.0.0.1,10.0.0.1,val2.example.org', '--out', out, '--p2p-port', '26656', '--chain-id', 'dchat-multi']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Wrote 3 host bundles of chain dchat-multi');
    expect(mode(join(out, 'authority.json'))).toBe(0o600);
    const genesisText = readFileSync(join(out, 'genesis.json'), 'utf8');
    const genesis = parseGenesisJson(JSON.parse(genesisText));
    const configs = [0, 1, 2].map((i) => {
      const bundle = join(out, `node${i}`);
      expect(readFileSync(join(bundle, 'genesis.json'), 'utf8')).toBe(genesisText);
      for (const file of ['keys/validator.json', 'keys/wallet.json', 'p2p-key', 'config.json']) expect(mode(join(bundle, file)), file).toBe(0o600);
      expect(existsSync(join(bundle, 'authority.json'))).toBe(false);
      expect(genesis.validators[i]!.publicKey).toBe(readKeyFile(join(bundle, 'keys/validator.json')).publicKeyHex);
      return loadConfig({ config: join(bundle, 'config.json') }, {});
    });
    // The second node on 10.0.0.1 takes the next ports.
    expect(configs.map((c) => [c.p2pPort, c.apiPort])).toEqual([[26656, 7545], [26657, 7546], [26656, 7545]]);
    expect(configs.map((c) => c.p2pAnnounce)).toEqual([['/ip4/10.0.0.1/tcp/26656'], ['/ip4/10.0.0.1/tcp/26657'], ['/dns4/val2.example.org/tcp/26656']]);
    expect(configs[0]!).toMatchObject({ dataDir: join(out, 'node0'), genesisFile: join(out, 'node0/genesis.json'), p2pHost: '0.0.0.0', apiHost: '127.0.0.1' });
    expect(configs[0]!.bootstrap).toHaveLength(2);
    expect(configs[0]!.bootstrap[0]).toMatch(/^\/ip4\/10\.0\.0\.1\/tcp\/26657\/p2p\/12D3KooW/);
    expect(configs[0]!.bootstrap[1]).toMatch(/^\/dns4\/val2\.example\.org\/tcp\/26656\/p2p\/12D3KooW/);
    expect(configs[2]!.bootstrap.every((b) => b.startsWith('/ip4/10.0.0.1/'))).toBe(true);

    const again = await cli(['testnet', 'init', '--nodes', '3', '--hosts', 'a,b,c', '--out', out]);
    expect(again.code).toBe(EXIT_CODES.failure);
    expect(again.stderr).toMatch(/InvalidConfig: .*already holds a network/);
  });

  it('refuses a host list that does not fit --nodes, and a host that is no address or name', async () => {
    const out = join(tempDir('dchat-init-bad-'), 'net');
    const short = await cli(['testnet', 'init', '--nodes', '3', '--hosts', 'a,b', '--out', out]);
    expect(short.stderr).toMatch(/InvalidConfig: --hosts names 2 hosts for --nodes 3/);
    const bad = await cli(['testnet', 'init', '--nodes', '1', '--hosts', 'not a host', '--out', out]);
    expect(bad.stderr).toMatch(/InvalidConfig: --hosts: "not a host" is not an IP address or a host name/);
    expect(existsSync(out)).toBe(false);
  });

  it('two bundles on one host named by DNS (localhost) start from their configs, connect through /dns4 bootstrap and agree', async () => {
    const out = join(tempDir('dchat-init-start-'), 'net');
    const p2pPort = 30_000 + Math.floor(Math.random() * 20_000);
    const init = await cli(['testnet', 'init', '--nodes', '2', '--hosts', 'localhost,localhost', '--out', out, '--block-time', '200', '--p2p-port', String(p2pPort)]);
    expect(init.code, init.stderr).toBe(0);
    const logger = createLogger('silent', false);
    const nodes = await Promise.all([0, 1].map((i) => DchatNode.init(loadConfig({ config: join(out, `node${i}/config.json`), api_port: 0, log_level: 'silent' }, {}), { logger })));
    try {
      await waitFor('both validators on one head past height 3, as peers', async () => {
        const [a, b] = nodes.map((n) => n.chain.head);
        return nodes.every((n) => n.network!.peers().length === 1) && a!.header.height >= 3n && toHex(a!.hash) === toHex(b!.hash);
      }, 30_000);
      expect(nodes.map((n) => n.info().validator)).toEqual([true, true]);
    } finally {
      await Promise.all(nodes.map((n) => n.close()));
    }
  });
});

describe('dchat keys new --validator', () => {
  it('writes a 0600 validator key file, and never overwrites one', async () => {
    const dataDir = tempDir('dchat-valkey-');
    const made = await cli(['keys', 'new', '--validator', '--data-dir', dataDir, '--json']);
    expect(made.code, made.stderr).toBe(0);
    const file = join(dataDir, 'keys/validator.json');
    const body = made.json<{ public_key: string; file: string }>();
    expect(body.file).toBe(file);
    expect(mode(file)).toBe(0o600);
    expect(readKeyFile(file).publicKeyHex).toBe(body.public_key);
    const again = await cli(['keys', 'new', '--validator', '--out', file]);
    expect(again.code).toBe(EXIT_CODES.keystore);
    expect(again.stderr).toMatch(/KeyExists: .*never overwritten/);
    expect(readKeyFile(file).publicKeyHex).toBe(body.public_key);
  });

  it('keys new without --name or --validator is a usage error', async () => {
    const run = await cli(['keys', 'new', '--data-dir', tempDir('dchat-valkey-')]);
    expect(run.code).toBe(EXIT_CODES.usage);
    expect(run.stderr).toMatch(/--name/);
  });
});
