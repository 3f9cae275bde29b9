/**
 * Node key files (validator, authority, dev wallet): JSON with the raw ed25519 seed and public key
 * in hex, written 0600 so only the node's user can read them. (The encrypted user keystore of
 * `dchat keys` is a separate, later piece.)
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { type KeyPair, fromHex, generateKeyPair, keyPairFromSeed, toHex } from '../chain/crypto.ts';
import { ChainError, ChainErrorCode } from '../chain/errors.ts';
import { walletIdFromPublicKey } from '../tokenomics/index.ts';

export interface NodeKey extends KeyPair {
  readonly publicKeyHex: string;
  readonly walletId: string;
}

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

export function readKeyFile(path: string): NodeKey {
  let seed: string;
  try {
    const body = JSON.parse(readFileSync(path, 'utf8')) as { secret_seed?: unknown };
    if (typeof body.secret_seed !== 'string' || !/^[0-9a-f]{64}$/.test(body.secret_seed)) throw new Error('no secret_seed');
    seed = body.secret_seed;
  } catch (err) {
    throw new ChainError(ChainErrorCode.InvalidConfig, `Key file ${path} is unreadable: ${(err as Error).message}.`);
  }
  return toNodeKey(keyPairFromSeed(fromHex(seed)));
}

/** Reads the key at `path`, creating it (0600) first if it does not exist. */
export function loadOrCreateKey(path: string, label: string): NodeKey {
  if (!existsSync(path)) writeKeyFile(path, generateKeyPair(), label);
  return readKeyFile(path);
}
