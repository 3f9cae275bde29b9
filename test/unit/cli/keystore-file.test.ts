/**
 * Keystore files are bounded on read (issue 12, item 5): every KDF and cipher field at its limit is
 * accepted, one past it is `CorruptKeyFile` naming the field and its range, before any scrypt work;
 * a file the current writer wrote always reads back and unlocks.
 */
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { generateKeyPair, toHex } from '../../../src/chain/crypto.ts';
import { CliError } from '../../../src/cli/errors.ts';
import { SCRYPT, sealSeed } from '../../../src/cli/keystore/cipher.ts';
import { KEYSTORE_BOUNDS, type KeystoreFile, parseKeystoreFile } from '../../../src/cli/keystore/keystore-file.ts';
import { Keystore } from '../../../src/cli/keystore/keystore.ts';
import type { ModeChange } from '../../../src/node/files/private-mode.ts';
import { removeTempDirs, tempDir } from '../../e2e/cli/harness.ts';
import { errorOf } from '../../support/error-code.ts';

afterAll(removeTempDirs);

const PASSPHRASE = 'bounded passphrase';
const PATH = '/keystore/alice.json';

/** A file as the writer makes it (the KDF run once here, for all the cases). */
const written: KeystoreFile = (() => {
  const dir = tempDir('dchat-keystore-file-');
  const store = new Keystore(dir);
  const info = store.add('alice', generateKeyPair().secretKey, PASSPHRASE);
  return JSON.parse(readFileSync(info.file, 'utf8')) as KeystoreFile;
})();

type Tamper = (file: Record<string, unknown> & { crypto: Record<string, unknown> & { kdfparams: Record<string, unknown> } }) => void;

function tampered(tamper: Tamper): string {
  const copy = structuredClone(written) as unknown as Parameters<Tamper>[0];
  tamper(copy);
  return JSON.stringify(copy);
}

const refusal = (text: string): CliError => errorOf(() => parseKeystoreFile(PATH, text)) as CliError;

const hex = (bytes: number): string => 'ab'.repeat(bytes);

/** [field, a value at its limit, a value past it, what the refusal says is allowed]. */
const BOUNDS: [string, Tamper, Tamper, string][] = [
  ['crypto.kdfparams.n (max)', (f) => void (f.crypto.kdfparams.n = 2 ** 18), (f) => void (f.crypto.kdfparams.n = 2 ** 19), 'a power of two from 2 to 262144'],
  ['crypto.kdfparams.n (min)', (f) => void (f.crypto.kdfparams.n = 2), (f) => void (f.crypto.kdfparams.n = 1), 'a power of two from 2 to 262144'],
  ['crypto.kdfparams.n (power of two)', (f) => void (f.crypto.kdfparams.n = 2 ** 17), (f) => void (f.crypto.kdfparams.n = 2 ** 17 + 1), 'a power of two from 2 to 262144'],
  ['crypto.kdfparams.r (max)', (f) => Object.assign(f.crypto.kdfparams, { n: 1024, r: 16 }), (f) => Object.assign(f.crypto.kdfparams, { n: 1024, r: 17 }), 'an integer from 1 to 16'],
  ['crypto.kdfparams.r (min)', (f) => void (f.crypto.kdfparams.r = 1), (f) => void (f.crypto.kdfparams.r = 0), 'an integer from 1 to 16'],
  ['crypto.kdfparams.p (max)', (f) => Object.assign(f.crypto.kdfparams, { n: 1024, p: 16 }), (f) => Object.assign(f.crypto.kdfparams, { n: 1024, p: 17 }), 'an integer from 1 to 16'],
  ['crypto.kdfparams.p (min)', (f) => void (f.crypto.kdfparams.p = 1), (f) => void (f.crypto.kdfparams.p = 0), 'an integer from 1 to 16'],
  ['crypto.kdfparams n × r × p', (f) => Object.assign(f.crypto.kdfparams, { n: 2 ** 17, r: 16, p: 1 }), (f) => Object.assign(f.crypto.kdfparams, { n: 2 ** 17, r: 16, p: 2 }), 'at most 2097152'],
  ['crypto.kdfparams.dklen', (f) => void (f.crypto.kdfparams.dklen = 32), (f) => void (f.crypto.kdfparams.dklen = 33), '32'],
  ['crypto.kdfparams.salt (max)', (f) => void (f.crypto.kdfparams.salt = hex(64)), (f) => void (f.crypto.kdfparams.salt = hex(65)), '16 to 64 bytes of lowercase hex'],
  ['crypto.kdfparams.salt (min)', (f) => void (f.crypto.kdfparams.salt = hex(16)), (f) => void (f.crypto.kdfparams.salt = hex(15)), '16 to 64 bytes of lowercase hex'],
  ['crypto.iv (max)', (f) => void (f.crypto.iv = hex(12)), (f) => void (f.crypto.iv = hex(13)), '12 bytes of lowercase hex'],
  ['crypto.iv (min)', (f) => void (f.crypto.iv = hex(12)), (f) => void (f.crypto.iv = hex(11)), '12 bytes of lowercase hex'],
  ['crypto.tag', (f) => void (f.crypto.tag = hex(16)), (f) => void (f.crypto.tag = hex(17)), '16 bytes of lowercase hex'],
  ['crypto.ciphertext', (f) => void (f.crypto.ciphertext = hex(32)), (f) => void (f.crypto.ciphertext = hex(33)), '32 bytes of lowercase hex'],
  ['crypto.kdf', (f) => void (f.crypto.kdf = 'scrypt'), (f) => Object.assign(f.crypto, { kdf: 'pbkdf2', kdfparams: { ...f.crypto.kdfparams, c: 2 ** 40 } }), '"scrypt"'],
  ['crypto.cipher', (f) => void (f.crypto.cipher = 'aes-256-gcm'), (f) => void (f.crypto.cipher = 'aes-128-ctr'), '"aes-256-gcm"'],
];

