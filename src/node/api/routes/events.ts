/**
 * GET /v1/events: Server-Sent Events of new blocks, included and pending txs, and changes of
 * chosen accounts, pools and proposals (docs/protocol.md §16.1). SSE rather than a WebSocket: it
 * is plain HTTP (the API's limits, proxies and curl work unchanged), a browser's EventSource
 * reconnects and sends Last-Event-ID by itself, and the stream only flows one way.
 */
import { ref } from '../schemas.ts';
import { parseLastEventId } from '../../events/event-hub.ts';
import { parseTopics } from '../../events/topics.ts';
import type { RouteModule } from './route.ts';

export const eventRoutes: RouteModule = (app) => {
  app.get<{ Querystring: { topics?: string; last_event_id?: string } }>('/v1/events', {
    schema: {
      summary: 'A Server-Sent Events stream: topics=blocks,txs,proposals,account:<id>,pool:<id>; resume with the Last-Event-ID header (or last_event_id)',
      tags: ['events'],
      querystring: {
        type: 'object',
        additionalProperties: false,
        required: ['topics'],
        properties: {
          topics: { type: 'string', maxLength: 2048, description: 'Comma-separated: blocks, txs, proposals, account:<wallet id>, pool:<pool id> (at most 32).' },
          last_event_id: { type: 'string', maxLength: 32, description: 'The id of the last event seen, as the Last-Event-ID header (for clients that cannot set it).' },
        },
      },
    },
    config: {
      openapi: {
        content: 'text/event-stream',
        responses: {
          200: 'The stream: events hello, block, tx, tx-pending, account, pool, proposal and end (a typed end of stream), each with its height.',
          400: ref('Error'), 410: ref('Error'), 429: ref('Error'), 503: ref('Error'),
        },
      },
    },
  }, async (req, reply) => {
    const topics = parseTopics(req.query.topics);
    const header = req.headers['last-event-id'];
    const resumeAt = parseLastEventId(typeof header === 'string' ? header : req.query.last_event_id);
    const client = req.raw.socket.remoteAddress ?? 'unknown';
    // The stream is written on the raw response: carry over what the hooks set (the chain id, CORS).
    for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) reply.raw.setHeader(name, value);
    app.events.open(req.raw, reply.raw, topics, resumeAt, app.limiter.isExempt(client));
    // Only now, once the stream is open (a refusal above is an ordinary JSON answer).
    reply.hijack();
    app.limiter.detach(req.raw);
  });
};
