import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_API_LIMITS } from '../../../src/node/api/limits.ts';
import { loadConfig } from '../../../src/node/config.ts';

const dir = mkdtempSync(join(tmpdir(), 'dchat-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect((err as { code: string }).code).toBe('InvalidConfig');
    return (err as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('node config layers', () => {
  it('defaults: loopback API on 7545, p2p 7600, data dir ~/.dchat', () => {
    const config = loadConfig({}, {});
    expect(config).toMatchObject({ apiHost: '127.0.0.1', apiPort: 7545, p2pPort: 7600, dataDir: join(homedir(), '.dchat'), dev: false, logLevel: 'info' });
  });

  it('a config file overrides defaults, env overrides the file, flags override env', () => {
    const file = join(dir, 'node.json');
    writeFileSync(file, JSON.stringify({ api_port: 8000, p2p_port: 8001, log_level: 'debug', data_dir: '/srv/dchat' }));
    const fromFile = loadConfig({ config: file }, {});
    expect(fromFile).toMatchObject({ apiPort: 8000, p2pPort: 8001, logLevel: 'debug', dataDir: '/srv/dchat' });
    const fromEnv = loadConfig({ config: file }, { DCHAT_API_PORT: '9000', DCHAT_LOG_LEVEL: 'warn' });
    expect(fromEnv).toMatchObject({ apiPort: 9000, p2pPort: 8001, logLevel: 'warn' });
    const fromFlags = loadConfig({ config: file, api_port: '9500', block_time_ms: '250', dev: true }, { DCHAT_API_PORT: '9000' });
    expect(fromFlags).toMatchObject({ apiPort: 9500, blockTimeMs: 250n, dev: true });
  });

  it('a data dir with a config.json: read when no --config is given (paths from its own dir), never over --config or flags', () => {
    const dataDir = join(dir, 'node-dir');
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, 'config.json'), JSON.stringify({ data_dir: '.', genesis_file: '../genesis.json', api_port: 8100, bootstrap: ['/ip4/127.0.0.1/tcp/8200/p2p/x'] }));
    expect(loadConfig({ data_dir: dataDir }, {})).toMatchObject({ dataDir, genesisFile: join(dir, 'genesis.json'), apiPort: 8100, bootstrap: ['/ip4/127.0.0.1/tcp/8200/p2p/x'] });
    expect(loadConfig({}, { DCHAT_DATA_DIR: dataDir }).apiPort).toBe(8100);
    expect(loadConfig({ data_dir: dataDir, api_port: '8300' }, {}).apiPort).toBe(8300);
    const other = join(dir, 'other.json');
    writeFileSync(other, JSON.stringify({ p2p_port: 8400 }));
    expect(loadConfig({ data_dir: dataDir, config: other }, {})).toMatchObject({ apiPort: 7545, p2pPort: 8400, bootstrap: [] });
  });

  it('refuses bad values with a sentence naming the setting', () => {
    expect(refusal(() => loadConfig({ api_port: '70000' }, {}))).toMatch(/api_port/);
    expect(refusal(() => loadConfig({ log_level: 'loud' }, {}))).toMatch(/log_level/);
    expect(refusal(() => loadConfig({ block_time_ms: '0' }, {}))).toMatch(/block_time_ms/);
    expect(refusal(() => loadConfig({ config: join(dir, 'missing.json') }, {}))).toMatch(/cannot read/);
    writeFileSync(join(dir, 'list.json'), '[1,2]');
    expect(refusal(() => loadConfig({ config: join(dir, 'list.json') }, {}))).toMatch(/JSON object/);
  });

  it('p2p_shared_address_ban_threshold: 3 by default, a whole number of at least 1', () => {
    expect(loadConfig({}, {}).p2pSharedAddressBanThreshold).toBe(3);
    expect(loadConfig({ p2p_shared_address_ban_threshold: 1 }, {}).p2pSharedAddressBanThreshold).toBe(1);
    expect(refusal(() => loadConfig({ p2p_shared_address_ban_threshold: 0 }, {}))).toMatch(/p2p_shared_address_ban_threshold/);
  });

  it('api limits: public-node defaults from config/default.json, each overridable, bad ones named', () => {
    expect(loadConfig({}, {}).api).toEqual(DEFAULT_API_LIMITS);
    const api = loadConfig({ api: { client_rate_per_second: 5, max_connections: '64', exempt_clients: [] } }, {}).api;
    expect(api).toEqual({ ...DEFAULT_API_LIMITS, clientRatePerSecond: 5, maxConnections: 64, exemptClients: [] });
    expect(refusal(() => loadConfig({ api: { max_in_flight: 0 } }, {}))).toMatch(/api\.max_in_flight/);
    expect(refusal(() => loadConfig({ api: { exempt_clients: '127.0.0.1' } }, {}))).toMatch(/api\.exempt_clients/);
    expect(refusal(() => loadConfig({ api: { headers_timeout_ms: 40_000 } }, {}))).toMatch(/api\.headers_timeout_ms: must be at most api\.request_timeout_ms/);
  });
});
