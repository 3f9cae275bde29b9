/**
 * `dchat keys import` reads a seed from a file or stdin, never from argv (issue 12, item 5): `--seed`
 * is refused with the way to do it now, and no error repeats what it read (it may be the secret).
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { keyPairFromSeed, toHex } from '../../../src/chain/crypto.ts';
import { EXIT_CODES } from '../../../src/cli/errors.ts';
import { formatTokens } from '../../../src/cli/format.ts';
import { SEED_INPUT_MAX_BYTES } from '../../../src/cli/keys/seed-input.ts';
import { walletIdFromPublicKey } from '../../../src/tokenomics/index.ts';
import { cli, removeTempDirs, tempDir } from '../../e2e/cli/harness.ts';

afterAll(removeTempDirs);

const SEED = '5e'.repeat(32);
const WALLET = walletIdFromPublicKey(toHex(keyPairFromSeed(Buffer.from(SEED, 'hex')).publicKey));

async function importedWallet(argv: string[], options: Parameters<typeof cli>[1] = {}): Promise<string> {
  const result = await cli(['keys', 'import', '--name', 'alice', ...argv, '--json'], options);
  expect(result.code, result.stderr).toBe(0);
  return result.json<{ wallet_id: string }>().wallet_id;
}

describe('dchat keys import: the seed off the command line', () => {
  it('--seed-file reads the hex seed (0x and a trailing newline allowed); a file others can read gets a note', async () => {
    const dir = tempDir('dchat-seed-');
    const file = join(dir, 'seed.txt');
    writeFileSync(file, `0x${SEED.toUpperCase()}\n`);
    chmodSync(file, 0o600);
    const quiet = await cli(['keys', 'import', '--name', 'alice', '--seed-file', file, '--data-dir', dir, '--json']);
    expect(quiet.json<{ wallet_id: string }>().wallet_id).toBe(WALLET);
    expect(quiet.stderr).toBe('');
    chmodSync(file, 0o644);
    const other = tempDir('dchat-seed-');
    const noted = await cli(['keys', 'import', '--name', 'alice', '--seed-file', file, '--data-dir', other, '--json']);
    expect(noted.code, noted.stderr).toBe(0);
    expect(noted.stderr).toBe(`note: the seed file ${file} is readable by group or others (mode 644): delete it, or \`chmod 600\` it.\n`);
  });

  it('--seed-stdin reads a piped stdin, or asks without echo on a terminal', async () => {
    expect(await importedWallet(['--seed-stdin', '--data-dir', tempDir('dchat-seed-')], { stdin: `${SEED}\n` })).toBe(WALLET);
    const env = { DCHAT_KEYSTORE_PASSPHRASE: undefined };
    // On a terminal: the seed, then the new passphrase twice.
    expect(await importedWallet(['--seed-stdin', '--data-dir', tempDir('dchat-seed-')], { env, tty: true, answers: [SEED, 'pw', 'pw'] })).toBe(WALLET);
  });

  it('--seed is refused (usage, exit 2) with how to do it now, and nothing is written', async () => {
    const dir = tempDir('dchat-seed-');
    const result = await cli(['keys', 'import', '--name', 'alice', '--seed', SEED, '--data-dir', dir]);
    expect(result.code).toBe(EXIT_CODES.usage);
    expect(result.stderr).toMatch(/^error SeedOnCommandLine: --seed is refused: a secret on the command line is visible/);
    expect(result.stderr).toContain('--seed-file <path>');
    expect(result.stderr).toContain('--seed-stdin');
    expect(result.stderr).not.toContain(SEED);
    expect((await cli(['keys', 'list', '--data-dir', dir, '--json'])).json<unknown[]>()).toEqual([]);
  });

  it('--help shows --seed-file and --seed-stdin, not --seed', async () => {
    const help = await cli(['keys', 'import', '--help']);
    expect(help.stdout).toContain('--seed-file <path>');
    expect(help.stdout).toContain('--seed-stdin');
    expect(help.stdout).not.toMatch(/--seed <hex>/);
  });

  it('refuses none or two sources, a bad seed (without quoting it), and input past its bound', async () => {
    const dir = tempDir('dchat-seed-');
    const file = join(dir, 'seed.txt');
    writeFileSync(file, SEED);
    const secretish = 'f'.repeat(63);
    const big = join(dir, 'big.txt');
    writeFileSync(big, `${SEED}\n`.padEnd(SEED_INPUT_MAX_BYTES + 1, ' '));
    const cases: [string[], string | undefined, string, string][] = [
      [[], undefined, 'MissingOption', 'Give exactly one of --seed-file <path>, --seed-stdin or --file <path>.'],
      [['--seed-file', file, '--seed-stdin'], SEED, 'MissingOption', 'Give exactly one of'],
      [['--seed-stdin'], secretish, 'InvalidSeed', 'The seed from stdin must be 64 hex characters'],
      [['--seed-stdin'], ''.padEnd(SEED_INPUT_MAX_BYTES + 1, 'a'), 'InvalidSeed', `Cannot read the seed from stdin: it holds more than ${formatTokens(BigInt(SEED_INPUT_MAX_BYTES))} bytes.`],
      [['--seed-file', big], undefined, 'InvalidSeed', `more than the ${formatTokens(BigInt(SEED_INPUT_MAX_BYTES))} such a file may hold`],
      [['--seed-file', join(dir, 'missing.txt')], undefined, 'InvalidSeed', 'Cannot read the seed file'],
      [['--seed-file', '/dev/zero'], undefined, 'InvalidSeed', 'not a regular file'],
    ];
    for (const [argv, stdin, code, says] of cases) {
      const result = await cli(['keys', 'import', '--name', 'alice', ...argv, '--data-dir', dir], { stdin });
      expect(result.code, argv.join(' ')).toBe(EXIT_CODES.usage);
      expect(result.stderr, argv.join(' ')).toMatch(new RegExp(`^error ${code}: `));
      expect(result.stderr).toContain(says);
      expect(result.stderr).not.toContain(secretish);
    }
  });
});
