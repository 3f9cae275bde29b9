/**
 * The user keystore: one JSON file per key under <data-dir>/keystore, the seed encrypted
 * (cipher.ts), the public key and wallet id in clear so that listing keys and choosing a signer
 * need no passphrase. Directory 0700, files 0600; a key file is never overwritten.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { keyPairFromSeed, toHex } from '../../chain/crypto.ts';
import { isUuid, walletIdFromPublicKey } from '../../tokenomics/index.ts';
import { CliError, usageError } from '../errors.ts';
import { type SealedSeed, openSeed, sealSeed } from './cipher.ts';

export interface KeyInfo {
  readonly name: string;
  readonly walletId: string;
  readonly publicKey: string;
  readonly file: string;
}

export interface UnlockedKey extends KeyInfo {
  readonly secretKey: Uint8Array;
}

interface KeyFile {
  readonly version: 1;
  readonly name: string;
  readonly wallet_id: string;
  readonly public_key: string;
  readonly crypto: SealedSeed;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function checkKeyName(name: string): string {
  if (!NAME.test(name)) {
    throw usageError('InvalidKeyName', `Key name "${name}" must be 1-64 letters, digits, dots, dashes or underscores, starting with a letter or digit.`);
  }
  return name;
}

export class Keystore {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  list(): KeyInfo[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => this.info(this.read(join(this.dir, f))));
  }

  /** A key by name or wallet UUID; refuses with UnknownKey and says how to add one. */
  find(ref: string): KeyInfo {
    const lower = ref.toLowerCase();
    const found = isUuid(lower) ? this.list().find((k) => k.walletId === lower) : this.list().find((k) => k.name === ref);
    if (found === undefined) {
      throw new CliError('keystore', 'UnknownKey', `No key "${ref}" in ${this.dir}; \`dchat keys list\` shows the keys, \`dchat keys new\` or \`dchat keys import\` adds one.`);
    }
    return found;
  }

  has(name: string): boolean {
    return existsSync(this.fileOf(name));
  }

  unlock(key: KeyInfo, passphrase: string): UnlockedKey {
    const file = this.read(key.file);
    const seed = openSeed(file.crypto, passphrase, file.public_key);
    if (seed === null) throw new CliError('keystore', 'WrongPassphrase', `The passphrase does not unlock key "${key.name}".`);
    const pair = keyPairFromSeed(seed);
    if (toHex(pair.publicKey) !== file.public_key) {
      throw new CliError('keystore', 'CorruptKey', `Key file ${key.file} holds a seed that does not match its public key.`);
    }
    return { ...key, secretKey: pair.secretKey };
  }

  /** Encrypts and writes a new key; refuses an existing name or an already imported wallet. */
  add(name: string, seed: Uint8Array, passphrase: string): KeyInfo {
    checkKeyName(name);
    const publicKey = toHex(keyPairFromSeed(seed).publicKey);
    const walletId = walletIdFromPublicKey(publicKey);
    if (this.has(name)) throw new CliError('keystore', 'KeyExists', `A key named "${name}" already exists in ${this.dir}.`);
    const same = this.list().find((k) => k.walletId === walletId);
    if (same !== undefined) throw new CliError('keystore', 'KeyExists', `This key is already in the keystore as "${same.name}" (wallet ${walletId}).`);
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    chmodSync(this.dir, 0o700);
    const body: KeyFile = { version: 1, name, wallet_id: walletId, public_key: publicKey, crypto: sealSeed(seed, passphrase, publicKey) };
    const path = this.fileOf(name);
    writeFileSync(path, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(path, 0o600);
    return this.info(body);
  }

  private fileOf(name: string): string {
    return join(this.dir, `${name}.json`);
  }

  private read(path: string): KeyFile {
    try {
      const body = JSON.parse(readFileSync(path, 'utf8')) as KeyFile;
      if (body.version !== 1 || typeof body.public_key !== 'string' || typeof body.crypto !== 'object') throw new Error('not a keystore file');
      return body;
    } catch (err) {
      throw new CliError('keystore', 'CorruptKey', `Key file ${path} is unreadable: ${(err as Error).message}.`);
    }
  }

  private info(file: KeyFile): KeyInfo {
    return { name: file.name, walletId: file.wallet_id, publicKey: file.public_key, file: this.fileOf(file.name) };
  }
}
