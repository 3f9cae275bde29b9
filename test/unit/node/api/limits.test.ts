/**
 * The API's client limiter (src/node/api/limits.ts) on a hand-driven clock: a client's burst, then
 * typed 429s until its bucket refills; its concurrency bound; the global in-flight bound (503);
 * exempt addresses; and a client table that stays bounded whatever number of addresses ask.
 */
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../../src/node/http/errors.ts';
import { type ApiLimits, ClientLimiter, DEFAULT_API_LIMITS } from '../../../../src/node/api/limits.ts';

/** The loop budget is out of the way here (the hand clock jumps within one turn); its own test sets it. */
const limits: ApiLimits = { ...DEFAULT_API_LIMITS, clientRatePerSecond: 2, clientBurst: 4, clientMaxInFlight: 3, maxInFlight: 5, exemptClients: ['127.0.0.1'], loopBudgetMs: 1e9 };

function refusal(run: () => void): { code: string; status: number } | null {
  try {
    run();
    return null;
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    return { code: (err as ApiError).code, status: (err as ApiError).status };
  }
}

describe('ClientLimiter', () => {
  it('a client gets its burst, then 429 RateLimited until the bucket refills at its rate', () => {
    let now = 0;
    const limiter = new ClientLimiter(limits, () => now);
    for (let i = 0; i < 4; i++) {
      limiter.admit('10.0.0.1');
      limiter.release('10.0.0.1');
    }
    expect(refusal(() => limiter.admit('10.0.0.1'))).toEqual({ code: 'RateLimited', status: 429 });
    // Another client is not affected.
    expect(refusal(() => limiter.admit('10.0.0.2'))).toBeNull();
    limiter.release('10.0.0.2');
    now += 500; // one token at 2 per second
    expect(refusal(() => limiter.admit('10.0.0.1'))).toBeNull();
    limiter.release('10.0.0.1');
    expect(refusal(() => limiter.admit('10.0.0.1'))).toMatchObject({ code: 'RateLimited' });
    now += 60_000; // a long quiet spell refills to the burst, not beyond
    for (let i = 0; i < 4; i++) {
      limiter.admit('10.0.0.1');
      limiter.release('10.0.0.1');
    }
    expect(refusal(() => limiter.admit('10.0.0.1'))).toMatchObject({ code: 'RateLimited' });
    expect(limiter.counts.rateLimited).toBe(3);
  });

  it('bounds what one client has in progress (429) and what all have together (503 Overloaded)', () => {
    const limiter = new ClientLimiter({ ...limits, clientBurst: 100 }, () => 0);
    for (let i = 0; i < 3; i++) limiter.admit('10.0.0.1');
    expect(refusal(() => limiter.admit('10.0.0.1'))).toEqual({ code: 'RateLimited', status: 429 });
    limiter.admit('10.0.0.2');
    limiter.admit('127.0.0.1');
    expect(limiter.requestsInFlight).toBe(5);
    // Full: even an exempt address is refused, with 503.
    expect(refusal(() => limiter.admit('127.0.0.1'))).toEqual({ code: 'Overloaded', status: 503 });
    expect(refusal(() => limiter.admit('10.0.0.3'))).toEqual({ code: 'Overloaded', status: 503 });
    limiter.release('10.0.0.1');
    expect(refusal(() => limiter.admit('10.0.0.1'))).toBeNull();
    expect(limiter.counts).toMatchObject({ rateLimited: 1, overloaded: 2 });
  });

  it('past the loop budget, the rest of an event-loop turn is 503 Overloaded (exempt addresses aside); the next turn admits again', async () => {
    let now = 0;
    const limiter = new ClientLimiter({ ...limits, clientBurst: 100, maxInFlight: 100, loopBudgetMs: 20 }, () => now);
    limiter.admit('10.0.0.1');
    now += 15;
    limiter.admit('10.0.0.2');
    now += 10;
    expect(refusal(() => limiter.admit('10.0.0.3'))).toEqual({ code: 'Overloaded', status: 503 });
    expect(refusal(() => limiter.admit('127.0.0.1'))).toBeNull();
    await new Promise((resolve) => setImmediate(resolve));
    expect(refusal(() => limiter.admit('10.0.0.3'))).toBeNull();
    expect(limiter.counts.overloaded).toBe(1);
  });

  it('leaves exempt addresses to the global bound only, and keeps no table entry for them', () => {
    const limiter = new ClientLimiter({ ...limits, maxInFlight: 1_000 }, () => 0);
    for (let i = 0; i < 100; i++) limiter.admit('127.0.0.1');
    expect(limiter.requestsInFlight).toBe(100);
    expect(limiter.clientsTracked).toBe(0);
  });

  it('remembers at most 10,000 clients, forgetting the least recent idle one', () => {
    const limiter = new ClientLimiter({ ...limits, maxInFlight: 100_000 }, () => 0);
    limiter.admit('busy');
    for (let i = 0; i < 20_000; i++) {
      limiter.admit(`10.${i >> 8}.${i & 255}.1`);
      limiter.release(`10.${i >> 8}.${i & 255}.1`);
    }
    expect(limiter.clientsTracked).toBe(10_000);
    // The client with a request in flight was never forgotten: its concurrency is still counted.
    limiter.admit('busy');
    limiter.admit('busy');
    expect(refusal(() => limiter.admit('busy'))).toMatchObject({ code: 'RateLimited' });
  });
});
