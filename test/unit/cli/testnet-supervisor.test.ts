/**
 * The testnet supervisor restarts a node that exits, gives up (saying why and how to start it by
 * hand) after RESTART_LIMIT exits within the window, and stopAll stops the current process of
 * every node, restarted ones included. A node's output is prefixed by whole lines, whatever the
 * pipe's chunks.
 */
import { describe, expect, it } from 'vitest';
import { LinePrefixer, NodeSupervisor, RESTART_LIMIT } from '../../../src/cli/testnet-supervisor.ts';

const until = async (what: string, check: () => boolean): Promise<void> => {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
  if (!check()) throw new Error(`never: ${what}`);
};

describe('NodeSupervisor', () => {
  it(`restarts a node that keeps exiting ${RESTART_LIMIT} times, then stops and says how to start it by hand`, async () => {
    const lines: string[] = [];
    const supervisor = new NodeSupervisor((l) => lines.push(l), { restartDelayMs: 10 });
    supervisor.start({ name: 'node0', command: [process.execPath, '-e', 'process.exit(3)'], handRestart: 'dchat start --data-dir d0' });
    await until('the give-up line', () => lines.some((l) => l.includes('not restarting it')));
    expect(lines.filter((l) => l.includes('restarted (pid'))).toHaveLength(RESTART_LIMIT);
    expect(lines).toContain('[node0] exited (code 3); restarting it in 0.01 s (restart 1 of at most 3 within 60 s).');
    expect(lines.at(-1)).toBe('[node0] to start it by hand once fixed: dchat start --data-dir d0');
    expect(supervisor.pid('node0')).toBeUndefined();
  });

  it('a killed node comes back with a new pid, and stopAll stops that one', async () => {
    const lines: string[] = [];
    const supervisor = new NodeSupervisor((l) => lines.push(l), { restartDelayMs: 10 });
    supervisor.start({ name: 'node1', command: [process.execPath, '-e', 'setInterval(() => {}, 1000)'], handRestart: '-' });
    const first = supervisor.pid('node1')!;
    process.kill(first, 'SIGKILL');
    await until('a new process', () => supervisor.pid('node1') !== undefined && supervisor.pid('node1') !== first);
    const second = supervisor.pid('node1')!;
    expect(await supervisor.stopAll()).toBe(1);
    expect(() => process.kill(second, 0)).toThrow();
    expect(lines.some((l) => l.startsWith('[node1] exited (SIGKILL); restarting it'))).toBe(true);
  });

  it('prefixes whole lines: a line (or a UTF-8 character) split across chunks comes out once, whole', () => {
    const lines: string[] = [];
    const prefixer = new LinePrefixer('[node2] ', (l) => lines.push(l));
    const text = Buffer.from('{"msg":"first"}\n{"msg":"sécond"}\n\n{"msg":"last, no newline"}');
    const cut = text.indexOf('é') + 1; // inside the two bytes of é
    prefixer.push(text.subarray(0, 5));
    prefixer.push(text.subarray(5, cut));
    prefixer.push(text.subarray(cut));
    expect(lines.join('\n').split('\n')).toEqual(['[node2] {"msg":"first"}', '[node2] {"msg":"sécond"}']);
    prefixer.flush();
    expect(lines.at(-1)).toBe('[node2] {"msg":"last, no newline"}');
  });
});
