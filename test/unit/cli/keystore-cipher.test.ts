/** The keystore's encryption at rest: scrypt + AES-256-GCM, the public key bound as associated data. */
import { describe, expect, it } from 'vitest';
import { generateKeyPair, toHex } from '../../../src/chain/crypto.ts';
import { SCRYPT, openSeed, sealSeed } from '../../../src/cli/keystore/cipher.ts';

describe('keystore cipher', () => {
  const pair = generateKeyPair();
  const pub = toHex(pair.publicKey);
  const sealed = sealSeed(pair.secretKey, 'pass phrase', pub);

  it('round-trips with the passphrase and hides the seed', () => {
    expect(sealed).toMatchObject({ kdf: 'scrypt', cipher: 'aes-256-gcm', kdfparams: { n: SCRYPT.n, r: 8, p: 1, dklen: 32 } });
    expect(JSON.stringify(sealed)).not.toContain(toHex(pair.secretKey));
    expect(toHex(openSeed(sealed, 'pass phrase', pub)!)).toBe(toHex(pair.secretKey));
  });

  it('fails closed on a wrong passphrase, a swapped public key or a flipped byte', () => {
    expect(openSeed(sealed, 'pass phrasE', pub)).toBeNull();
    expect(openSeed(sealed, 'pass phrase', toHex(generateKeyPair().publicKey))).toBeNull();
    const flipped = { ...sealed, ciphertext: (sealed.ciphertext[0] === '0' ? '1' : '0') + sealed.ciphertext.slice(1) };
    expect(openSeed(flipped, 'pass phrase', pub)).toBeNull();
  });

  it('salts every file: the same seed and passphrase seal differently', () => {
    const again = sealSeed(pair.secretKey, 'pass phrase', pub);
    expect(again.ciphertext).not.toBe(sealed.ciphertext);
    expect(again.kdfparams.salt).not.toBe(sealed.kdfparams.salt);
  });
});
