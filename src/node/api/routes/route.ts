/**
 * How a route file describes itself: fastify validates `schema.params` and `schema.querystring`;
 * `schema.summary`, `schema.tags` and `config.responses` only feed the OpenAPI document (response
 * shapes stay out of `schema.response` on purpose: fastify would then serialize through them and
 * silently drop any field a view adds).
 */
import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps.ts';
import type { JsonSchema } from '../schemas.ts';

export interface RouteDoc {
  /** Status -> response body schema (or a description for bodies that are not JSON). */
  readonly responses: Readonly<Record<number, JsonSchema | string>>;
  /** The content type of the bodies described by a string (a page, a file, the metrics text). */
  readonly content?: string;
  /** Request body content types -> schema (POST routes). */
  readonly body?: Readonly<Record<string, JsonSchema>>;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    openapi?: RouteDoc;
  }
  interface FastifySchema {
    summary?: string;
    tags?: readonly string[];
  }
}

export type RouteModule = (app: FastifyInstance, deps: ApiDeps) => void;
