/** GET /v1/openapi.json: the OpenAPI 3 description of every route this server registered. */
import { DEFAULT_API_LIMITS } from '../limits.ts';
import { type RouteRecord, openApiDocument } from '../openapi.ts';
import type { RouteModule } from './route.ts';

const API_VERSION = '1.0.0';

export function openApiRoutes(routes: readonly RouteRecord[]): RouteModule {
  return (app, deps) => {
    // Built on first request: by then every route of every file is registered.
    let document: unknown = null;
    app.get('/v1/openapi.json', {
      schema: { summary: 'This OpenAPI 3 document', tags: ['node'] },
      config: { openapi: { responses: { 200: { type: 'object', description: 'An OpenAPI 3.0 document.' } } } },
    }, async () => (document ??= openApiDocument(routes, API_VERSION, deps.limits ?? DEFAULT_API_LIMITS)));
  };
}
