/**
 * CORS (`api.cors_origins`, src/node/api/cors.ts): off by default (no Access-Control header at all);
 * with an origin listed, its pages get preflights answered and every answer, the event stream
 * included, readable with the list cursor and chain id headers exposed; other origins get nothing.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_API_LIMITS } from '../../../src/node/api/limits.ts';
import { buildLightChain, serveLightChain } from '../../support/light-chain.ts';

const CHAT = 'https://chat.example.org';
let closed: FastifyInstance;
let open: FastifyInstance;
let closedUrl = '';
let openUrl = '';

beforeAll(async () => {
  const chain = await buildLightChain(4);
  ({ app: closed, url: closedUrl } = await serveLightChain(chain));
  ({ app: open, url: openUrl } = await serveLightChain(chain, { ...DEFAULT_API_LIMITS, corsOrigins: [CHAT] }));
});
afterAll(async () => {
  await closed?.close();
  await open?.close();
});

describe('CORS', () => {
  it('sends no CORS headers by default', async () => {
    const res = await fetch(`${closedUrl}/v1/node`, { headers: { origin: CHAT } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${closedUrl}/v1/txs`, { method: 'OPTIONS', headers: { origin: CHAT, 'access-control-request-method': 'POST' } });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers a listed origin\'s preflight and reads, and exposes the cursor and chain id', async () => {
    const preflight = await fetch(`${openUrl}/v1/txs`, { method: 'OPTIONS', headers: { origin: CHAT, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(CHAT);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('content-type');
    const res = await fetch(`${openUrl}/v1/light/finality`, { headers: { origin: CHAT } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(CHAT);
    expect(res.headers.get('access-control-expose-headers')).toContain('x-next-cursor');
    expect(res.headers.get('access-control-expose-headers')).toContain('x-dchat-chain-id');
  });

  it('gives another origin nothing', async () => {
    const res = await fetch(`${openUrl}/v1/node`, { headers: { origin: 'https://evil.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('carries the headers onto the event stream', async () => {
    const abort = new AbortController();
    const res = await fetch(`${openUrl}/v1/events?topics=blocks`, { headers: { origin: CHAT }, signal: abort.signal });
    try {
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/event-stream');
      expect(res.headers.get('access-control-allow-origin')).toBe(CHAT);
      expect(res.headers.get('x-dchat-chain-id')).toBe('light-test');
    } finally {
      abort.abort();
    }
  });
});
