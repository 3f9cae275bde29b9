/**
 * Where `dchat keys import` reads a seed from. Never argv: a command line is readable by every
 * user of the machine (ps, /proc/<pid>/cmdline) and stays in shell history, so `--seed <hex>` is
 * refused with the way to do it now. A seed comes from a file (`--seed-file`), from stdin
 * (`--seed-stdin`: a hidden prompt on a terminal, else the piped text), or inside a node key file
 * (`--file`). Error messages never quote what was read: it may be the secret.
 */
import { statSync } from 'node:fs';
import { fromHex } from '../../chain/crypto.ts';
import { ChainError, ChainErrorCode } from '../../chain/errors.ts';
import { readBoundedFile } from '../../node/files/bounded-read.ts';
import { readKeyFile } from '../../node/key-files.ts';
import { CliError, usageError } from '../errors.ts';
import type { CliIo } from '../io.ts';

export interface SeedFlags {
  seed?: string;
  seedFile?: string;
  seedStdin?: boolean;
  file?: string;
}

/** 64 hex characters and a newline; more than this is not a seed file. */
export const SEED_INPUT_MAX_BYTES = 1_024;

const SEED = /^(0x)?[0-9a-fA-F]{64}$/;

export const SEED_ON_ARGV_MESSAGE =
  '--seed is refused: a secret on the command line is visible to every user of this machine (ps) and stays in shell history. '
  + 'Put the 64 hex characters in a file only you can read and pass --seed-file <path>, or pipe them in with --seed-stdin '
  + '(`dchat keys import --name <name> --seed-stdin < seed.txt`; on a terminal it asks without echoing). '
  + 'Nothing was imported; on a shared machine, count the seed just typed as seen.';

function parseSeed(text: string, source: string): Uint8Array {
  const hex = text.trim();
  if (!SEED.test(hex)) throw usageError('InvalidSeed', `The seed from ${source} must be 64 hex characters (a 32-byte ed25519 seed).`);
  return fromHex(hex.replace(/^0x/, ''));
}

/** The seed in `path`; a file others could read is imported, with a note that it should not stay so. */
function seedFromFile(io: CliIo, path: string): Uint8Array {
  let text: string;
  try {
    text = readBoundedFile(path, SEED_INPUT_MAX_BYTES).toString('utf8');
  } catch (err) {
    throw usageError('InvalidSeed', `Cannot read the seed file ${path}: ${(err as Error).message}.`);
  }
  const seed = parseSeed(text, path);
  const mode = statSync(path).mode & 0o777;
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    io.stderr(`note: the seed file ${path} is readable by group or others (mode ${mode.toString(8)}): delete it, or \`chmod 600\` it.\n`);
  }
  return seed;
}

async function seedFromStdin(io: CliIo): Promise<Uint8Array> {
  if (io.stdinIsTTY) return parseSeed(await io.prompt('Seed (64 hex characters, not shown): '), 'the prompt');
  let text: string;
  try {
    text = await io.readStdin(SEED_INPUT_MAX_BYTES);
  } catch (err) {
    throw usageError('InvalidSeed', `Cannot read the seed from stdin: ${(err as Error).message}.`);
  }
  return parseSeed(text, 'stdin');
}

/** The seed in a node key file (`dchat start --dev`'s keys/dev.json, …), checked against its public key. */
function seedFromKeyFile(path: string): Uint8Array {
  try {
    return readKeyFile(path).secretKey;
  } catch (err) {
    if (err instanceof ChainError && err.code === ChainErrorCode.CorruptKeyFile) throw new CliError('keystore', err.code, err.message);
    if (err instanceof ChainError) throw usageError('InvalidKeyFile', err.message);
    throw err;
  }
}

/** The one seed source the flags name; refuses `--seed`, none, or more than one. */
export async function readSeed(io: CliIo, flags: SeedFlags): Promise<Uint8Array> {
  if (flags.seed !== undefined) throw usageError('SeedOnCommandLine', SEED_ON_ARGV_MESSAGE);
  const given = [flags.seedFile !== undefined, flags.seedStdin === true, flags.file !== undefined].filter(Boolean).length;
  if (given !== 1) throw usageError('MissingOption', 'Give exactly one of --seed-file <path>, --seed-stdin or --file <path>.');
  if (flags.seedFile !== undefined) return seedFromFile(io, flags.seedFile);
  if (flags.seedStdin === true) return seedFromStdin(io);
  return seedFromKeyFile(flags.file!);
}
