/** Closers (src/node/lifecycle.ts): reverse order, each once, a failing closer does not stop the rest. */
import { describe, expect, it } from 'vitest';
import { Closers } from '../../../src/node/lifecycle.ts';
import { createLogger } from '../../../src/node/logger.ts';

const logger = createLogger('silent', false);

describe('Closers', () => {
  it('closes newest first, once, even when a closer throws; concurrent calls share one run', async () => {
    const closed: string[] = [];
    const closers = new Closers(logger);
    await closers.started('store', () => { closed.push('store'); });
    await closers.started('chain', () => { closed.push('chain'); throw new Error('chain failed to stop'); });
    await closers.started('network', async () => { await new Promise((r) => setTimeout(r, 5)); closed.push('network'); });
    expect(closers.isClosing).toBe(false);
    await Promise.all([closers.close(), closers.close()]);
    await closers.close();
    expect(closed).toEqual(['network', 'chain', 'store']);
    expect(closers.isClosing).toBe(true);
  });

  it('refuses a part that starts after closing began, and reports each started part', async () => {
    const seen: string[] = [];
    const closers = new Closers(logger, (part) => { seen.push(part); });
    await closers.started('store', () => undefined);
    await closers.close();
    await expect(closers.started('api', () => undefined)).rejects.toThrow('api started after the node began closing');
    expect(seen).toEqual(['store']);
  });
});
