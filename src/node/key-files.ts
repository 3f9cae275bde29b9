/**
 * Node key files (validator, authority, dev wallet): JSON with the raw ed25519 seed and public key
 * in hex, written 0600 so only the node's user can read them. (The encrypted user keystore of
 * `dchat keys` is a separate piece: src/cli/keystore.) Reading one trusts nothing in it: the file is
 * size-bounded before it is parsed, and a public key that does not match the seed is refused.
 */
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { type KeyPair, fromHex, generateKeyPair, keyPairFromSeed, toHex } from '../chain/crypto.ts';
import { ChainError, ChainErrorCode } from '../chain/errors.ts';
import { walletIdFromPublicKey } from '../tokenomics/index.ts';
import { readBoundedFile } from './files/bounded-read.ts';

export interface NodeKey extends KeyPair {
  readonly publicKeyHex: string;
  readonly walletId: string;
}

/** What `writeKeyFile` writes is about 250 bytes; anything past this is not a key file. */
export const NODE_KEY_FILE_MAX_BYTES = 4_096;

const SEED_HEX = /^(0x)?[0-9a-fA-F]{64}$/;

function toNodeKey(pair: KeyPair): NodeKey {
  const publicKeyHex = toHex(pair.publicKey);
  return { ...pair, publicKeyHex, walletId: walletIdFromPublicKey(publicKeyHex) };
}

export function writeKeyFile(path: string, key: KeyPair, label: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const body = { label, public_key: toHex(key.publicKey), secret_seed: toHex(key.secretKey), wallet_id: walletIdFromPublicKey(toHex(key.publicKey)) };
  writeFileSync(path, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}

const corrupt = (path: string, problem: string): ChainError =>
  new ChainError(ChainErrorCode.CorruptKeyFile, `Key file ${path} is not a dchat key file: ${problem}.`);

/**
 * The key in a node key file. A file that cannot be opened is `InvalidConfig`; one whose content
 * is wrong (too big, not JSON, no 64-hex `secret_seed`, a `public_key` of another key) is
 * `CorruptKeyFile`.
 */
export function readKeyFile(path: string): NodeKey {
  let bytes: Buffer;
  try {
    bytes = readBoundedFile(path, NODE_KEY_FILE_MAX_BYTES);
  } catch (err) {
    const io = (err as NodeJS.ErrnoException).code !== undefined;
    if (io) throw new ChainError(ChainErrorCode.InvalidConfig, `Key file ${path} is unreadable: ${(err as Error).message}.`, { cause: err });
    throw corrupt(path, (err as Error).message);
  }
  let body: { secret_seed?: unknown; public_key?: unknown };
  try {
    body = JSON.parse(bytes.toString('utf8')) as typeof body;
  } catch (err) {
    throw corrupt(path, `not JSON (${(err as Error).message})`);
  }
  if (typeof body !== 'object' || body === null) throw corrupt(path, 'not a JSON object');
  if (typeof body.secret_seed !== 'string' || !SEED_HEX.test(body.secret_seed)) throw corrupt(path, 'secret_seed must be 64 hex characters (a 32-byte ed25519 seed)');
  const key = toNodeKey(keyPairFromSeed(fromHex(body.secret_seed.replace(/^0x/, ''))));
  if (body.public_key !== undefined && (typeof body.public_key !== 'string' || body.public_key.toLowerCase() !== key.publicKeyHex)) {
    throw corrupt(path, 'public_key is not the public key of secret_seed');
  }
  return key;
}

/** Reads the key at `path`, creating it (0600) first if it does not exist. */
export function loadOrCreateKey(path: string, label: string): NodeKey {
  if (!existsSync(path)) writeKeyFile(path, generateKeyPair(), label);
  return readKeyFile(path);
}
