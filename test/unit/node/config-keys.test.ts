/**
 * Unknown config keys are refused by name (issue 18: `"log_levl"` was silently ignored), relative
 * paths in a config file are the file's own, `log_format` is checked, and the sample validator
 * config loads.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/node/config.ts';

const dir = mkdtempSync(join(tmpdir(), 'dchat-config-keys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function refused(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (err) {
    return err as { code: string; message: string };
  }
  throw new Error('expected a refusal');
}

function configFile(name: string, body: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(body));
  return file;
}

describe('config keys', () => {
  it('an unknown key in a config file is refused naming it, with the key it resembles', () => {
    const err = refused(() => loadConfig({ config: configFile('typo.json', { log_levl: 'debug' }) }, {}));
    expect(err.code).toBe('UnknownConfigKey');
    expect(err.message).toContain('unknown key "log_levl" (did you mean "log_level"?)');
  });

  it('an unknown key inside a section is refused with its section', () => {
    const err = refused(() => loadConfig({ config: configFile('section.json', { mempool: { max_tx: 10 } }) }, {}));
    expect(err.code).toBe('UnknownConfigKey');
    expect(err.message).toContain('"mempool.max_tx" (did you mean "mempool.max_txs"?)');
    expect(refused(() => loadConfig({ api: { rate: 1 } }, {})).message).toContain('"api.rate"');
  });

  it('an unknown flag setting is refused too, and a key far from any gets no guess', () => {
    const err = refused(() => loadConfig({ zzz_nothing: 1 }, {}));
    expect(err.code).toBe('UnknownConfigKey');
    expect(err.message).toMatch(/unknown key "zzz_nothing"; README/);
  });

  it('relative paths in a config file are taken from its directory, not the working directory', () => {
    mkdirSync(join(dir, 'bundle'));
    const file = configFile('bundle/config.json', { data_dir: '.', genesis_file: 'genesis.json', validator_key_file: 'keys/validator.json' });
    const config = loadConfig({ config: file }, {});
    expect(config.dataDir).toBe(join(dir, 'bundle'));
    expect(config.genesisFile).toBe(join(dir, 'bundle/genesis.json'));
    expect(config.validatorKeyFile).toBe(join(dir, 'bundle/keys/validator.json'));
  });

  it('log_format: json or pretty, from the file, DCHAT_LOG_FORMAT or --log-format; null (by terminal) by default', () => {
    expect(loadConfig({}, {}).logFormat).toBeNull();
    expect(loadConfig({}, { DCHAT_LOG_FORMAT: 'json' }).logFormat).toBe('json');
    expect(loadConfig({ log_format: 'pretty' }, { DCHAT_LOG_FORMAT: 'json' }).logFormat).toBe('pretty');
    const err = refused(() => loadConfig({ log_format: 'xml' }, {}));
    expect(err.code).toBe('InvalidConfig');
    expect(err.message).toMatch(/log_format: expected json or pretty/);
  });

  it('config/validator.example.json is a valid config', () => {
    const config = loadConfig({ config: resolve('config/validator.example.json') }, {});
    expect(config).toMatchObject({ dataDir: '/var/lib/dchat', validatorKeyFile: '/var/lib/dchat/keys/validator.json', p2pHost: '0.0.0.0', logFormat: 'json' });
    expect(config.bootstrap).toHaveLength(2);
    expect(config.p2pAnnounce).toEqual(['/dns4/validator1.example.org/tcp/7600']);
  });
});
