/**
 * The OpenAPI 3 description of the API, built from the routes as fastify registers them (an
 * onRoute hook), so a route added anywhere, by any file, is listed without anyone remembering to.
 * Routes that carry no schema or doc (say a plain-text page) still appear, with a bare response.
 */
import type { FastifyInstance, RouteOptions } from 'fastify';
import type { RouteDoc } from './routes/route.ts';
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

function parameters(schema: RouteRecord['schema']): JsonSchema[] {
  const out: JsonSchema[] = [];
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
        ? { description: body }
        : { description: Number(status) < 400 ? 'OK' : 'Error: {code, message}', content: { 'application/json': { schema: body } } },
    ]),
  );
}

export function openApiDocument(routes: readonly RouteRecord[], version: string): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    const path = openApiPath(route.url);
    const operation: JsonSchema = {
      summary: route.schema.summary ?? `${route.method.toUpperCase()} ${path}`,
      ...(route.schema.tags === undefined ? {} : { tags: route.schema.tags }),
      parameters: parameters(route.schema),
      responses: responses(route.doc),
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
      description: 'The HTTP JSON API of a dchat node. Amounts and heights are decimal strings; every error is {code, message}.',
    },
    servers: [{ url: '/' }],
    paths,
    components: { schemas: components },
  };
}
