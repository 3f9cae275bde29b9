/**
 * `dchat keys`: the encrypted keystore round-trips (new, list, show, export, import), keeps its
 * files private, refuses a wrong passphrase, and imports the key files of `dchat start --dev`.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../../src/cli/errors.ts';
import { fromHex, keyPairFromSeed, toHex } from '../../../src/chain/crypto.ts';
import { devSetup } from '../../../src/node/dev-setup.ts';
import { walletIdFromPublicKey } from '../../../src/tokenomics/index.ts';
import { cli, removeTempDirs, tempDir } from './harness.ts';

interface KeyJson {
  name: string;
  wallet_id: string;
  public_key: string;
  file: string;
  secret_seed?: string;
}

afterAll(removeTempDirs);

describe('dchat keys', () => {
  it('new -> list -> show -> export round-trips; the wallet id is UUIDv5 of the public key', async () => {
    const dataDir = tempDir('dchat-keys-');
    const made = await cli(['keys', 'new', '--name', 'alice', '--data-dir', dataDir, '--json']);
    expect(made.code, made.stderr).toBe(0);
    const alice = made.json<KeyJson>();
    expect(alice.wallet_id).toBe(walletIdFromPublicKey(alice.public_key));
    expect(alice.file).toBe(join(dataDir, 'keystore', 'alice.json'));

    expect(statSync(join(dataDir, 'keystore')).mode & 0o777).toBe(0o700);
    expect(statSync(alice.file).mode & 0o777).toBe(0o600);

    const list = await cli(['keys', 'list', '--data-dir', dataDir, '--json'], { env: { DCHAT_KEYSTORE_PASSPHRASE: undefined } });
    expect(list.json<KeyJson[]>().map((k) => [k.name, k.wallet_id])).toEqual([['alice', alice.wallet_id]]);
    const table = await cli(['keys', 'list', '--data-dir', dataDir]);
    expect(table.stdout).toMatch(new RegExp(`^alice +${alice.wallet_id} +${alice.public_key}$`, 'm'));

    for (const ref of ['alice', alice.wallet_id, alice.wallet_id.toUpperCase()]) {
      const shown = await cli(['keys', 'show', ref, '--data-dir', dataDir]);
      expect(shown.code, shown.stderr).toBe(0);
      expect(shown.stdout).toMatch(new RegExp(`^Wallet ID: +${alice.wallet_id}$`, 'm'));
      expect(shown.stdout).toMatch(new RegExp(`^Public Key: +${alice.public_key}$`, 'm'));
    }

    const exported = await cli(['keys', 'export', 'alice', '--data-dir', dataDir]);
    expect(exported.code, exported.stderr).toBe(0);
    const seed = exported.stdout.trim();
    expect(seed).toMatch(/^[0-9a-f]{64}$/);
    expect(toHex(keyPairFromSeed(fromHex(seed)).publicKey)).toBe(alice.public_key);
    expect(exported.stderr).toContain('keep it secret');
    // encrypted at rest: the seed is nowhere in the file
    expect(readFileSync(alice.file, 'utf8')).not.toContain(seed);
    expect(JSON.parse(readFileSync(alice.file, 'utf8')).crypto).toMatchObject({ kdf: 'scrypt', cipher: 'aes-256-gcm' });

    // the same seed imported elsewhere is the same wallet
    const other = tempDir('dchat-keys-');
    const imported = await cli(['keys', 'import', '--name', 'alice-copy', '--seed-stdin', '--data-dir', other, '--json'], { stdin: `${seed}\n` });
    expect(imported.json<KeyJson>()).toMatchObject({ wallet_id: alice.wallet_id, public_key: alice.public_key });
    // ... but not twice into one keystore, nor under a taken name
    const again = await cli(['keys', 'import', '--name', 'bob', '--seed-stdin', '--data-dir', dataDir], { stdin: seed });
    expect(again.code).toBe(EXIT_CODES.keystore);
    expect(again.stderr).toMatch(/^error KeyExists: This key is already in the keystore as "alice"/);
    const taken = await cli(['keys', 'new', '--name', 'alice', '--data-dir', dataDir]);
    expect(taken.code).toBe(EXIT_CODES.keystore);
    expect(taken.stderr).toMatch(/^error KeyExists: A key named "alice" already exists/);
  });

  it('a wrong passphrase, or none without a terminal, is a clear keystore error', async () => {
    const dataDir = tempDir('dchat-keys-');
    await cli(['keys', 'new', '--name', 'carol', '--data-dir', dataDir]);
    const wrong = await cli(['keys', 'export', 'carol', '--data-dir', dataDir], { env: { DCHAT_KEYSTORE_PASSPHRASE: 'wrong' } });
    expect(wrong.code).toBe(EXIT_CODES.keystore);
    expect(wrong.stderr).toBe('error WrongPassphrase: The passphrase does not unlock key "carol".\n');
    expect(wrong.stdout).toBe('');

    const none = await cli(['keys', 'export', 'carol', '--data-dir', dataDir], { env: { DCHAT_KEYSTORE_PASSPHRASE: undefined } });
    expect(none.code).toBe(EXIT_CODES.keystore);
    expect(none.stderr).toMatch(/^error PassphraseRequired: .*DCHAT_KEYSTORE_PASSPHRASE/);

    // Set but empty is its own mistake, said as such (not WrongPassphrase), for unlocking and for a new key.
    for (const args of [['keys', 'export', 'carol'], ['keys', 'new', '--name', 'dave']]) {
      const empty = await cli([...args, '--data-dir', dataDir], { env: { DCHAT_KEYSTORE_PASSPHRASE: '' } });
      expect(empty.code).toBe(EXIT_CODES.keystore);
      expect(empty.stderr).toBe('error EmptyPassphrase: DCHAT_KEYSTORE_PASSPHRASE is set but empty, and a keystore passphrase never is: set it to the passphrase, or unset it to be asked on a terminal.\n');
    }
  });

  it('prompts on a terminal: twice for a new key (refusing a mismatch), once to unlock', async () => {
    const dataDir = tempDir('dchat-keys-');
    const env = { DCHAT_KEYSTORE_PASSPHRASE: undefined };
    const mismatch = await cli(['keys', 'new', '--name', 'dave', '--data-dir', dataDir], { env, tty: true, answers: ['one', 'two'] });
    expect(mismatch.code).toBe(EXIT_CODES.keystore);
    expect(mismatch.stderr).toMatch(/^error PassphraseMismatch: /);
    expect(readdirSync(dataDir)).toEqual([]);

    const made = await cli(['keys', 'new', '--name', 'dave', '--data-dir', dataDir], { env, tty: true, answers: ['s3cret', 's3cret'] });
    expect(made.code, made.stderr).toBe(0);
    const unlocked = await cli(['keys', 'export', 'dave', '--data-dir', dataDir], { env, tty: true, answers: ['s3cret'] });
    expect(unlocked.code, unlocked.stderr).toBe(0);
    const refused = await cli(['keys', 'export', 'dave', '--data-dir', dataDir], { env, tty: true, answers: ['nope'] });
    expect(refused.code).toBe(EXIT_CODES.keystore);
  });

  it('imports the dev wallet and authority key files of `dchat start --dev`', async () => {
    const dataDir = tempDir('dchat-keys-');
    const setup = devSetup(dataDir, 250n, 1_767_225_600_000n);
    const dev = await cli(['keys', 'import', '--name', 'dev', '--file', join(dataDir, 'keys/dev.json'), '--data-dir', dataDir, '--json']);
    expect(dev.code, dev.stderr).toBe(0);
    expect(dev.json<KeyJson>()).toMatchObject({ name: 'dev', wallet_id: setup.devWallet.walletId, public_key: setup.devWallet.publicKeyHex });
    const authority = await cli(['keys', 'import', '--name', 'authority', '--file', setup.authorityKeyFile, '--data-dir', dataDir, '--json']);
    expect(authority.json<KeyJson>().public_key).toBe(setup.authority.publicKeyHex);
    const exported = await cli(['keys', 'export', 'dev', '--data-dir', dataDir, '--json']);
    expect(exported.json<KeyJson>().secret_seed).toBe(toHex(setup.devWallet.secretKey));
  });

  it('refuses bad names, seeds and files as usage errors', async () => {
    const dataDir = tempDir('dchat-keys-');
    const cases: [string[], string][] = [
      [['keys', 'new', '--name', '../evil'], 'InvalidKeyName'],
      [['keys', 'import', '--name', 'x', '--seed-file', join(dataDir, 'missing.txt')], 'InvalidSeed'],
      [['keys', 'import', '--name', 'x', '--seed', 'ab'.repeat(32)], 'SeedOnCommandLine'],
      [['keys', 'import', '--name', 'x'], 'MissingOption'],
      [['keys', 'import', '--name', 'x', '--file', join(dataDir, 'missing.json')], 'InvalidKeyFile'],
    ];
    for (const [argv, code] of cases) {
      const result = await cli([...argv, '--data-dir', dataDir]);
      expect(result.code, argv.join(' ')).toBe(EXIT_CODES.usage);
      expect(result.stderr.startsWith(`error ${code}: `), result.stderr).toBe(true);
    }
    const missing = await cli(['keys', 'show', 'ghost', '--data-dir', dataDir]);
    expect(missing.code).toBe(EXIT_CODES.keystore);
    expect(missing.stderr).toMatch(/^error UnknownKey: /);
  });
});
