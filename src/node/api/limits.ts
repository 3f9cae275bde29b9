/**
 * What one API client, or all of them together, may ask of the node (issue 12 item 3): a token
 * bucket and a concurrency bound per client address, a bound on the requests the node works on at
 * once and on the API work of one event-loop turn, a cap on open connections, and timeouts that
 * close idle, slow or half-open sockets. Past a bound the answer is typed JSON (docs/protocol.md §16:
 * `{code, message}`): `429 RateLimited` for one client asking too much, `503 Overloaded` when the
 * node as a whole is full; both with `retry-after`.
 *
 * In-house rather than @fastify/rate-limit: that plugin counts requests per window only, in a
 * fastify hook (after routing), while the node also needs per-client and global concurrency
 * bounds, the loop budget and the connection cap, sharing one bounded client table and one answer
 * format, and checked before fastify sees the request: under 200 clients the refusals are most of
 * the requests, and each must cost as little as a prebuilt answer. No new dependency.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { Socket } from 'node:net';
import { ApiError } from '../http/errors.ts';

export interface ApiLimits {
  /** Open TCP connections; one more is answered 503 Overloaded and closed. */
  readonly maxConnections: number;
  /** Requests the node works on at once, all clients together; one more is 503 Overloaded. */
  readonly maxInFlight: number;
  /**
   * Milliseconds of one event-loop turn after which the turn's further requests are 503
   * Overloaded: the turn ends sooner, so the producer's timers and the block's LevelDB callbacks
   * wait for at most about this much API work, whatever number of clients are ready at once.
   */
  readonly loopBudgetMs: number;
  /** Requests one client address may have in progress at once; one more is 429 RateLimited. */
  readonly clientMaxInFlight: number;
  /** Requests per second one client address may make on average (token bucket refill)... */
  readonly clientRatePerSecond: number;
  /** ...and at once after a quiet spell (bucket size). */
  readonly clientBurst: number;
  /** Client addresses the per-client bounds and the loop budget leave alone (the operator's own CLI and dashboard). */
  readonly exemptClients: readonly string[];
  /** A request's headers must arrive within this; a socket that sends nothing is closed after it. */
  readonly headersTimeoutMs: number;
  /** A whole request (headers and body) must arrive within this. */
  readonly requestTimeoutMs: number;
  /** A socket with no traffic for this long is closed. */
  readonly idleTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  readonly keepAliveTimeoutMs: number;
  /**
   * Web origins whose pages may call the API (CORS, cors.ts): none by default, so only the node's
   * own dashboard and non-browser clients do; `["*"]` opens it to any page.
   */
  readonly corsOrigins: readonly string[];
}

/** Defaults for a public node (config/default.json carries the same figures). */
export const DEFAULT_API_LIMITS: ApiLimits = {
  maxConnections: 1024,
  maxInFlight: 256,
  loopBudgetMs: 20,
  clientMaxInFlight: 8,
  clientRatePerSecond: 20,
  clientBurst: 40,
  exemptClients: ['127.0.0.1', '::1', '::ffff:127.0.0.1'],
  corsOrigins: [],
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  idleTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
};

/** Clients remembered at once: the table's memory is bounded whatever number of addresses ask. */
const MAX_CLIENTS = 10_000;

interface ClientState {
  tokens: number;
  updatedMs: number;
  inFlight: number;
}

/** What the limits refused, for the load tests and the logs. */
export interface LimitCounts {
  rateLimited: number;
  overloaded: number;
  connectionsRefused: number;
}

/**
 * The per-client token buckets and concurrency counts, and the global in-flight count. A client
 * forgotten to keep the table bounded (the least recently seen one with nothing in flight) comes
 * back with a full bucket: the worst that buys an attacker is one burst per eviction, while the
 * global bound still holds.
 */
export class ClientLimiter {
  readonly counts: LimitCounts = { rateLimited: 0, overloaded: 0, connectionsRefused: 0 };
  private readonly clients = new Map<string, ClientState>();
  private readonly exempt: ReadonlySet<string>;
  private readonly limits: ApiLimits;
  private readonly nowMs: () => number;
  private inFlight = 0;
  /** How to free each admitted request's slot early (a long-lived stream hands it back once it starts). */
  private readonly releases = new WeakMap<IncomingMessage, () => void>();
  /** When the current event-loop turn admitted its first request (null: none yet this turn). */
  private turnStartedMs: number | null = null;

  constructor(limits: ApiLimits, nowMs: () => number = () => performance.now()) {
    this.limits = limits;
    this.nowMs = nowMs;
    this.exempt = new Set(limits.exemptClients);
  }

  /** Admits one request of `client` (its address), or throws the typed refusal. Call `release` once it ends. */
  admit(client: string): void {
    const { limits } = this;
    const now = this.nowMs();
    const exempt = this.exempt.has(client);
    if (this.turnStartedMs === null) {
      this.turnStartedMs = now;
      // Runs once this turn's I/O callbacks (every request the turn reads) are done.
      setImmediate(() => {
        this.turnStartedMs = null;
      });
    } else if (!exempt && now - this.turnStartedMs > limits.loopBudgetMs) {
      this.counts.overloaded++;
      throw new ApiError('Overloaded', `The node is busy (over ${limits.loopBudgetMs} ms of work in this turn of its event loop); retry in a second.`);
    }
    if (this.inFlight >= limits.maxInFlight) {
      this.counts.overloaded++;
      throw new ApiError('Overloaded', `The node is working on ${limits.maxInFlight} requests already; retry in a second.`);
    }
    if (!exempt) {
      const state = this.touch(client, now);
      if (state.inFlight >= limits.clientMaxInFlight) {
        this.counts.rateLimited++;
        throw new ApiError('RateLimited', `${client} has ${limits.clientMaxInFlight} requests in progress, the most one client may; wait for one to end.`);
      }
      if (state.tokens < 1) {
        this.counts.rateLimited++;
        throw new ApiError('RateLimited', `${client} sent more than ${limits.clientRatePerSecond} requests per second (burst ${limits.clientBurst}); retry in a second.`);
      }
      state.tokens -= 1;
      state.inFlight++;
    }
    this.inFlight++;
  }

