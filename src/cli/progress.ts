/**
 * A progress bar on stderr for waits the user cannot see (a transaction waiting for its block).
 * Drawn only when stderr is a terminal, so pipes, logs and --json consumers never get control
 * characters. The bar fills over the expected wait and holds at 95 % until the wait ends.
 */
import type { CliIo } from './io.ts';

const WIDTH = 24;
const FRAME_MS = 100;

export interface Progress {
  /** Clears the bar; the caller then prints the outcome. */
  stop(): void;
}

export function startProgress(io: CliIo, label: string, expectedMs: number): Progress {
  if (!io.stderrIsTTY) return { stop: () => undefined };
  const started = Date.now();
  const draw = (): void => {
    const elapsed = Date.now() - started;
    const fraction = Math.min(0.95, elapsed / Math.max(1, expectedMs));
    const filled = Math.round(fraction * WIDTH);
    io.stderr(`\r⏳ ${label} [${'█'.repeat(filled)}${'░'.repeat(WIDTH - filled)}] ${(elapsed / 1000).toFixed(1)}s`);
  };
  draw();
  const timer = setInterval(draw, FRAME_MS);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      io.stderr('\r\x1b[2K');
    },
  };
}
