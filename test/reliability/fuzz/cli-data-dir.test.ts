/**
 * Regression (found by the CLI fuzz suite): `--data-dir` with a NUL byte made the CLI exit 1 with
 * Node's ERR_INVALID_ARG_VALUE (an "unexpected failure"), and an empty `--data-dir ''` (or
 * DCHAT_DATA_DIR='') put the keystore in ./keystore of the current directory. Both are now a usage
 * error (exit 2, InvalidDataDir) before anything is read or written (src/cli/context.ts).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../../e2e/cli/harness.ts';

const cwd = process.cwd();
const dir = mkdtempSync(join(tmpdir(), 'dchat-datadir-'));

afterAll(() => {
  process.chdir(cwd);
  rmSync(dir, { recursive: true, force: true });
});

describe('--data-dir values that name no directory', () => {
  it.each([
    [['keys', 'new', '--name', 'x', '--data-dir', ''], {}],
    [['keys', 'new', '--name', 'x', '--data-dir', '\u0000x'], {}],
    [['keys', 'list'], { DCHAT_DATA_DIR: '' }],
    [['token', 'transfer', '--from', 'x', '--to', 'treasury', '--amount', '5', '--data-dir', ''], {}],
  ])('%j is a usage error and writes nothing', async (argv, env) => {
    process.chdir(dir);
    const result = await cli(argv, { env });
    process.chdir(cwd);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error InvalidDataDir: /);
    expect(existsSync(join(dir, 'keystore'))).toBe(false);
  });
});
