import { connect, createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { holdApiPort } from '../../../src/node/api-port.ts';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('holdApiPort', () => {
  it('releases the port even while a client that connected during the hold is still open', async () => {
    const port = await freePort();
    const release = await holdApiPort('127.0.0.1', port);
    // A poller connects while the node only holds the port, and never closes its side.
    const client = connect({ host: '127.0.0.1', port });
    const closedByServer = new Promise<boolean>((resolve) => {
      client.on('close', () => resolve(true));
      client.on('error', () => undefined);
    });
    expect(await closedByServer).toBe(true);
    await release();
    // The port is free again: the API can listen on it.
    const again = await holdApiPort('127.0.0.1', port);
    await again();
    client.destroy();
  });
});
