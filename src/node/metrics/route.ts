/**
 * GET /metrics in the Prometheus text format, and the count of transactions refused at
 * submission by error code (taken from the API's errors, the one place they are all seen).
 */
import type { FastifyInstance } from 'fastify';
import { toApiError } from '../http/errors.ts';
import type { NodeMetrics } from './metrics.ts';

export function registerMetrics(app: FastifyInstance, metrics: NodeMetrics | null): void {
  if (metrics === null) return;
  app.get('/metrics', {
    schema: { summary: 'Prometheus metrics (text exposition format)', tags: ['node'] },
    config: { openapi: { content: 'text/plain', responses: { 200: 'The metrics, Prometheus text format 0.0.4.' } } },
  }, async (_req, reply) => reply.type(metrics.contentType).send(await metrics.scrape()));
  app.addHook('onError', async (req, _reply, err) => {
    if (req.method !== 'POST' || req.routeOptions.url !== '/v1/txs') return;
    metrics.txsRejected.inc({ code: toApiError(err)?.code ?? 'InternalError' });
  });
}
