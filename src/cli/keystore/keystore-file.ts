/**
 * The keystore file format and its bounds. Every value is checked before any KDF work: a tampered
 * file with huge scrypt parameters would otherwise make an unlock take gigabytes and minutes (issue
 * 12, item 4), and invalid ones would surface as a wrong passphrase. Anything out of bounds is
 * `CorruptKeyFile`, naming the field and its allowed range. The bounds accept every file
 * `sealSeed` writes (N = 2^15, r = 8, p = 1, a 32-byte salt, a 12-byte IV) with room to spare.
 */
import { basename } from 'node:path';
import { isUuid, walletIdFromPublicKey } from '../../tokenomics/index.ts';
import { CliError } from '../errors.ts';
import type { SealedSeed } from './cipher.ts';

export interface KeystoreFile {
  readonly version: 1;
  readonly name: string;
  readonly wallet_id: string;
  readonly public_key: string;
  readonly crypto: SealedSeed;
}

export const KEYSTORE_BOUNDS = {
  /** A written file is about 600 bytes. */
  fileBytes: 16_384,
  /** scrypt's cost: a power of two; 2^18 is 8 times what sealSeed uses. */
  n: { min: 2, max: 2 ** 18 },
  r: { min: 1, max: 16 },
  p: { min: 1, max: 16 },
  /** n × r × p: at most 256 MiB of scrypt memory and about a second of work (8 × sealSeed's). */
  cost: 2 ** 21,
  saltBytes: { min: 16, max: 64 },
  /** AES-256-GCM: a 12-byte nonce, a 16-byte tag, the 32-byte seed as ciphertext, a 32-byte key. */
  ivBytes: 12,
  tagBytes: 16,
  ciphertextBytes: 32,
  dklen: 32,
} as const;

/** A key's name, which is also its file name (<name>.json). */
export const KEY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const HEX = /^(?:[0-9a-f]{2})*$/;

export function corruptKeyFile(path: string, problem: string): CliError {
  return new CliError('keystore', 'CorruptKeyFile', `Key file ${path} is corrupt: ${problem}.`);
}

function object(path: string, field: string, value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw corruptKeyFile(path, `${field} must be a JSON object`);
  return value as Record<string, unknown>;
}

function exactly<T extends string | number>(path: string, field: string, value: unknown, expected: T): T {
  if (value !== expected) throw corruptKeyFile(path, `${field} is ${JSON.stringify(value) ?? 'missing'}; allowed: ${JSON.stringify(expected)}`);
  return expected;
}

/** An integer from `min` to `max` that `extra` (when given) also accepts; `kind` names what is allowed. */
function integer(path: string, field: string, value: unknown, min: number, max: number, kind = 'an integer', extra?: (v: number) => boolean): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max || (extra !== undefined && !extra(value))) {
    throw corruptKeyFile(path, `${field} is ${JSON.stringify(value) ?? 'missing'}; allowed: ${kind} from ${min} to ${max}`);
  }
  return value;
}

/** Lowercase hex of `min`..`max` bytes (the length is checked before the characters are). */
function hexBytes(path: string, field: string, value: unknown, min: number, max: number): string {
  const allowed = min === max ? `${min} bytes of lowercase hex` : `${min} to ${max} bytes of lowercase hex`;
  if (typeof value !== 'string') throw corruptKeyFile(path, `${field} is ${JSON.stringify(value) ?? 'missing'}; allowed: ${allowed}`);
  if (value.length < 2 * min || value.length > 2 * max || !HEX.test(value)) {
    throw corruptKeyFile(path, `${field} is ${value.length > 2 * max ? `${value.length} characters` : JSON.stringify(value)}; allowed: ${allowed}`);
  }
  return value;
}

function kdfparams(path: string, value: unknown): SealedSeed['kdfparams'] {
  const params = object(path, 'crypto.kdfparams', value);
  const n = integer(path, 'crypto.kdfparams.n', params.n, KEYSTORE_BOUNDS.n.min, KEYSTORE_BOUNDS.n.max, 'a power of two', (v) => (v & (v - 1)) === 0);
  const r = integer(path, 'crypto.kdfparams.r', params.r, KEYSTORE_BOUNDS.r.min, KEYSTORE_BOUNDS.r.max);
  const p = integer(path, 'crypto.kdfparams.p', params.p, KEYSTORE_BOUNDS.p.min, KEYSTORE_BOUNDS.p.max);
  if (n * r * p > KEYSTORE_BOUNDS.cost) {
    throw corruptKeyFile(path, `crypto.kdfparams n × r × p is ${n * r * p}; allowed: at most ${KEYSTORE_BOUNDS.cost}`);
  }
  const dklen = exactly(path, 'crypto.kdfparams.dklen', params.dklen, KEYSTORE_BOUNDS.dklen);
  const salt = hexBytes(path, 'crypto.kdfparams.salt', params.salt, KEYSTORE_BOUNDS.saltBytes.min, KEYSTORE_BOUNDS.saltBytes.max);
  return { n, r, p, dklen, salt };
}

function sealed(path: string, value: unknown): SealedSeed {
  const crypto = object(path, 'crypto', value);
  return {
    kdf: exactly(path, 'crypto.kdf', crypto.kdf, 'scrypt'),
    kdfparams: kdfparams(path, crypto.kdfparams),
    cipher: exactly(path, 'crypto.cipher', crypto.cipher, 'aes-256-gcm'),
    iv: hexBytes(path, 'crypto.iv', crypto.iv, KEYSTORE_BOUNDS.ivBytes, KEYSTORE_BOUNDS.ivBytes),
    ciphertext: hexBytes(path, 'crypto.ciphertext', crypto.ciphertext, KEYSTORE_BOUNDS.ciphertextBytes, KEYSTORE_BOUNDS.ciphertextBytes),
    tag: hexBytes(path, 'crypto.tag', crypto.tag, KEYSTORE_BOUNDS.tagBytes, KEYSTORE_BOUNDS.tagBytes),
  };
}

/**
 * The keystore file at `path` from its text, every field checked. Its name must be the file's own
 * (a name such as "../x" would otherwise lead to another path) and its wallet id that of its
 * public key (the id `dchat keys list` shows and `--from` picks).
 */
export function parseKeystoreFile(path: string, text: string): KeystoreFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw corruptKeyFile(path, `not JSON (${(err as Error).message})`);
  }
  const body = object(path, 'the file', json);
  const version = exactly(path, 'version', body.version, 1);
  const name = body.name;
  if (typeof name !== 'string' || !KEY_NAME.test(name) || `${name}.json` !== basename(path)) {
    throw corruptKeyFile(path, `name is ${JSON.stringify(name) ?? 'missing'}; allowed: the file's own name, ${JSON.stringify(basename(path, '.json'))}`);
  }
  const publicKey = hexBytes(path, 'public_key', body.public_key, 32, 32);
  const walletId = walletIdFromPublicKey(publicKey);
  if (typeof body.wallet_id !== 'string' || !isUuid(body.wallet_id) || body.wallet_id !== walletId) {
    throw corruptKeyFile(path, `wallet_id is ${JSON.stringify(body.wallet_id) ?? 'missing'}; allowed: ${walletId}, the wallet of public_key`);
  }
  return { version, name, wallet_id: walletId, public_key: publicKey, crypto: sealed(path, body.crypto) };
}
