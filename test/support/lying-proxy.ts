/**
 * A lying node: an HTTP proxy in front of an honest API that changes a balance in its answers.
 * On GET /v1/proofs/* it adds `delta` to the balance in both the decoded value and the raw record
 * (so the answer is self-consistent and only the proof can catch it); everything else passes through.
 */
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeStateValue, encodeStateValue } from '../../src/chain/codec/state.ts';
import type { Account } from '../../src/tokenomics/index.ts';

export interface LyingProxy {
  readonly url: string;
  /** Answers rewritten so far. */
  readonly lies: () => number;
  close(): Promise<void>;
}

function lie(body: Record<string, unknown>, delta: bigint): boolean {
  if (typeof body.value_hex !== 'string' || typeof body.key !== 'string' || !body.key.startsWith('account:')) return false;
  const account = decodeStateValue(body.key, Buffer.from(body.value_hex, 'hex')) as Account;
  const changed = { ...account, balance: account.balance + delta };
  body.value_hex = Buffer.from(encodeStateValue(body.key, changed)).toString('hex');
  (body.value as Record<string, unknown>).balance = changed.balance.toString();
  return true;
}

export async function startLyingProxy(upstream: string, delta = 1_000_000n): Promise<LyingProxy> {
  let lies = 0;
  const server: Server = createServer((req, res) => {
    void (async () => {
      const answer = await fetch(`${upstream}${req.url ?? '/'}`);
      const type = answer.headers.get('content-type') ?? 'application/octet-stream';
      let body: Uint8Array = new Uint8Array(await answer.arrayBuffer());
      if ((req.url ?? '').startsWith('/v1/proofs/') && answer.ok) {
        const json = JSON.parse(Buffer.from(body).toString('utf8')) as Record<string, unknown>;
        if (lie(json, delta)) lies++;
        body = Buffer.from(JSON.stringify(json));
      }
      res.writeHead(answer.status, { 'content-type': type });
      res.end(body);
    })().catch((err: unknown) => {
      res.writeHead(502);
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    lies: () => lies,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
