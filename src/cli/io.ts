/**
 * Everything the CLI touches outside itself: output streams, environment, terminal, prompts and
 * HTTP. `run` takes one of these, so tests drive the whole CLI in-process and see exactly what a
 * user would (and can count the requests it made).
 */
import { homedir } from 'node:os';
import { createInterface } from 'node:readline';

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Progress bars are drawn only on a terminal. */
  readonly stderrIsTTY: boolean;
  /** Passphrases are prompted for only on a terminal. */
  readonly stdinIsTTY: boolean;
  readonly prompt: (question: string) => Promise<string>;
  /** All of a piped stdin as text; fails (and stops reading) past `maxBytes`. For secrets kept off argv. */
  readonly readStdin: (maxBytes: number) => Promise<string>;
  readonly fetch: typeof fetch;
  readonly homeDir: string;
}

/** Reads one line from the terminal without echoing it (a passphrase). */
function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    // readline echoes typed characters through _writeToOutput; swallow them after the question.
    const output = rl as unknown as { _writeToOutput: (s: string) => void };
    let asked = false;
    const write = output._writeToOutput.bind(rl);
    output._writeToOutput = (s: string) => {
      if (!asked) write(s);
    };
    rl.question(question, (answer) => {
      process.stderr.write('\n');
      rl.close();
      resolve(answer);
    });
    asked = true;
    rl.on('SIGINT', () => {
      rl.close();
      reject(new Error('interrupted'));
    });
  });
}

/** Reads process.stdin to its end, refusing it past `maxBytes` (so a stream of junk is not buffered). */
function readStdin(maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (): void => {
      process.stdin.off('data', onData).off('end', onEnd).off('error', onError);
      process.stdin.pause();
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) {
        done();
        reject(new Error(`it holds more than ${maxBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      done();
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onError = (err: Error): void => {
      done();
      reject(err);
    };
    process.stdin.on('data', onData).on('end', onEnd).on('error', onError);
  });
}

export function processIo(): CliIo {
  // `dchat token mint-history | head` closes the pipe early: that is the reader's choice, not a failure.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    stderrIsTTY: process.stderr.isTTY === true,
    stdinIsTTY: process.stdin.isTTY === true,
    prompt: promptHidden,
    readStdin,
    fetch: globalThis.fetch,
    homeDir: homedir(),
  };
}
