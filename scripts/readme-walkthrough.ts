/**
 * `npm run check:readme`: runs the README's newcomer walkthrough (readme/walkthrough-blocks.ts) as
 * a reader pastes it: every block in order, in one bash session (so an `export` or a variable of
 * one block holds in the next), in a fresh temp dir whose `bin` is the project's, with HOME there
 * too and no DCHAT_* variable of ours. A step passes when all its commands exit 0 (`set -e`); the
 * run stops at the first that does not and says which. Not part of `npm test`: it runs a dev node
 * and a 3-node testnet on the default ports (about a minute and a half).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { walkthroughSteps } from './readme/walkthrough-blocks.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The ports the walkthrough's commands use: the defaults of `dchat start` and `dchat testnet --nodes 3`. */
const PORTS = [7545, 7546, 7547, 7600, 7601, 7602];
/** A step that hangs (a node that never answers) ends the run rather than the machine's patience. */
const RUN_LIMIT_MS = 10 * 60_000;
const MARK = '::walkthrough-step';

function portFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });
}

const steps = walkthroughSteps(readFileSync(join(ROOT, 'README.md'), 'utf8'));
const busy: number[] = [];
for (const port of PORTS) if (!(await portFree(port))) busy.push(port);
if (busy.length > 0) {
  console.error(`readme-walkthrough: port${busy.length > 1 ? 's' : ''} ${busy.join(', ')} in use: the walkthrough's nodes need ${PORTS.join(', ')} free.`);
  process.exit(1);
}

const dir = mkdtempSync(join(tmpdir(), 'dchat-readme-'));
symlinkSync(join(ROOT, 'bin'), join(dir, 'bin'));
const runner = ['set -eo pipefail', ...steps.flatMap((s) => [`echo "${MARK} ${s.index}"`, s.script])].join('\n');
writeFileSync(join(dir, 'walkthrough.sh'), `${runner}\necho "${MARK} done"\n`);
const env: NodeJS.ProcessEnv = { HOME: dir };
for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('DCHAT_') && key !== 'HOME') env[key] = value;

console.log(`readme-walkthrough: ${steps.length} steps from README.md, in ${dir}`);
// Its own process group: whatever a failed step left running in the background is stopped with it.
const child = spawn('bash', ['walkthrough.sh'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
let current = 0;
let finished = false;
const onLine = (line: string, write: (text: string) => void): void => {
  if (line.startsWith(MARK)) {
    const what = line.slice(MARK.length + 1);
    if (what === 'done') finished = true;
    else {
      current = Number(what);
      console.log(`\n── step ${current} of ${steps.length}: ${steps[current - 1]!.title}`);
    }
    return;
  }
  write(`${line}\n`);
};
const lines = (stream: NodeJS.ReadableStream, write: (text: string) => void): void => {
  let rest = '';
  stream.on('data', (chunk: Buffer) => {
    const parts = (rest + chunk.toString()).split('\n');
    rest = parts.pop()!;
    for (const part of parts) onLine(part, write);
  });
  stream.on('end', () => { if (rest.length > 0) onLine(rest, write); });
};
lines(child.stdout, (t) => process.stdout.write(t));
lines(child.stderr, (t) => process.stderr.write(t));
const limit = setTimeout(() => {
  console.error(`readme-walkthrough: still running after ${RUN_LIMIT_MS / 60_000} minutes (step ${current}): stopping it.`);
  process.kill(-child.pid!, 'SIGKILL');
}, RUN_LIMIT_MS);
const code = await new Promise<number>((done) => child.once('close', (c, signal) => done(c ?? (signal === null ? 1 : 128))));
clearTimeout(limit);
try {
  process.kill(-child.pid!, 'SIGTERM');
} catch {
  // the group is already gone: every step stopped what it started
}
if (code === 0 && finished) {
  console.log(`\nreadme-walkthrough: ${steps.length} of ${steps.length} steps ran, each exited 0.`);
  rmSync(dir, { recursive: true, force: true });
} else {
  console.error(`\nreadme-walkthrough: step ${current} of ${steps.length} failed (exit code ${code}): ${steps[current - 1]?.title ?? '?'}; ${current - 1} steps ran before it. Its files are kept in ${dir}.`);
  process.exitCode = 1;
}
