/**
 * Cross-origin access for chat apps served from their own origin (the SDK in a page): off unless
 * the operator lists origins in `api.cors_origins`, since a browser sends a user's cookies and
 * reaches loopback nodes from any page it opens. Done by @fastify/cors (preflights, Vary, the
 * allowed and exposed headers) rather than by hand.
 */
import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';

/** What a page may read besides the body: the list cursor and the chain id (docs/protocol.md §16). */
const EXPOSED_HEADERS = ['x-next-cursor', 'x-dchat-chain-id'];

export function registerCors(app: FastifyInstance, origins: readonly string[]): void {
  if (origins.length === 0) return;
  void app.register(cors, {
    origin: origins.includes('*') ? '*' : [...origins],
    methods: ['GET', 'POST'],
    allowedHeaders: ['content-type', 'last-event-id'],
    exposedHeaders: EXPOSED_HEADERS,
    maxAge: 600,
  });
}
