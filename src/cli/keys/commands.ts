/**
 * `dchat keys new|list|show|import|export`: the encrypted user keystore under <data-dir>/keystore.
 * import takes a hex seed (from a file or stdin, never argv: seed-input.ts) or a node key file (the
 * JSON of `dchat start --dev`: keys/dev.json, keys/authority.json), so a dev chain's wallet and
 * authority can sign from the CLI.
 */
import { join } from 'node:path';
import { type Command, Option } from 'commander';
import { generateKeyPair, toHex } from '../../chain/crypto.ts';
import { dataDirOf, noteModeChange } from '../context.ts';
import { CliError, usageError } from '../errors.ts';
import type { CliIo } from '../io.ts';
import { type KeyInfo, Keystore, checkKeyName } from '../keystore/keystore.ts';
import { askPassphrase, newPassphrase } from '../keystore/passphrase.ts';
import { type SeedFlags, readSeed } from './seed-input.ts';
import { newValidatorKeyFile } from './validator-key.ts';
import { fields, grid, section } from '../table.ts';

interface KeyFlags {
  dataDir?: string;
  json?: boolean;
}

function keystoreOf(io: CliIo, flags: KeyFlags): Keystore {
  return new Keystore(join(dataDirOf(io, flags.dataDir), 'keystore'), noteModeChange(io));
}

function keyJson(key: KeyInfo): Record<string, string> {
  return { name: key.name, wallet_id: key.walletId, public_key: key.publicKey, file: key.file };
}

function keyLines(title: string, key: KeyInfo): string[] {
  return [...section(title), ...fields([['Name', key.name], ['Wallet ID', key.walletId], ['Public Key', key.publicKey], ['File', key.file]])];
}

function keyCommand(keys: Command, name: string, description: string): Command {
  return keys
    .command(name)
    .description(description)
    .option('--data-dir <dir>', 'the keystore is <dir>/keystore (default $DCHAT_DATA_DIR or ~/.dchat)')
    .option('--json', 'print JSON');
}

function print(io: CliIo, flags: KeyFlags, json: unknown, lines: readonly string[]): void {
  io.stdout(flags.json === true ? `${JSON.stringify(json, null, 2)}\n` : `${lines.join('\n')}\n`);
}

export function registerKeys(program: Command, io: CliIo): void {
  const keys = program.command('keys').description('wallet keys in the encrypted keystore (passphrase from a prompt or DCHAT_KEYSTORE_PASSPHRASE)');

  keyCommand(keys, 'new', 'generate an ed25519 key (with --validator: a validator key file, not a keystore key)')
    .option('--name <name>', 'a name for the key (required without --validator)')
    .option('--validator', 'write a validator key file (plain JSON, 0600) for `dchat start --validator-key`')
    .option('--out <file>', 'with --validator: where (default <data-dir>/keys/validator.json)')
    .action(async (flags: KeyFlags & { name?: string; validator?: boolean; out?: string }) => {
      if (flags.validator === true) {
        const key = newValidatorKeyFile(flags.out ?? join(dataDirOf(io, flags.dataDir), 'keys/validator.json'));
        print(io, flags, { public_key: key.publicKeyHex, wallet_id: key.walletId, file: key.file }, [
          ...section('🔑 New validator key'),
          ...fields([['Public Key', key.publicKeyHex], ['File', key.file]]),
          'Give the public key to whoever writes the genesis (or the validator-set proposal); keep the file on the validator only.',
        ]);
        return;
      }
      if (flags.out !== undefined) throw usageError('UsageError', '--out is for --validator only: a keystore key lives in <data-dir>/keystore.');
      if (flags.name === undefined) throw usageError('UsageError', 'keys new needs --name <name> (or --validator for a validator key file).');
      const name = checkKeyName(flags.name);
      const store = keystoreOf(io, flags);
      if (store.has(name)) throw new CliError('keystore', 'KeyExists', `A key named "${name}" already exists in ${store.dir}.`);
      const key = store.add(name, generateKeyPair().secretKey, await newPassphrase(io, name));
      print(io, flags, keyJson(key), keyLines('🔑 New key', key));
    });

  keyCommand(keys, 'list', 'the keys in the keystore (no passphrase needed)')
    .action((flags: KeyFlags) => {
      const store = keystoreOf(io, flags);
      const list = store.list();
      print(io, flags, list.map(keyJson), [
        `🔑 Keys in ${store.dir} (${list.length}):`,
        ...grid([{ header: 'Name', align: 'left' }, { header: 'Wallet ID', align: 'left' }, { header: 'Public Key', align: 'left' }], list.map((k) => [k.name, k.walletId, k.publicKey])),
      ]);
    });

  keyCommand(keys, 'show', 'a key\'s wallet id (UUIDv5 of its public key) and public key')
    .argument('<key>', 'key name or wallet id')
    .action((ref: string, flags: KeyFlags) => {
      const key = keystoreOf(io, flags).find(ref);
      print(io, flags, keyJson(key), keyLines(`🔑 Key "${key.name}"`, key));
    });

  keyCommand(keys, 'import', 'add an existing key: a hex seed from a file or stdin, or a node key file (e.g. <data-dir>/keys/dev.json)')
    .requiredOption('--name <name>', 'a name for the key')
    .option('--seed-file <path>', 'a file holding the 32-byte ed25519 seed as 64 hex characters')
    .option('--seed-stdin', 'read the seed from stdin (piped, or asked for without echo on a terminal)')
    .option('--file <path>', 'a dchat node key file (JSON with secret_seed)')
    // Hidden, and refused with the way to do it now: a seed on argv is visible to other users (seed-input.ts).
    .addOption(new Option('--seed <hex>', 'refused: use --seed-file or --seed-stdin').hideHelp())
    .addHelpText('after', '\nThe seed never goes on the command line: `dchat keys import --name alice --seed-stdin < seed.txt`.')
    .action(async (flags: KeyFlags & SeedFlags & { name: string }) => {
      const name = checkKeyName(flags.name);
      const seed = await readSeed(io, flags);
      const store = keystoreOf(io, flags);
      if (store.has(name)) throw new CliError('keystore', 'KeyExists', `A key named "${name}" already exists in ${store.dir}.`);
      const key = store.add(name, seed, await newPassphrase(io, name));
      print(io, flags, keyJson(key), keyLines('🔑 Imported key', key));
    });

  keyCommand(keys, 'export', 'print a key\'s hex seed (after its passphrase): anyone with it controls the wallet')
    .argument('<key>', 'key name or wallet id')
    .action(async (ref: string, flags: KeyFlags) => {
      const store = keystoreOf(io, flags);
      const found = store.find(ref);
      const key = store.unlock(found, await askPassphrase(io, found.name));
      const seed = toHex(key.secretKey);
      if (flags.json !== true) io.stderr('⚠️  This seed is the key itself: keep it secret.\n');
      print(io, flags, { ...keyJson(key), secret_seed: seed }, [seed]);
    });
}
