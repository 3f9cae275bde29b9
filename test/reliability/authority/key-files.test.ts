/**
 * Key files are readable by their owner only (0600), whatever the umask, and the directories that
 * hold them are closed to group and others: the dev keys of `dchat start --dev` (validator,
 * authority, dev wallet), the testnet keys of `dchat testnet` (authority, each validator's key and
 * reward wallet, each node's p2p-key), the p2p-key a node creates on its first start, and the
 * encrypted keystore files of `dchat keys new` and `dchat keys import`. Run with umask 000, so a
 * file that relied on the umask would show up as world-readable.
 *
 * And what was there before (issue 12, item 5): a data dir left 0755 by an older node is tightened
 * at start (and logged); a tampered keystore file or node key file stops the CLI at once with
 * CorruptKeyFile, before any scrypt work.
 */
import { execFile } from 'node:child_process';
import { chmodSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTestnet } from '../../../src/cli/testnet.ts';
import { loadConfig } from '../../../src/node/config.ts';
import { createLogger } from '../../../src/node/logger.ts';
import { DchatNode } from '../../../src/node/node.ts';
import { P2P_KEY_FILE } from '../../../src/node/network/p2p-key.ts';
import { PASSPHRASE, cli, removeTempDirs, tempDir } from '../../e2e/cli/harness.ts';
import { writeReport } from '../support/report.ts';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '../../../bin/dchat');
const modes: Record<string, string> = {};
const tampered: Record<string, unknown> = {};
let previousUmask = 0o022;

beforeAll(() => {
  previousUmask = process.umask(0o000);
});

afterAll(() => {
  process.umask(previousUmask);
  removeTempDirs();
  writeReport('key-files', { umask: '000', modes, tampered });
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

/** One spawned bin/dchat, killed after 20 s (an unbounded scrypt would run far longer), with its wall time. */
function dchat(args: string[], env: Record<string, string> = {}): Promise<{ status: number | null; stderr: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    execFile(BIN, args, { env: { ...process.env, ...env }, timeout: 20_000 }, (err, _stdout, stderr) => {
      resolve({ status: err === null ? 0 : ((err as { code?: unknown }).code as number | null) ?? null, stderr, ms: Math.round(performance.now() - started) });
    });
  });
}

describe('what an older node, a copy or an attacker left behind', () => {
  it('a data dir, keys dir and key file left wide open (0755/0644) are tightened at start, each change logged', async () => {
    const dataDir = join(tempDir('dchat-keys-wide-'), 'data');
    let node = await DchatNode.init(loadConfig({ dev: true, data_dir: dataDir, api_port: 0, log_level: 'silent' }), { logger: createLogger('silent', false) });
    await node.close();
    for (const dir of [dataDir, join(dataDir, 'keys'), join(dataDir, 'chain')]) chmodSync(dir, 0o755);
    chmodSync(join(dataDir, 'keys/dev.json'), 0o644);
    const warnings: { path?: string; from?: string; to?: string; msg: string }[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line) as (typeof warnings)[number]) });
    node = await DchatNode.init(loadConfig({ dev: true, data_dir: dataDir, api_port: 0, log_level: 'silent' }), { logger });
    await node.close();
    for (const dir of [dataDir, join(dataDir, 'keys'), join(dataDir, 'chain')]) expect({ dir, mode: mode(dir).toString(8) }).toEqual({ dir, mode: '700' });
    expectPrivateFile(join(dataDir, 'keys/dev.json'), 'dev keys/dev.json after a restart on 0644');
    const tightened = warnings.filter((w) => w.path !== undefined).map((w) => [w.path!.replace(dataDir, '<data>'), w.from, w.to]);
    expect(tightened).toEqual([['<data>', '755', '700'], ['<data>/chain', '755', '700'], ['<data>/keys', '755', '700'], ['<data>/keys/dev.json', '644', '600']]);
    expect(warnings[0]!.msg).toBe(`${dataDir} was mode 755 (open to group or others); tightened to 700`);
  });

  it('a tampered keystore file (scrypt p = 2^14, n = 2^20) makes `dchat keys export` exit 5 with CorruptKeyFile at once', async () => {
    const dir = tempDir('dchat-keys-tamper-');
    expect((await cli(['keys', 'new', '--name', 'victim', '--data-dir', dir])).code).toBe(0);
    const file = join(dir, 'keystore', 'victim.json');
    const body = JSON.parse(readFileSync(file, 'utf8')) as { crypto: { kdfparams: Record<string, number> } };
    const env = { DCHAT_KEYSTORE_PASSPHRASE: PASSPHRASE };
    const honest = await dchat(['keys', 'export', 'victim', '--data-dir', dir], env);
    expect(honest.status, honest.stderr).toBe(0);
    tampered.honestExportMs = honest.ms;
    // Before the bounds, on this machine: p = 64 took 3.7 s (so p = 2^14 about 15 minutes), n = 2^20
    // took 3.2 s and 1.2 GiB of memory, both ending in WrongPassphrase. The CLI prints the values grouped.
    for (const [label, params, value] of [['p=2^14', { p: 2 ** 14 }, '16,384'], ['n=2^20', { n: 2 ** 20 }, '1,048,576']] as const) {
      writeFileSync(file, JSON.stringify({ ...body, crypto: { ...body.crypto, kdfparams: { ...body.crypto.kdfparams, ...params } } }));
      const result = await dchat(['keys', 'export', 'victim', '--data-dir', dir], env);
      expect({ label, status: result.status }).toEqual({ label, status: 5 });
      expect(result.stderr).toMatch(new RegExp(`^error CorruptKeyFile: Key file ${file} is corrupt: crypto\\.kdfparams\\.${label[0]} is ${value}; allowed: `));
      tampered[`${label} exit ms`] = result.ms;
    }
  }, 60_000);

  it('a node key file replaced by 16 MiB of junk stops `dchat start` with CorruptKeyFile before it is read', async () => {
    const dir = tempDir('dchat-keys-junk-');
    const net = await writeTestnet({ dir: join(dir, 'net'), nodes: 1, blockTimeMs: 1_000n, genesisTimeMs: BigInt(Date.now()), baseApiPort: 0, baseP2pPort: 0 });
    const junk = join(dir, 'junk-validator.json');
    writeFileSync(junk, Buffer.alloc(16 * 1024 * 1024, 0x7b));
    const result = await dchat(['start', '--data-dir', join(dir, 'node'), '--genesis', net.genesisFile, '--validator-key', junk, '--api-port', '0', '--p2p-port', '0', '--log-level', 'silent']);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(`error CorruptKeyFile: Key file ${junk} is not a dchat key file: it is 16,777,216 bytes, more than the 4,096 such a file may hold.\n`);
    tampered['16 MiB validator key: start exit ms'] = result.ms;
  }, 60_000);
});
