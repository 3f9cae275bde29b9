/**
 * The state sync bench's kept source (`--statesync-source=<dir>`): built into an empty folder,
 * reused by a run of the same sizes, and a folder of other sizes or other files is refused rather
 * than overwritten.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture } from '../../scripts/bench/fixtures.ts';
import { SNAPSHOT_DIR, SOURCE_FILE, keptSource, readBlocks } from '../../scripts/bench/statesync-source.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'dchat-bench-source-'));
  dirs.push(dir);
  return dir;
};

describe('state sync bench source', () => {
  it('builds into an empty folder, is reused for the same sizes, and refuses other sizes or files', async () => {
    const f = await fixture(4);
    const sizes = { blocks: 3, accounts: 12, senders: 4 };
    const dir = join(tempDir(), 'source');
    const built = await keptSource(f, dir, sizes);
    expect(built.reused).toBe(false);
    expect(built.source.transfers).toBe(12);
    expect(await readBlocks(dir)).toHaveLength(3);
    expect(readdirSync(dir).sort()).toEqual(['blocks.bin', SNAPSHOT_DIR, SOURCE_FILE].sort());

    const again = await keptSource(f, dir, sizes);
    expect(again.reused).toBe(true);
    expect(again.source).toEqual(built.source);

    await expect(keptSource(f, dir, { ...sizes, accounts: 13 })).rejects.toThrow(/holds a source of/);
    const foreign = tempDir();
    writeFileSync(join(foreign, 'notes.txt'), 'mine');
    await expect(keptSource(f, foreign, sizes)).rejects.toThrow(/neither empty nor/);
    expect(readdirSync(foreign)).toEqual(['notes.txt']);
  });
});
