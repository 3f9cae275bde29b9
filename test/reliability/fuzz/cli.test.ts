/**
 * Fuzz suite, CLI: random argv into the `dchat` parser and commands, in-process (`run(argv, io)`),
 * with the node at a closed loopback port. The grammar comes from the CLI's own --help output
 * (every command group, subcommand, option and positional argument), so new commands are fuzzed
 * without touching this file; arguments are drawn from valid values, near-misses and garbage, and
 * some argv are shuffled, truncated or made of random words. Only the client commands are fuzzed
 * (`start`, `testnet` and `simulate` run a node or a year-long simulation; they are left out).
 *
 * Every run must return (never throw) with a documented exit code: 0 (ok, e.g. --help or a local
 * keystore command), 2 (usage), 4 (node unreachable) or 5 (keystore); never 1 (unexpected) and,
 * with no node to answer, never 3 or 6. A non-zero exit prints `error <Code>: <sentence>` (or, for a
 * command group given without its subcommand, its usage). All I/O
 * stays in a temp dir (data dir, home and the working directory), and HTTP to any other address is
 * refused by the test's fetch as if nothing listened there.
 *
 * max(200, DCHAT_FUZZ_CASES / 20) argv.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../../src/chain/crypto.ts';
import type { CliIo } from '../../../src/cli/io.ts';
import { run } from '../../../src/cli/run.ts';
import { writeKeyFile } from '../../../src/node/key-files.ts';
import { SYSTEM_ACCOUNTS } from '../../../src/tokenomics/index.ts';
import { closedPort } from '../../e2e/cli/harness.ts';
import { envCount, writeReport } from '../support/report.ts';
import { Rng } from '../support/rng.ts';
import { newStats, record, refuse } from './fuzz-lib.ts';

const CASES = Math.max(200, Math.floor(envCount('DCHAT_FUZZ_CASES', 2_000) / 20));
const seed = Rng.fromEnv('DCHAT_FUZZ_SEED', 1).seed;
const EXCLUDED = new Set(['start', 'testnet', 'simulate', 'help']);
const ALLOWED_EXITS = new Set([0, 2, 4, 5]);

interface Option {
  readonly flag: string;
  readonly value: string | null;
}

interface Command {
  readonly path: string[];
  readonly options: Option[];
  readonly positionals: string[];
}

let dir: string;
let nodeUrl: string;
let commands: Command[] = [];
const files: string[] = [];
let outsideRequests = 0;

function io(env: Record<string, string | undefined>, out: { stdout: string; stderr: string; requests: string[] }): CliIo {
  return {
    stdout: (t) => void (out.stdout += t),
    stderr: (t) => void (out.stderr += t),
    env: { DCHAT_NODE: nodeUrl, DCHAT_DATA_DIR: dir, ...env },
    stderrIsTTY: false,
    stdinIsTTY: false,
    prompt: async () => '',
    readStdin: async () => '',
    fetch: (input, init) => {
      const url = new URL(String(input instanceof Request ? input.url : input));
      out.requests.push(url.href);
      if (url.origin !== new URL(nodeUrl).origin) {
        outsideRequests++;
        return Promise.reject(Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) }));
      }
      return fetch(input, init);
    },
    homeDir: dir,
  };
}

async function cli(argv: string[], env: Record<string, string | undefined> = { DCHAT_KEYSTORE_PASSPHRASE: 'fuzz passphrase' }) {
  const out = { stdout: '', stderr: '', requests: [] as string[] };
  const code = await run(argv, io(env, out));
  return { code, ...out };
}

/** The command tree, from the CLI's own help pages. */
async function discover(path: string[] = []): Promise<Command[]> {
  const help = (await cli([...path, '--help'])).stdout;
  const section = (name: string): string[] => {
    const start = help.indexOf(`${name}:\n`);
    if (start < 0) return [];
    const lines = help.slice(start + name.length + 2).split('\n');
    const end = lines.findIndex((l) => l.trim() === '' || /^\S/.test(l));
    return lines.slice(0, end < 0 ? undefined : end);
  };
  const subcommands = section('Commands').map((l) => /^ {2}(\S+)/.exec(l)?.[1]).filter((n): n is string => n !== undefined && !EXCLUDED.has(n));
  if (path.length > 0 && subcommands.length === 0) {
    const usage = /^Usage: dchat (.*)$/m.exec(help)?.[1] ?? '';
    const options = section('Options')
      .map((l) => /^ {2}(?:-\w, )?(--[\w-]+)(?: [<[]([^>\]]+)[>\]])?/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null && m[1] !== '--help')
      .map((m) => ({ flag: m[1]!, value: m[2] ?? null }));
    const positionals = [...usage.matchAll(/<([^>]+)>/g)].map((m) => m[1]!);
    return [{ path, options, positionals }];
  }
  const found: Command[] = [];
  for (const sub of subcommands) found.push(...(await discover([...path, sub])));
  return found;
}

const cwd = process.cwd();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dchat-clifuzz-'));
  // A relative --data-dir or --file (say "--json", taken as the option's value) lands in here.
  process.chdir(dir);
  nodeUrl = `http://127.0.0.1:${await closedPort()}`;
  commands = await discover();
  // Something to find in the keystore and on disk: a named key, a node key file, a broken file.
  expect((await cli(['keys', 'new', '--name', 'fuzz'])).code).toBe(0);
  const keyFile = join(dir, 'node-key.json');
  writeKeyFile(keyFile, generateKeyPair(), 'fuzz');
  const broken = join(dir, 'broken.json');
  writeFileSync(broken, '{"secret_seed": 42');
  files.push(keyFile, broken, join(dir, 'missing.json'), dir);
});