describe('keystore file bounds', () => {
  it('the writer\'s own file reads back (with room: 8 × its scrypt cost fits) and unlocks', () => {
    expect(written.crypto.kdfparams).toMatchObject({ n: SCRYPT.n, r: SCRYPT.r, p: SCRYPT.p, dklen: 32 });
    expect(SCRYPT.n * SCRYPT.r * SCRYPT.p * 8).toBe(KEYSTORE_BOUNDS.cost);
    const text = JSON.stringify(written, null, 2);
    expect(Buffer.byteLength(text)).toBeLessThan(KEYSTORE_BOUNDS.fileBytes / 16);
    expect(parseKeystoreFile(PATH, text)).toEqual(written);
    const dir = tempDir('dchat-keystore-file-');
    const store = new Keystore(dir);
    const seed = generateKeyPair().secretKey;
    const info = store.add('bob', seed, PASSPHRASE);
    expect(toHex(store.unlock(store.find('bob'), PASSPHRASE).secretKey)).toBe(toHex(seed));
    expect(store.find(info.walletId).name).toBe('bob');
  });

  for (const [field, atLimit, pastLimit, allowed] of BOUNDS) {
    it(`${field}: at its limit accepted, past it CorruptKeyFile`, () => {
      expect(parseKeystoreFile(PATH, tampered(atLimit)).crypto).toBeDefined();
      const refused = refusal(tampered(pastLimit));
      expect(refused).toMatchObject({ code: 'CorruptKeyFile', kind: 'keystore' });
      expect(refused.message).toContain(`Key file ${PATH} is corrupt: ${field.replace(/ \(.*\)$/, '')}`);
      expect(refused.message).toContain(`allowed: ${allowed}`);
    });
  }

  it('any value in any KDF or cipher field: either in bounds (so scrypt costs at most 256 MiB, ~1 s) or CorruptKeyFile', () => {
    const field = fc.constantFrom('n', 'r', 'p', 'dklen', 'salt', 'iv', 'tag', 'ciphertext', 'kdf', 'cipher');
    // Weighted to the edges: small integers, powers of two, hex of lengths around each bound, the right names.
    const value = fc.oneof(
      fc.integer({ min: -2, max: 20 }), fc.integer({ min: 0, max: 24 }).map((k) => 2 ** k), fc.integer({ min: 0, max: 2 ** 22 }),
      fc.constantFrom(2 ** 31, 2 ** 53, 1e300, 0.5, Number.NaN, -0, 'scrypt', 'aes-256-gcm', 'pbkdf2', '32'),
      fc.integer({ min: 0, max: 70 }).map((bytes) => 'c3'.repeat(bytes)), fc.uint8Array({ maxLength: 100 }).map((b) => Buffer.from(b).toString('hex').toUpperCase()),
      fc.string({ maxLength: 40 }), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 }), fc.object({ maxDepth: 1 }),
    );
    let accepted = 0;
    let refused = 0;
    fc.assert(fc.property(fc.array(fc.tuple(field, value), { minLength: 1, maxLength: 4 }), (edits) => {
      const text = tampered((f) => {
        for (const [name, v] of edits) {
          if (['n', 'r', 'p', 'dklen', 'salt'].includes(name)) f.crypto.kdfparams[name] = v;
          else f.crypto[name] = v;
        }
      });
      let parsed: KeystoreFile;
      try {
        parsed = parseKeystoreFile(PATH, text);
      } catch (err) {
        expect(err).toBeInstanceOf(CliError);
        expect((err as CliError).code).toBe('CorruptKeyFile');
        refused++;
        return;
      }
      accepted++;
      const { n, r, p, salt } = parsed.crypto.kdfparams;
      expect(n * r * p).toBeLessThanOrEqual(KEYSTORE_BOUNDS.cost);
      expect(128 * n * r).toBeLessThanOrEqual(256 * 1024 * 1024);
      expect([Number.isSafeInteger(n) && (n & (n - 1)) === 0, n >= 2, r >= 1, p >= 1]).toEqual([true, true, true, true]);
      expect([salt.length >= 32 && salt.length <= 128, parsed.crypto.iv.length, parsed.crypto.tag.length, parsed.crypto.ciphertext.length]).toEqual([true, 24, 32, 64]);
    }), { numRuns: 2_000, seed: 12 });
    // Both sides of the property were exercised.
    expect([accepted > 0, refused > 0]).toEqual([true, true]);
  });

  it('a name other than the file\'s own (a path such as ../x) and a wallet id of another key are refused', () => {
    expect(refusal(tampered((f) => void (f.name = '../evil'))).message).toMatch(/name is "\.\.\/evil"; allowed: the file's own name, "alice"/);
    expect(refusal(tampered((f) => void (f.name = 'bob'))).code).toBe('CorruptKeyFile');
    const other = refusal(tampered((f) => void (f.wallet_id = '12345678-1234-5234-9234-1234567890ab')));
    expect(other.message).toContain(`allowed: ${written.wallet_id}, the wallet of public_key`);
    expect(refusal(tampered((f) => void (f.version = 2))).message).toContain('version is 2; allowed: 1');
    expect(refusal('{"version": 1').message).toContain('not JSON');
    expect(refusal('[]').message).toContain('the file must be a JSON object');
  });

  it('the file size: at the limit read, one byte past it refused before it is parsed', () => {
    const dir = tempDir('dchat-keystore-size-');
    const store = new Keystore(dir);
    const info = store.add('alice', generateKeyPair().secretKey, PASSPHRASE);
    const body = readFileSync(info.file, 'utf8');
    writeFileSync(info.file, body.padEnd(KEYSTORE_BOUNDS.fileBytes, ' '));
    expect(store.list().map((k) => k.name)).toEqual(['alice']);
    writeFileSync(info.file, body.padEnd(KEYSTORE_BOUNDS.fileBytes + 1, ' '));
    const error = errorOf(() => store.list());
    expect(error.code).toBe('CorruptKeyFile');
    expect(error.message).toContain(`more than the ${KEYSTORE_BOUNDS.fileBytes} such a file may hold`);
  });

  it('an unlock of a tampered file is CorruptKeyFile, not WrongPassphrase, and runs no scrypt (p = 2^14 would take about 15 minutes)', () => {
    const dir = tempDir('dchat-keystore-unlock-');
    const store = new Keystore(dir);
    const info = store.add('alice', generateKeyPair().secretKey, PASSPHRASE);
    const file = JSON.parse(readFileSync(info.file, 'utf8')) as KeystoreFile;
    writeFileSync(info.file, JSON.stringify({ ...file, crypto: { ...file.crypto, kdfparams: { ...file.crypto.kdfparams, p: 2 ** 14 } } }));
    expect(() => store.unlock(info, PASSPHRASE)).toThrow(expect.objectContaining({ code: 'CorruptKeyFile', message: expect.stringContaining('crypto.kdfparams.p is 16384; allowed: an integer from 1 to 16') }));
    writeFileSync(info.file, JSON.stringify(file));
    expect(() => store.unlock(info, 'not it')).toThrow(expect.objectContaining({ code: 'WrongPassphrase' }));
    const swapped = { ...file, crypto: { ...file.crypto, ciphertext: (file.crypto.ciphertext[0] === '0' ? '1' : '0') + file.crypto.ciphertext.slice(1) } };
    writeFileSync(info.file, JSON.stringify(swapped));
    // A flipped ciphertext byte is in bounds: GCM cannot tell it from a wrong passphrase.
    expect(() => store.unlock(info, PASSPHRASE)).toThrow(expect.objectContaining({ code: 'WrongPassphrase' }));
  });

  it('an unlock closes a keystore dir (0755) and key file (0644) to group and others, and says so', () => {
    const dir = tempDir('dchat-keystore-modes-');
    const changes: ModeChange[] = [];
    const store = new Keystore(join(dir, 'keystore'), (change) => changes.push(change));
    const info = store.add('alice', generateKeyPair().secretKey, PASSPHRASE);
    chmodSync(store.dir, 0o755);
    chmodSync(info.file, 0o644);
    store.unlock(info, PASSPHRASE);
    expect(statSync(store.dir).mode & 0o777).toBe(0o700);
    expect(statSync(info.file).mode & 0o777).toBe(0o600);
    expect(changes).toEqual([{ path: store.dir, from: '755', to: '700' }, { path: info.file, from: '644', to: '600' }]);
    store.unlock(info, PASSPHRASE);
    expect(changes.length).toBe(2);
  });
});
