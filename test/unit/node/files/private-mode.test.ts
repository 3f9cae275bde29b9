/**
 * Private paths are closed to group and others (issue 12, item 5): a data dir made 0755 becomes 0700
 * and a key file 0644 becomes 0600 (tightened, not refused: the node keeps running, and the change
 * is logged), and a path this user cannot chmod (someone else's, a read-only mount) is refused with
 * UnsafePermissions saying what to run. These tests run as root here, so that refusal is forced
 * through a chmodSync that fails with EPERM, as it does for a non-owner.
 */
import * as fs from 'node:fs';
import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { secureDataDir } from '../../../../src/node/files/secure-data-dir.ts';
import { describeModeChange, tightenMode } from '../../../../src/node/files/private-mode.ts';
import { errorOf } from '../../../support/error-code.ts';
import { removeTempDirs, tempDir } from '../../../e2e/cli/harness.ts';

/** Paths whose chmod fails as it would for a user who does not own them. */
const notOurs = new Set<string>();
/** Paths this user may not read or write (access fails as for another user's 0700 dir). */
const noAccess = new Set<string>();

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof fs>();
  return {
    ...real,
    chmodSync: (path: fs.PathLike, mode: fs.Mode) => {
      if (notOurs.has(String(path))) throw Object.assign(new Error(`EPERM: operation not permitted, chmod '${String(path)}'`), { code: 'EPERM' });
      return real.chmodSync(path, mode);
    },
    accessSync: (path: fs.PathLike, mode?: number) => {
      if (noAccess.has(String(path))) throw Object.assign(new Error(`EACCES: permission denied, access '${String(path)}'`), { code: 'EACCES' });
      return real.accessSync(path, mode);
    },
  };
});

afterAll(removeTempDirs);

const mode = (path: string): string => (statSync(path).mode & 0o777).toString(8);

describe('private modes', () => {
  it('a dir 0755 becomes 0700, a file 0644 becomes 0600; one already closed is left as it is', () => {
    const dir = tempDir('dchat-modes-');
    const file = join(dir, 'key.json');
    writeFileSync(file, '{}');
    chmodSync(dir, 0o755);
    chmodSync(file, 0o644);
    expect(tightenMode(dir, 0o700)).toEqual({ path: dir, from: '755', to: '700' });
    expect(tightenMode(file, 0o600)).toEqual({ path: file, from: '644', to: '600' });
    expect([mode(dir), mode(file)]).toEqual(['700', '600']);
    expect(tightenMode(dir, 0o700)).toBeNull();
    chmodSync(file, 0o400);
    expect(tightenMode(file, 0o600)).toBeNull();
    expect(mode(file)).toBe('400');
    expect(describeModeChange({ path: dir, from: '755', to: '700' })).toBe(`${dir} was mode 755 (open to group or others); tightened to 700`);
  });

  it('a path this user cannot chmod is refused with UnsafePermissions and what to run', () => {
    const dir = tempDir('dchat-modes-');
    chmodSync(dir, 0o750);
    notOurs.add(dir);
    const refused = errorOf(() => tightenMode(dir, 0o700));
    notOurs.delete(dir);
    expect(refused.code).toBe('UnsafePermissions');
    expect(refused.message).toContain(`${dir} is open to group or others (mode 750, owner uid ${statSync(dir).uid})`);
    expect(refused.message).toContain(`cannot tighten it to 700 (EPERM): run \`chmod 700 ${dir}\` as its owner`);
    expect(mode(dir)).toBe('750');
  });

  it('secureDataDir: creates the chain dir 0700, tightens the data, keys and keystore dirs and every key file in them', () => {
    const dataDir = join(tempDir('dchat-secure-'), 'data');
    const elsewhere = join(tempDir('dchat-secure-'), 'validator.json');
    mkdirSync(join(dataDir, 'keys'), { recursive: true });
    mkdirSync(join(dataDir, 'keystore'));
    for (const file of ['keys/dev.json', 'keystore/alice.json', 'p2p-key']) writeFileSync(join(dataDir, file), '{}', { mode: 0o644 });
    writeFileSync(elsewhere, '{}', { mode: 0o640 });
    writeFileSync(join(dataDir, 'genesis.json'), '{}', { mode: 0o644 });
    for (const dir of [dataDir, join(dataDir, 'keys'), join(dataDir, 'keystore')]) chmodSync(dir, 0o755);
    chmodSync(join(dataDir, 'keys/dev.json'), 0o644);

    const changes = secureDataDir(dataDir, [elsewhere]);
    expect(changes.map((c) => [c.path.replace(dataDir, '<data>'), c.from, c.to])).toEqual([
      ['<data>', '755', '700'],
      ['<data>/keys', '755', '700'],
      ['<data>/keys/dev.json', '644', '600'],
      ['<data>/keystore', '755', '700'],
      ['<data>/keystore/alice.json', '644', '600'],
      ['<data>/p2p-key', '644', '600'],
      [elsewhere, '640', '600'],
    ]);
    expect(mode(join(dataDir, 'chain'))).toBe('700');
    // The genesis is public: its mode is not this module's business.
    expect(mode(join(dataDir, 'genesis.json'))).toBe('644');
    expect(secureDataDir(dataDir, [elsewhere])).toEqual([]);
  });

  it('secureDataDir refuses a chain dir this user may not use (another user\'s, 0700) by name, before LevelDB tries it', () => {
    const dataDir = tempDir('dchat-secure-');
    const chainDir = join(dataDir, 'chain');
    mkdirSync(chainDir, { mode: 0o700 });
    noAccess.add(chainDir);
    const refused = errorOf(() => secureDataDir(dataDir));
    noAccess.delete(chainDir);
    expect(refused.code).toBe('InvalidConfig');
    expect(refused.message).toMatch(new RegExp(`^${chainDir} is not readable and writable by this user \\(uid \\d+; owner uid \\d+, mode 700\\): \`chown -R\` the data dir`));
  });

  it('secureDataDir on a fresh path creates it and its chain dir 0700, even under umask 000', () => {
    const previous = process.umask(0o000);
    try {
      const dataDir = join(tempDir('dchat-secure-'), 'a', 'b');
      expect(secureDataDir(dataDir)).toEqual([]);
      expect([mode(join(dataDir)), mode(join(dataDir, 'chain'))]).toEqual(['700', '700']);
      expect(existsSync(join(dataDir, 'keys'))).toBe(false);
    } finally {
      process.umask(previous);
    }
  });
});
