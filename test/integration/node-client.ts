/** A small HTTP client of the node API for tests, a poller that waits on conditions, and a tx sender. */
import { signTx } from '../../src/chain/codec/tx.ts';
import { toHex } from '../../src/chain/crypto.ts';
import type { Operation } from '../../src/tokenomics/index.ts';

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

/** A key that signs: its hex public key and secret key (a node key file, or a test's namedKey). */
export interface SigningKey {
  readonly publicKeyHex: string;
  readonly secretKey: Uint8Array;
  readonly walletId: string;
}

/**
 * Signs `op` with the wallet's next nonce as the node counts it (next_nonce: pending included),
 * submits it and waits for its block; returns the hash and the included status (height, events).
 */
export async function includeTx(base: string, key: SigningKey, op: Operation): Promise<{ hash: string; status: Record<string, unknown> }> {
  const account = await api<{ next_nonce: string }>(base, `/v1/accounts/${key.walletId}`);
  const tx = signTx({ chainId: 'dchat-dev', signer: key.publicKeyHex, nonce: BigInt(account.body.next_nonce), op }, key.secretKey);
  const submitted = await postTx(base, tx.bytes);
  if (submitted.status !== 202) throw new Error(`tx refused: ${JSON.stringify(submitted.body)}`);
  const hash = toHex(tx.hash);
  const status = await waitFor('inclusion', async () => {
    const reply = await api(base, `/v1/txs/${hash}`);
    return reply.body.status === 'included' || reply.body.status === 'rejected' ? reply.body : undefined;
  });
  if (status.status === 'rejected') throw new Error(`tx rejected: ${JSON.stringify(status)}`);
  return { hash, status };
}
