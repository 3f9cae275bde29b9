/**
 * Many distinct API clients from one machine: client i sends from its own loopback address
 * 127.0.x.y (all of 127.0.0.0/8 is loopback on Linux), over its own keep-alive connection, so the
 * node's per-client limits see N clients, as they would N users. Plus raw sockets that connect and
 * never send a byte (half-open clients).
 */
import { Agent, request } from 'node:http';
import { type Socket, connect } from 'node:net';

/** The loopback source address of client `i` (0-based), never 127.0.0.1 (exempt by default). */
export const clientAddress = (i: number): string => `127.0.${1 + Math.floor(i / 250)}.${2 + (i % 250)}`;

export interface ClientReply {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Record<string, string | string[] | undefined>;
}

export class ApiClient {
  readonly address: string;
  private readonly agent: Agent;
  private readonly url: URL;

  constructor(base: string, i: number) {
    this.url = new URL(base);
    this.address = clientAddress(i);
    this.agent = new Agent({ keepAlive: true, maxSockets: 1, localAddress: this.address });
  }

  get(path: string, timeoutMs = 30_000): Promise<ClientReply> {
    return new Promise((resolve, reject) => {
      const req = request({ host: this.url.hostname, port: this.url.port, path, agent: this.agent, timeout: timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = text.length > 0 ? JSON.parse(text) : null;
          } catch {
            // not JSON: kept as text, and the caller's shape checks say so
          }
          resolve({ status: res.statusCode ?? 0, body, headers: res.headers });
        });
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`no answer to ${path} within ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end();
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** A socket that connects and sends nothing; `closed` resolves when the server ends it, with what it wrote. */
export interface IdleSocket {
  readonly socket: Socket;
  readonly received: () => string;
  readonly closed: Promise<void>;
}

export function idleSocket(host: string, port: number, localAddress?: string): Promise<IdleSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, ...(localAddress === undefined ? {} : { localAddress }) });
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
    });
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    socket.once('error', () => undefined);
    socket.once('connect', () => resolve({ socket, received: () => text, closed }));
    socket.once('error', reject);
  });
}