  release(client: string): void {
    this.inFlight--;
    const state = this.exempt.has(client) ? undefined : this.clients.get(client);
    if (state !== undefined) state.inFlight--;
  }

  /** Whether the per-client bounds leave this address alone (the operator's own CLI and dashboard). */
  isExempt(client: string): boolean {
    return this.exempt.has(client);
  }

  /**
   * Frees the slot of a request that becomes a long-lived stream (GET /v1/events): the stream is
   * bounded by the event hub's own caps, not by the per-request ones. Idempotent.
   */
  detach(req: IncomingMessage): void {
    this.releases.get(req)?.();
  }

  /** Remembers how to free `req`'s slot early (limitedHandler). */
  track(req: IncomingMessage, release: () => void): void {
    this.releases.set(req, release);
  }

  get requestsInFlight(): number {
    return this.inFlight;
  }

  get clientsTracked(): number {
    return this.clients.size;
  }

  /** The client's state with its bucket refilled to now, moved to the table's recent end. */
  private touch(client: string, now: number): ClientState {
    let state = this.clients.get(client);
    if (state === undefined) {
      state = { tokens: this.limits.clientBurst, updatedMs: now, inFlight: 0 };
      if (this.clients.size >= MAX_CLIENTS) this.forgetOne();
    } else {
      state.tokens = Math.min(this.limits.clientBurst, state.tokens + ((now - state.updatedMs) / 1000) * this.limits.clientRatePerSecond);
      state.updatedMs = now;
      this.clients.delete(client);
    }
    this.clients.set(client, state);
    return state;
  }

  private forgetOne(): void {
    for (const [key, state] of this.clients) {
      if (state.inFlight === 0) {
        this.clients.delete(key);
        return;
      }
    }
  }
}

/**
 * Admits a request through the limiter as soon as node:http has parsed its head, before fastify
 * routes it or reads its body: a refused request costs the parse and one prebuilt answer, which
 * matters when thousands a second are refused. The slot is freed when the response ends.
 */
function limitedHandler(limiter: ClientLimiter, handler: (req: IncomingMessage, res: ServerResponse) => void) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const client = req.socket.remoteAddress ?? 'unknown';
    try {
      limiter.admit(client);
    } catch (err) {
      const refusal = err as ApiError;
      res.writeHead(refusal.status, { 'content-type': 'application/json; charset=utf-8', 'retry-after': '1' });
      res.end(JSON.stringify({ code: refusal.code, message: refusal.message }));
      return;
    }
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      limiter.release(client);
    };
    // 'finish' when the response went out, 'close' when the client went away first.
    res.once('finish', release);
    res.once('close', release);
    limiter.track(req, release);
    handler(req, res);
  };
}

const OVERLOADED_BODY = JSON.stringify({ code: 'Overloaded', message: 'The node has as many open connections as it accepts; retry in a second.' });
const OVERLOADED_RESPONSE = [
  'HTTP/1.1 503 Service Unavailable', 'Content-Type: application/json; charset=utf-8', `Content-Length: ${Buffer.byteLength(OVERLOADED_BODY)}`,
  'Retry-After: 1', 'Connection: close', '', OVERLOADED_BODY,
].join('\r\n');

/**
 * The HTTP server with the limiter in front of every request, and the limits' timeouts and
 * connection cap (fastify's serverFactory; requests made with inject() bypass it). Node
 * checks the headers and request timeouts every `connectionsCheckingInterval`: a second, so a
 * half-open socket that never sends a byte goes at most a second after `headersTimeoutMs`. A
 * connection over the cap gets the 503 written straight to its socket, which is then closed, and
 * never reaches the HTTP parser.
 */
export function limitedServerFactory(limits: ApiLimits, limiter: ClientLimiter) {
  const counts = limiter.counts;
  return (handler: (req: IncomingMessage, res: ServerResponse) => void): Server => {
    const options = { connectionsCheckingInterval: Math.min(1_000, limits.headersTimeoutMs), requestTimeout: limits.requestTimeoutMs, headersTimeout: limits.headersTimeoutMs, keepAliveTimeout: limits.keepAliveTimeoutMs };
    const server = createServer(options, limitedHandler(limiter, handler));
    server.setTimeout(limits.idleTimeoutMs);
    const accept = server.listeners('connection') as ((socket: Socket) => void)[];
    server.removeAllListeners('connection');
    let open = 0;
    server.on('connection', (socket: Socket) => {
      if (open >= limits.maxConnections) {
        counts.connectionsRefused++;
        socket.on('error', () => undefined);
        socket.end(OVERLOADED_RESPONSE);
        // A peer that does not read its answer does not keep the socket either.
        setTimeout(() => socket.destroy(), 1_000).unref();
        return;
      }
      open++;
      socket.once('close', () => open--);
      for (const listener of accept) listener.call(server, socket);
    });
    return server;
  };
}
