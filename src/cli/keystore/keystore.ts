/**
 * The user keystore: one JSON file per key under <data-dir>/keystore, the seed encrypted
 * (cipher.ts), the public key and wallet id in clear so that listing keys and choosing a signer
 * need no passphrase. Directory 0700, files 0600; a key file is never overwritten.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { keyPairFromSeed, toHex } from '../../chain/crypto.ts';
import { ChainError } from '../../chain/errors.ts';
import { readBoundedFile } from '../../node/files/bounded-read.ts';
import { type ModeChange, PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, tightenMode } from '../../node/files/private-mode.ts';
import { isUuid, walletIdFromPublicKey } from '../../tokenomics/index.ts';
import { CliError, usageError } from '../errors.ts';
import { openSeed, sealSeed } from './cipher.ts';
import { KEYSTORE_BOUNDS, KEY_NAME, type KeystoreFile, corruptKeyFile, parseKeystoreFile } from './keystore-file.ts';

export interface KeyInfo {
  readonly name: string;
  readonly walletId: string;
  readonly publicKey: string;
  readonly file: string;
}

export interface UnlockedKey extends KeyInfo {
  readonly secretKey: Uint8Array;
}

export function checkKeyName(name: string): string {
  if (!KEY_NAME.test(name)) {
    throw usageError('InvalidKeyName', `Key name "${name}" must be 1-64 letters, digits, dots, dashes or underscores, starting with a letter or digit.`);
  }
  return name;
}

export class Keystore {
  readonly dir: string;
  private readonly onModeChange: (change: ModeChange) => void;

  /** `onModeChange` hears of every directory or key file this keystore had to close to group/others. */
  constructor(dir: string, onModeChange: (change: ModeChange) => void = () => undefined) {
    this.dir = dir;
    this.onModeChange = onModeChange;
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
    this.tighten(this.dir, PRIVATE_DIR_MODE);
    this.tighten(key.file, PRIVATE_FILE_MODE);
    const seed = openSeed(file.crypto, passphrase, file.public_key);
    if (seed === null) throw new CliError('keystore', 'WrongPassphrase', `The passphrase does not unlock key "${key.name}".`);
    const pair = keyPairFromSeed(seed);
    if (toHex(pair.publicKey) !== file.public_key) {
      throw corruptKeyFile(key.file, 'its seed does not match its public_key');
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
    this.tighten(this.dir, PRIVATE_DIR_MODE);
    const body: KeystoreFile = { version: 1, name, wallet_id: walletId, public_key: publicKey, crypto: sealSeed(seed, passphrase, publicKey) };
    const path = this.fileOf(name);
    writeFileSync(path, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(path, 0o600);
    return this.info(body);
  }

  /** A keystore dir or file open to group/others (an older version, a copy, a loose umask) is closed before its seed is used. */
  private tighten(path: string, mode: typeof PRIVATE_DIR_MODE | typeof PRIVATE_FILE_MODE): void {
    let change: ModeChange | null;
    try {
      change = tightenMode(path, mode);
    } catch (err) {
      if (err instanceof ChainError) throw new CliError('keystore', err.code, err.message);
      throw err;
    }
    if (change !== null) this.onModeChange(change);
  }

  private fileOf(name: string): string {
    return join(this.dir, `${name}.json`);
  }

  /** The file, size-bounded and every field checked (keystore-file.ts) before anything uses it. */
  private read(path: string): KeystoreFile {
    let text: string;
    try {
      text = readBoundedFile(path, KEYSTORE_BOUNDS.fileBytes).toString('utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== undefined) throw new CliError('keystore', 'UnreadableKeyFile', `Key file ${path} is unreadable: ${(err as Error).message}.`);
      throw corruptKeyFile(path, (err as Error).message);
    }
    return parseKeystoreFile(path, text);
  }

  private info(file: KeystoreFile): KeyInfo {
    return { name: file.name, walletId: file.wallet_id, publicKey: file.public_key, file: this.fileOf(file.name) };
  }
}
