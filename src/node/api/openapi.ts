/**
 * The OpenAPI 3 description of the API, built from the routes as fastify registers them (an
 * onRoute hook), so a route added anywhere, by any file, is listed without anyone remembering to.
 * Routes that carry no schema or doc (say a plain-text page) still appear, with a bare response.
 */
import type { FastifyInstance, RouteOptions } from 'fastify';
import type { ApiLimits } from './limits.ts';
import type { RouteDoc } from './routes/route.ts';
import { governanceComponents } from './governance-schemas.ts';
import { type JsonSchema, components } from './schemas.ts';

export interface RouteRecord {
  readonly method: string;
  readonly url: string;
  readonly schema: { summary?: string; tags?: string[]; params?: JsonSchema; querystring?: JsonSchema };
  readonly doc: RouteDoc | undefined;
}

/** Starts recording routes; call before any route is registered. */
export function trackRoutes(app: FastifyInstance): RouteRecord[] {
  const routes: RouteRecord[] = [];
  app.addHook('onRoute', (route: RouteOptions) => {
    for (const method of [route.method].flat()) {
      // fastify adds a HEAD twin to every GET: not a route anyone documents.
      if (method === 'HEAD' || route.url === undefined) continue;
      routes.push({
        method: method.toLowerCase(),
        url: route.url,
        schema: (route.schema ?? {}) as RouteRecord['schema'],
        doc: (route.config as { openapi?: RouteDoc } | undefined)?.openapi,
      });
    }
  });
  return routes;
}

/** `/v1/pools/:id` -> `/v1/pools/{id}`; a wildcard `*` becomes `{path}`. */
const openApiPath = (url: string): string => url.replace(/:([A-Za-z_]+)/g, '{$1}').replace(/\*$/, '{path}');

/** `get /v1/pools/{id}` -> `getV1PoolsId`: unique per method and path, as OpenAPI asks. */
const operationId = (method: string, path: string): string =>
  method + path.split(/[^A-Za-z0-9]+/).filter((part) => part.length > 0).map((part) => part[0]!.toUpperCase() + part.slice(1)).join('');

function parameters(url: string, schema: RouteRecord['schema']): JsonSchema[] {
  const out: JsonSchema[] = [];
  // A wildcard route's rest of the path (fastify's `*`) has no params schema: it is `{path}`.
  if (url.endsWith('*')) out.push({ name: 'path', in: 'path', required: true, schema: { type: 'string' }, description: 'The rest of the path.' });
  for (const [where, part] of [['path', schema.params], ['query', schema.querystring]] as const) {
    const props = (part?.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((part?.required ?? []) as string[]);
    for (const [name, prop] of Object.entries(props)) {
      const { description, ...rest } = prop;
      out.push({ name, in: where, required: where === 'path' || required.has(name), schema: rest, ...(description === undefined ? {} : { description }) });
    }
  }
  return out;
}

function responses(doc: RouteDoc | undefined): JsonSchema {
  if (doc === undefined) return { 200: { description: 'OK' } };
  return Object.fromEntries(
    Object.entries(doc.responses).map(([status, body]) => [
      status,
      typeof body === 'string'
        ? { description: body, ...(doc.content === undefined ? {} : { content: { [doc.content]: { schema: { type: 'string' } } } }) }
        : { description: Number(status) < 400 ? 'OK' : 'Error: {code, message}', content: { 'application/json': { schema: body } } },
    ]),
  );
}

/** What the limits (limits.ts) answer on any route, and the sentence that states them. */
function limitsDoc(limits: ApiLimits): { responses: JsonSchema; text: string } {
  const error = (description: string): JsonSchema => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
  return {
    responses: {
      429: error('RateLimited: this client sent too many requests, or has too many in progress (retry-after: 1).'),
      503: error('Overloaded: the node is at its bound of requests in progress, of work per event-loop turn, or of open connections (retry-after: 1).'),
    },
    text: ` Limits of this node: per client address ${limits.clientRatePerSecond} requests/s (burst ${limits.clientBurst}) and ${limits.clientMaxInFlight} in progress (429 RateLimited);`
      + ` ${limits.maxInFlight} requests in progress in all, ${limits.loopBudgetMs} ms of work per event-loop turn, ${limits.maxConnections} open connections (503 Overloaded);`
      + ` request headers within ${limits.headersTimeoutMs} ms, a whole request within ${limits.requestTimeoutMs} ms, idle sockets closed after ${limits.idleTimeoutMs} ms.`
      + ' Every list takes limit (at most 1000) and cursor; a full page carries x-next-cursor. Request bodies: at most 1 MiB (413 TxTooLarge).',
  };
}

export function openApiDocument(routes: readonly RouteRecord[], version: string, limits?: ApiLimits): JsonSchema {
  const bounds = limits === undefined ? null : limitsDoc(limits);
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    const path = openApiPath(route.url);
    const operation: JsonSchema = {
      operationId: operationId(route.method, path),
      summary: route.schema.summary ?? `${route.method.toUpperCase()} ${path}`,
      ...(route.schema.tags === undefined ? {} : { tags: route.schema.tags }),
      parameters: parameters(route.url, route.schema),
      responses: { ...(bounds?.responses ?? {}), ...responses(route.doc) },
    };
    if (route.doc?.body !== undefined) {
      operation.requestBody = { required: true, content: Object.fromEntries(Object.entries(route.doc.body).map(([type, schema]) => [type, { schema }])) };
    }
    (paths[path] ??= {})[route.method] = operation;
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'dchat node API',
      version,
      description: `The HTTP JSON API of a dchat node. Amounts and heights are decimal strings; every error is {code, message}.${bounds?.text ?? ''}`,
      license: { name: 'MIT', url: 'https://opensource.org/licenses/MIT' },
    },
    servers: [{ url: '/' }],
    // No authentication: the API listens on loopback unless configured otherwise (docs/protocol.md
    // §16), and transactions carry their own signatures. An empty list says so explicitly.
    security: [],
    paths,
    components: { schemas: { ...components, ...governanceComponents } },
  };
}
