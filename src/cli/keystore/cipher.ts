/**
 * Encryption of a 32-byte ed25519 seed at rest: scrypt derives a key from the passphrase, AES-256-GCM
 * seals the seed, and the public key is authenticated as associated data so a file whose public key
 * was swapped does not decrypt. Only node:crypto.
 */
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';

export interface SealedSeed {
  readonly kdf: 'scrypt';
  readonly kdfparams: { readonly n: number; readonly r: number; readonly p: number; readonly dklen: 32; readonly salt: string };
  readonly cipher: 'aes-256-gcm';
  readonly iv: string;
  readonly ciphertext: string;
  readonly tag: string;
}

/**
 * N = 2^15, r = 8: about 32 MiB and ~100 ms per unlock, the interactive setting scrypt's author
 * recommends; cheap for a user, expensive for someone guessing passphrases of a stolen file.
 */
export const SCRYPT = { n: 1 << 15, r: 8, p: 1 } as const;

function deriveKey(passphrase: string, params: SealedSeed['kdfparams']): Buffer {
  const { n, r, p } = params;
  return scryptSync(passphrase.normalize('NFKC'), Buffer.from(params.salt, 'hex'), 32, { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 });
}

export function sealSeed(seed: Uint8Array, passphrase: string, publicKeyHex: string): SealedSeed {
  const kdfparams = { ...SCRYPT, dklen: 32 as const, salt: randomBytes(32).toString('hex') };
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', deriveKey(passphrase, kdfparams), iv);
  cipher.setAAD(Buffer.from(publicKeyHex, 'hex'));
  const ciphertext = Buffer.concat([cipher.update(seed), cipher.final()]);
  return { kdf: 'scrypt', kdfparams, cipher: 'aes-256-gcm', iv: iv.toString('hex'), ciphertext: ciphertext.toString('hex'), tag: cipher.getAuthTag().toString('hex') };
}

/**
 * The seed, or null when the passphrase (or the file) is wrong: GCM authentication failed. `sealed`
 * must have been checked against KEYSTORE_BOUNDS (keystore-file.ts): scrypt runs with its
 * parameters, so an error from scrypt itself is thrown, never reported as a wrong passphrase.
 */
export function openSeed(sealed: SealedSeed, passphrase: string, publicKeyHex: string): Uint8Array | null {
  const key = deriveKey(passphrase, sealed.kdfparams);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'hex'));
    decipher.setAAD(Buffer.from(publicKeyHex, 'hex'));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'hex'));
    return Uint8Array.from(Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'hex')), decipher.final()]));
  } catch {
    return null;
  }
}
