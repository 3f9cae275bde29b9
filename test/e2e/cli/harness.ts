/**
 * Drives the CLI in-process against a real dev node: `run(argv, io)` with an io that captures
 * stdout and stderr, counts every HTTP request, and answers passphrase prompts from a script.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from '../../../src/cli/io.ts';
import { run } from '../../../src/cli/run.ts';
import { loadConfig } from '../../../src/node/config.ts';
import { createLogger } from '../../../src/node/logger.ts';
import { DchatNode } from '../../../src/node/node.ts';

export const PASSPHRASE = 'correct horse battery staple';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Every URL the command fetched. */
  readonly requests: readonly string[];
  /** stdout parsed as JSON (for --json runs). */
  json<T = Record<string, unknown>>(): T;
}

export interface CliOptions {
  readonly env?: Record<string, string | undefined>;
  readonly tty?: boolean;
  /** Answers to passphrase prompts, in order (only asked when stdin is a terminal). */
  readonly answers?: readonly string[];
  /** What a piped stdin holds (read only by commands that ask for it, such as `keys import --seed-stdin`). */
  readonly stdin?: string;
}

export async function cli(argv: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const requests: string[] = [];
  const answers = [...(options.answers ?? [])];
  const io: CliIo = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env: { DCHAT_KEYSTORE_PASSPHRASE: PASSPHRASE, ...options.env },
    stderrIsTTY: options.tty === true,
    stdinIsTTY: options.tty === true,
    prompt: async () => answers.shift() ?? '',
    readStdin: async (maxBytes) => {
      const text = options.stdin ?? '';
      if (Buffer.byteLength(text) > maxBytes) throw new Error(`it holds more than ${maxBytes} bytes`);
      return text;
    },
    fetch: (input, init) => {
      requests.push(String(input));
      return fetch(input, init);
    },
    homeDir: '/nonexistent-home',
  };
  const code = await run(argv, io);
  return { code, stdout, stderr, requests, json: <T>() => JSON.parse(stdout) as T };
}

export interface DevNode {
  readonly node: DchatNode;
  readonly url: string;
  readonly dataDir: string;
  close(): Promise<void>;
}

export async function startDevNode(blockTimeMs = 250): Promise<DevNode> {
  const dataDir = mkdtempSync(join(tmpdir(), 'dchat-cli-'));
  const config = loadConfig({ dev: true, data_dir: dataDir, api_port: 0, block_time_ms: String(blockTimeMs), log_level: 'silent' });
  const node = await DchatNode.init(config, { logger: createLogger('silent', false) });
  return {
    node,
    url: node.apiUrl,
    dataDir,
    async close() {
      await node.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A loopback port nothing listens on: a --node that can never answer. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address !== null ? address.port : 1;
}

const tempDirs: string[] = [];

/** A fresh directory under the system temp dir, removed by `removeTempDirs`. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}
