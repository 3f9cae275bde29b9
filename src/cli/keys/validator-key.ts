/**
 * `dchat keys new --validator`: a validator key file, the plain JSON (0600) that `dchat start
 * --validator-key` reads (src/node/key-files.ts). It is not in the encrypted keystore: a validator
 * signs every slot unattended, so no one is there to type a passphrase. An existing file is never
 * overwritten: it may be the key of a validator in the set.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { generateKeyPair } from '../../chain/crypto.ts';
import { type NodeKey, readKeyFile, writeKeyFile } from '../../node/key-files.ts';
import { CliError } from '../errors.ts';

export function newValidatorKeyFile(path: string): NodeKey & { readonly file: string } {
  const file = resolve(path);
  if (existsSync(file)) throw new CliError('keystore', 'KeyExists', `${file} already exists: a validator key is never overwritten (choose another --out).`);
  writeKeyFile(file, generateKeyPair(), 'validator');
  return { ...readKeyFile(file), file };
}
