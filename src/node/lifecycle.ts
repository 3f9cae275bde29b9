/**
 * One lifecycle for the node (Lodestar's `beacon-node/src/node/nodejs.ts`; STYLE.md "Clean
 * unwinding"): each part pushes its closer the moment it has started, and one `close` runs them
 * in reverse. A failed start runs the same closers as a shutdown, so whatever had started is
 * stopped and nothing is left running (no socket, no timer, no store lock). `close` runs once: a
 * second or concurrent call waits for the first.
 */
import type { Logger } from 'pino';

/** The node's parts in the order they start (and, reversed, stop). */
export const NODE_PARTS = ['api-port', 'store', 'chain', 'snapshots', 'pruner', 'metrics', 'dashboard', 'network', 'api', 'api-url', 'producer'] as const;
export type NodePart = (typeof NODE_PARTS)[number];

export class Closers {
  private readonly stack: { part: NodePart; close: () => unknown }[] = [];
  private closing: Promise<void> | null = null;

  private readonly logger: Logger;
  /** Called as each part has started; a throw fails the start right there (tests use it). */
  private readonly onStarted: (part: NodePart) => void | Promise<void>;

  constructor(logger: Logger, onStarted: (part: NodePart) => void | Promise<void> = () => undefined) {
    this.logger = logger;
    this.onStarted = onStarted;
  }

  /** Records that `part` is running and how to stop it. */
  async started(part: NodePart, close: () => unknown): Promise<void> {
    if (this.closing !== null) throw new Error(`${part} started after the node began closing`);
    this.stack.push({ part, close });
    await this.onStarted(part);
  }

  get isClosing(): boolean {
    return this.closing !== null;
  }

  /**
   * Stops every started part, newest first. A closer that fails is logged and the rest still run:
   * the store lock must be released even if, say, the network stopped badly.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const { part, close } of this.stack.reverse()) {
        try {
          await close();
        } catch (err) {
          this.logger.error({ err, part }, 'a part of the node failed to stop');
        }
      }
      this.stack.length = 0;
    })();
    return this.closing;
  }
}
