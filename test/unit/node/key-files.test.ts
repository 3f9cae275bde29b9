/**
 * Node key files (validator, authority, dev wallet) and the p2p key are read without trusting them:
 * size-bounded before parsing (at the limit read, one byte past it refused), not a regular file
 * refused, and a public key that is not the seed's refused, all as CorruptKeyFile (issue 12, item 5).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateKeyPair, toHex } from '../../../src/chain/crypto.ts';
import { NODE_KEY_FILE_MAX_BYTES, readKeyFile, writeKeyFile } from '../../../src/node/key-files.ts';
import { loadOrCreateP2pKey, readP2pKey } from '../../../src/node/network/p2p-key.ts';
import { codeOf, errorOf } from '../../support/error-code.ts';
import { removeTempDirs, tempDir } from '../../e2e/cli/harness.ts';

afterAll(removeTempDirs);

describe('node key files', () => {
  it('what writeKeyFile writes reads back as the same key', () => {
    const path = join(tempDir('dchat-nodekey-'), 'keys', 'validator.json');
    const pair = generateKeyPair();
    writeKeyFile(path, pair, 'validator');
    expect(toHex(readKeyFile(path).secretKey)).toBe(toHex(pair.secretKey));
    expect(readFileSync(path).length).toBeLessThan(NODE_KEY_FILE_MAX_BYTES / 8);
  });

  it('size: at the limit read, one byte past it CorruptKeyFile; /dev/zero and a directory are not key files', () => {
    const dir = tempDir('dchat-nodekey-');
    const path = join(dir, 'validator.json');
    writeKeyFile(path, generateKeyPair(), 'validator');
    const body = readFileSync(path, 'utf8');
    writeFileSync(path, body.padEnd(NODE_KEY_FILE_MAX_BYTES, ' '));
    expect(readKeyFile(path).publicKeyHex).toMatch(/^[0-9a-f]{64}$/);
    writeFileSync(path, body.padEnd(NODE_KEY_FILE_MAX_BYTES + 1, ' '));
    const tooBig = errorOf(() => readKeyFile(path));
    expect(tooBig.code).toBe('CorruptKeyFile');
    expect(tooBig.message).toBe(`Key file ${path} is not a dchat key file: it is ${NODE_KEY_FILE_MAX_BYTES + 1} bytes, more than the ${NODE_KEY_FILE_MAX_BYTES} such a file may hold.`);
    expect(errorOf(() => readKeyFile('/dev/zero')).message).toContain('not a regular file');
    expect(codeOf(() => readKeyFile(dir))).toBe('CorruptKeyFile');
    expect(codeOf(() => readKeyFile(join(dir, 'missing.json')))).toBe('InvalidConfig');
  });

  it('content: not JSON, no seed, or a public key that is not the seed\'s is CorruptKeyFile', () => {
    const dir = tempDir('dchat-nodekey-');
    const path = join(dir, 'k.json');
    const other = toHex(generateKeyPair().publicKey);
    const pair = generateKeyPair();
    const cases: [string, string][] = [
      ['{"secret_seed": 4', 'not JSON'],
      ['null', 'not a JSON object'],
      ['{"secret_seed": "ab"}', 'secret_seed must be 64 hex characters'],
      [JSON.stringify({ secret_seed: toHex(pair.secretKey), public_key: other }), 'public_key is not the public key of secret_seed'],
    ];
    for (const [text, says] of cases) {
      writeFileSync(path, text);
      const refused = errorOf(() => readKeyFile(path));
      expect(refused.code, text).toBe('CorruptKeyFile');
      expect(refused.message).toContain(says);
      expect(refused.message).not.toContain(toHex(pair.secretKey));
    }
  });

  it('the p2p key: the one a node creates reads back; a file past 4 KiB is refused unread', async () => {
    const path = join(tempDir('dchat-p2pkey-'), 'p2p-key');
    const key = await loadOrCreateP2pKey(path);
    expect(readP2pKey(path).equals(key)).toBe(true);
    writeFileSync(path, Buffer.alloc(4_097));
    expect(errorOf(() => readP2pKey(path)).message).toContain('more than the 4096 such a file may hold');
  });
});
