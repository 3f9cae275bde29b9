/** A small HTTP client of the node API for tests, and a poller that waits on conditions. */
export interface ApiReply<T = Record<string, unknown>> {
  readonly status: number;
  readonly body: T;
}

/**
 * A node that accepts a connection and never answers (as one whose start hung did) fails the
 * request instead of hanging it, so a waitFor names what it waited for.
 */
const REQUEST_TIMEOUT_MS = 15_000;

export async function api<T = Record<string, unknown>>(base: string, path: string, init?: RequestInit): Promise<ApiReply<T>> {
  const res = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS), ...init });
  const text = await res.text();
  return { status: res.status, body: (text.length > 0 ? JSON.parse(text) : null) as T };
}

export async function postTx(base: string, bytes: Uint8Array): Promise<ApiReply> {
  return api(base, '/v1/txs', { method: 'POST', headers: { 'content-type': 'application/msgpack' }, body: Buffer.from(bytes) });
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 20_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
