/**
 * The API port is checked before the node writes anything to its data dir: a dev node started
 * twice must not half-create a chain and then fail. The check holds the port (a bare listening
 * socket) until the API itself is about to listen, so nothing takes it in between but a process
 * racing within that moment; the API's own listen reports that with the same sentence.
 */
import { createServer } from 'node:net';
import { ChainError, ChainErrorCode } from '../chain/errors.ts';
import { listenFailure } from './listen-error.ts';

export function apiListenError(host: string, port: number, err: unknown): ChainError {
  return new ChainError(ChainErrorCode.InvalidConfig, listenFailure('API requests', host, port, 'api', err), { cause: err });
}

/** Holds `host:port` until the returned release is called (port 0: any free port, nothing to hold). */
export async function holdApiPort(host: string, port: number): Promise<() => Promise<void>> {
  if (port === 0) return async () => undefined;
  // A client that connects while we only hold the port (a poller waiting for the node) is closed at
  // once: `server.close` waits for open connections, so one kept open would hang the node's start.
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(apiListenError(host, port, err)));
    server.listen({ host, port, exclusive: true }, resolve);
  });
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}
