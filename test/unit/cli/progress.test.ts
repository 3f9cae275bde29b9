/** The inclusion progress bar: drawn on a terminal only, and cleared when the wait ends. */
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../../src/cli/io.ts';
import { startProgress } from '../../../src/cli/progress.ts';

function io(tty: boolean): { io: CliIo; err: () => string } {
  let err = '';
  return {
    io: {
      stdout: () => undefined, stderr: (t) => { err += t; }, env: {}, stderrIsTTY: tty, stdinIsTTY: false,
      prompt: async () => '', readStdin: async () => '', fetch: globalThis.fetch, homeDir: '/',
    },
    err: () => err,
  };
}

describe('progress bar', () => {
  it('draws and clears on a terminal', async () => {
    const t = io(true);
    const bar = startProgress(t.io, 'waiting', 100);
    await new Promise((r) => setTimeout(r, 250));
    bar.stop();
    expect(t.err()).toMatch(/^\r⏳ waiting \[░{24}\] 0\.0s/);
    expect(t.err()).toContain('█');
    expect(t.err().endsWith('\r\x1b[2K')).toBe(true);
    // it holds below full until the wait ends
    expect(t.err()).not.toContain('█'.repeat(24));
  });

  it('writes nothing when stderr is not a terminal', async () => {
    const t = io(false);
    const bar = startProgress(t.io, 'waiting', 100);
    await new Promise((r) => setTimeout(r, 150));
    bar.stop();
    expect(t.err()).toBe('');
  });
});
