/**
 * `dchat export-state`'s own refusals, before any store is read: a data dir without chain data
 * (none is created: a typo must not pass for an empty chain), a genesis time it cannot read, and
 * an --out file that exists (never overwritten).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ChainErrorCode } from '../../../src/chain/errors.ts';
import { type ExportStateFlags, exportStateCommand } from '../../../src/cli/export-state.ts';
import { codeOfAsync } from '../../support/error-code.ts';

const dir = mkdtempSync(join(tmpdir(), 'dchat-export-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const flags = (over: Partial<ExportStateFlags>): ExportStateFlags => ({
  dataDir: join(dir, 'node'), chainId: 'dchat-next', genesisTime: '2026-12-01T00:00:00Z', out: join(dir, 'genesis.json'), ...over,
});
const run = (over: Partial<ExportStateFlags>): Promise<string> => codeOfAsync(exportStateCommand(flags(over), () => undefined));

describe('dchat export-state refuses', () => {
  it('a data dir without chain data, and creates none', async () => {
    expect(await run({})).toBe(ChainErrorCode.InvalidConfig);
    expect(existsSync(join(dir, 'node'))).toBe(false);
  });

  it('a genesis time that is neither an ISO time nor milliseconds', async () => {
    expect(await run({ genesisTime: 'yesterday' })).toBe('InvalidParameter');
  });

  it('an --out file that exists', async () => {
    const out = join(dir, 'taken.json');
    writeFileSync(out, '{}');
    // A chain dir exists, so only --out is wrong.
    const dataDir = join(dir, 'with-chain');
    mkdirSync(join(dataDir, 'chain'), { recursive: true });
    expect(await run({ dataDir, out })).toBe('InvalidParameter');
    expect(readFileSync(out, 'utf8')).toBe('{}');
  });
});