afterAll(() => {
  process.chdir(cwd);
  rmSync(dir, { recursive: true, force: true });
});

const WORDS = [
  '', ' ', '-', '--', '---', '-x', '--x', '--json', '--help', '-h', '--node', '--from', 'fuzz', 'dev', 'authority', '0', '1', '-1', '1.5', '1e9', '0x10',
  '18446744073709551615', '18446744073709551616', '999999999999999999999999999', 'NaN', 'Infinity', 'null', 'true', '[]', '{}', '__proto__', 'constructor',
  '12345678-1234-1234-1234-1234567890ab', '00000000-0000-0000-0000-000000000000', 'not-a-uuid', '%s%s%n', '\u0000', '\ud800', 'é☕', 'a'.repeat(3_000),
  ...SYSTEM_ACCOUNTS, 'airdrop', 'marketplace', 'governance', 'block-reward', 'inflation', 'genesis', 'voluntary', 'deflation', 'treasury',
  'validators', 'relays', 'dev-fund', 'active', 'escrowed', 'ab'.repeat(32), 'zz'.repeat(32), 'ab'.repeat(31),
];

function valueFor(rng: Rng, placeholder: string): string {
  const roll = rng.next();
  if (roll < 0.5) {
    const name = placeholder.toLowerCase();
    if (name.includes('url')) return rng.pick([nodeUrl, `${nodeUrl}/`, 'http://127.0.0.1:0', 'ftp://x', 'not a url', 'http://[::1', 'http://example.invalid:7545']);
    if (name.includes('dir')) return rng.pick([dir, join(dir, 'sub'), '', '\u0000x']);
    if (name.includes('path') || name.includes('file')) return rng.pick(files);
    if (name.includes('key') || name.includes('from')) return rng.pick(['fuzz', 'nope', '12345678-1234-1234-1234-1234567890ab', '']);
    if (name.includes('hex') || name.includes('seed')) return rng.pick(['ab'.repeat(32), 'ab'.repeat(31), 'zz'.repeat(32), '']);
    return rng.pick(['1', '5', '100', '1000', '0', '20', '10000', '12345678-1234-1234-1234-1234567890ab', 'treasury', 'airdrop', 'x']);
  }
  return rng.pick(WORDS);
}

function argvFor(rng: Rng): string[] {
  if (rng.chance(0.1)) return Array.from({ length: rng.int(6) }, () => rng.pick([...WORDS, ...commands.flatMap((c) => c.path)]));
  const command = rng.pick(commands);
  const argv = [...command.path];
  for (const p of command.positionals) if (rng.chance(0.8)) argv.push(valueFor(rng, p));
  for (const option of command.options) {
    if (!rng.chance(0.5)) continue;
    argv.push(option.flag);
    if (option.value !== null && rng.chance(0.95)) argv.push(valueFor(rng, option.value));
    if (rng.chance(0.05)) argv.push(option.flag, valueFor(rng, option.value ?? 'x'));
  }
  if (rng.chance(0.1)) argv.push(rng.pick(WORDS));
  if (rng.chance(0.05)) argv.push('--unknown-option');
  if (rng.chance(0.1)) argv.splice(rng.int(argv.length), 1);
  if (rng.chance(0.05)) argv.reverse();
  return argv;
}

describe(`CLI under fuzz (${CASES} argv)`, () => {
  it('every argv ends with a documented exit code and an error line, no request leaves the closed port', async () => {
    expect(commands.length).toBeGreaterThan(30);
    const rng = new Rng(seed + 401);
    const stats = newStats('cli run(argv)');
    const started = performance.now();
    for (let i = 0; i < CASES; i++) {
      const argv = argvFor(rng);
      const env = rng.chance(0.85) ? { DCHAT_KEYSTORE_PASSPHRASE: rng.chance(0.9) ? 'fuzz passphrase' : 'wrong' } : {};
      const label = JSON.stringify(argv).slice(0, 1_500);
      try {
        const result = await cli(argv, env);
        if (!ALLOWED_EXITS.has(result.code)) throw new Error(`exit ${result.code}: ${result.stderr.slice(0, 400)}`);
        // A command group without its subcommand (`dchat`, `dchat token`) prints its usage instead.
        const usage = result.code === 2 && result.stderr.startsWith('Usage: dchat');
        if (result.code !== 0 && !usage && !/^error [A-Za-z][\w-]*: \S/m.test(result.stderr)) throw new Error(`exit ${result.code} without an error line: ${JSON.stringify(result.stderr.slice(0, 300))}`);
        const errorCode = /^error ([A-Za-z][\w-]*):/m.exec(result.stderr)?.[1] ?? 'Usage';
        if (result.code === 0) record(stats, label, { ok: true }, () => null);
        else refuse(stats, `exit ${result.code} ${errorCode}`);
      } catch (error) {
        record(stats, label, { ok: false, error }, () => null);
      }
    }
    stats.ms = Math.round(performance.now() - started);
    writeReport('fuzz-cli', { argv: CASES, commands: commands.length, seed, outsideRequests, stats });
    expect(stats.failures).toEqual([]);
    expect(Object.keys(stats.byCode).some((k) => k.startsWith('exit 2 '))).toBe(true);
  });
});
