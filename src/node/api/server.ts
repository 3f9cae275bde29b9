/**
 * The HTTP JSON API (docs/protocol.md §16) on 127.0.0.1 unless configured otherwise. Amounts are decimal
 * strings; errors are `{ code, message }` with a 4xx status; nothing a client sends can stop the
 * node. Input is checked by each route's JSON schema before its handler runs. The /v1 routes live
 * in routes/, one file per resource; this file assembles them with the shared error handling.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, LogController } from 'fastify';
import { CollectionIndex } from './collection-index.ts';
import type { ApiDeps } from './deps.ts';
import { ApiError, toApiError, validationError } from '../http/errors.ts';
import { EventHub } from '../events/event-hub.ts';
import { registerCors } from './cors.ts';
import { ClientLimiter, DEFAULT_API_LIMITS, limitedServerFactory } from './limits.ts';
import { trackRoutes } from './openapi.ts';
import { V1_ROUTES } from './routes/index.ts';
import { openApiRoutes } from './routes/openapi.ts';
import { registerDashboard } from '../dashboard/routes.ts';
import type { NodeMetrics } from '../metrics/metrics.ts';
import { registerMetrics } from '../metrics/route.ts';
import { registerNetworkRoutes } from '../network/api-routes.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The API's client limiter: what it refused, what is in flight. */
    readonly limiter: ClientLimiter;
    /** Listings, purchases and allocations by group, newest first (the list routes' pages). */
    readonly collections: CollectionIndex;
    /** The event streams of GET /v1/events. */
    readonly events: EventHub;
  }
}

const MAX_BODY_BYTES = 1024 * 1024;

/** The chain id of the node that answered, on every API response. */
export const CHAIN_ID_HEADER = 'x-dchat-chain-id';

/** The limiter's counts as dchat_api_refused_total, brought up to date at each scrape. */
function reportRefusals(metrics: NodeMetrics, limiter: ClientLimiter): () => void {
  const bounds = [['rateLimited', 'RateLimited', 'client'], ['overloaded', 'Overloaded', 'node'], ['connectionsRefused', 'Overloaded', 'connections']] as const;
  const reported = { rateLimited: 0, overloaded: 0, connectionsRefused: 0 };
  return metrics.onScrape(() => {
    for (const [count, code, bound] of bounds) {
      metrics.apiRefused.inc({ code, bound }, limiter.counts[count] - reported[count]);
      reported[count] = limiter.counts[count];
    }
  });
}

export function buildApi(deps: ApiDeps): FastifyInstance {
  const { chain } = deps;
  const limits = deps.limits ?? DEFAULT_API_LIMITS;
  const limiter = new ClientLimiter(limits);
  const app = Fastify({
    loggerInstance: deps.logger as unknown as FastifyBaseLogger,
    // The limiter sits in front of fastify: a refused client costs no routing and no body read.
    serverFactory: limitedServerFactory(limits, limiter),
    bodyLimit: MAX_BODY_BYTES,
    logController: new LogController({ disableRequestLogging: true }),
    schemaErrorFormatter: validationError,
    // A URL the router cannot read (bad percent-encoding, a parameter over the length limit): the
    // same { code, message } refusal as every other bad request, not fastify's own error body.
    frameworkErrors: (err, _req, reply: FastifyReply) => {
      const api = toApiError(err) ?? new ApiError('BadRequest', 'Bad request.');
      void reply.status(api.status).send({ code: api.code, message: api.message });
    },
  });
  // First, so that every route registered after it (ours and other files') is in /v1/openapi.json.
  const routes = trackRoutes(app);
  app.decorate('limiter', limiter);
  registerCors(app, limits.corsOrigins);
  if (deps.metrics) {
    const stop = reportRefusals(deps.metrics, limiter);
    app.addHook('onClose', async () => stop());
  }
  const collections = new CollectionIndex(chain);
  app.decorate('collections', collections);
  app.addHook('onClose', async () => collections.close());
  const events = new EventHub(chain, deps.eventLimits);
  app.decorate('events', events);
  // Before the server closes: open streams would otherwise hold it open.
  app.addHook('preClose', async () => events.close());

  // Every answer names its chain (docs/protocol.md §16), so a client can say which chain it spoke to.
  app.addHook('onRequest', async (_req, reply) => {
    void reply.header(CHAIN_ID_HEADER, chain.params.chainId);
  });

  for (const type of ['application/msgpack', 'application/octet-stream']) {
    app.addContentTypeParser(type, { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  }

  app.setErrorHandler((err, _req, reply) => {
    const api = toApiError(err);
    if (api === null) {
      deps.logger.error({ err }, 'API handler failed');
      return reply.status(500).send({ code: 'InternalError', message: 'The node could not handle this request; see its log.' });
    }
    if (api.status >= 500) deps.logger.error({ err }, 'API request failed on the node\'s side');
    return reply.status(api.status).send({ code: api.code, message: api.message });
  });
  app.setNotFoundHandler((req, reply) => reply.status(404).send({ code: 'NotFound', message: `No route ${req.method} ${req.url}.` }));

  // GET /, /dashboard/*, /v1/stats/series, /v1/stats/recent; GET /metrics.
  registerDashboard(app, { chain, feed: deps.dashboard ?? null });
  registerMetrics(app, deps.metrics ?? null);
  // GET /v1/peers, /v1/sync.
  registerNetworkRoutes(app, { chain, network: deps.network ?? null });

  for (const register of V1_ROUTES) register(app, deps);
  openApiRoutes(routes)(app, deps);

  return app;
}
