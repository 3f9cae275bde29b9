/**
 * The load bench's client: wallets funded by the authority, transfers signed ahead of each step,
 * then sent over HTTP at a fixed rate (single POST /v1/txs or batches of POST /v1/txs/batch, spread
 * over the nodes, keep-alive, a bounded number of requests in flight), their inclusion timed from
 * one node's GET /v1/events stream (the `tx` events), as a chat app would see them.
 */
import { signTx, type SignedTx } from '../../src/chain/codec/tx.ts';
import { pack } from '../../src/chain/codec/msgpack.ts';
import { generateKeyPair, toHex } from '../../src/chain/crypto.ts';
import { SYSTEM_ACCOUNT_IDS, walletIdFromPublicKey } from '../../src/tokenomics/index.ts';
import type { Operation } from '../../src/tokenomics/index.ts';

export interface Wallet {
  readonly publicKeyHex: string;
  readonly secretKey: Uint8Array;
  readonly walletId: string;
  nonce: bigint;
}

export function makeWallet(pair = generateKeyPair()): Wallet {
  const publicKeyHex = toHex(pair.publicKey);
  return { publicKeyHex, secretKey: pair.secretKey, walletId: walletIdFromPublicKey(publicKeyHex), nonce: 0n };
}

export function sign(chainId: string, wallet: Wallet, op: Operation): SignedTx {
  return signTx({ chainId, signer: wallet.publicKeyHex, nonce: wallet.nonce++, op }, wallet.secretKey);
}

interface BatchAnswer {
  readonly accepted: number;
  readonly results: readonly { readonly code?: string; readonly message?: string }[];
}

async function sendBatch(url: string, txs: readonly SignedTx[]): Promise<BatchAnswer> {
  const res = await fetch(`${url}/v1/txs/batch`, { method: 'POST', headers: { 'content-type': 'application/msgpack' }, body: Buffer.from(pack(txs.map((t) => t.bytes))) });
  if (!res.ok) return { accepted: 0, results: [{ code: `Http${res.status}`, message: await res.text() }] };
  return (await res.json()) as BatchAnswer;
}

/** POSTs a batch; returns how many the node accepted. */
export async function postBatch(url: string, txs: readonly SignedTx[]): Promise<number> {
  return (await sendBatch(url, txs)).accepted;
}

export async function postOne(url: string, tx: SignedTx): Promise<number> {
  const res = await fetch(`${url}/v1/txs`, { method: 'POST', headers: { 'content-type': 'application/msgpack' }, body: Buffer.from(tx.bytes) });
  await res.arrayBuffer();
  return res.status === 202 ? 1 : 0;
}

/**
 * Funds every wallet from the treasury with the authority's `transfer-from-system`, in parts the
 * mempool takes from one sender (its per-sender bound, 256 by default), each waited for.
 */
export async function fund(url: string, chainId: string, authority: Wallet, wallets: readonly Wallet[], amount: bigint, inclusion: Inclusion): Promise<void> {
  const PART = 250;
  for (let i = 0; i < wallets.length; i += PART) {
    const part = wallets.slice(i, i + PART).map((w) => sign(chainId, authority, { type: 'transfer-from-system', fromAccount: SYSTEM_ACCOUNT_IDS.treasury, to: w.walletId, amount }));
    const answer = await sendBatch(url, part);
    if (answer.accepted !== part.length) {
      const why = answer.results.find((r) => r.code !== undefined);
      throw new Error(`funding: the node accepted ${answer.accepted} of ${part.length} (${why?.code}: ${why?.message})`);
    }
    await inclusion.waitFor(part.map((t) => toHex(t.hash)), 120_000);
  }
}

/** Included tx hashes and when they were seen, from a node's event stream; and the blocks' sizes. */
export class Inclusion {
  readonly seenAt = new Map<string, number>();
  readonly blocks: { height: bigint; txs: number; atMs: number }[] = [];
  private readonly controller = new AbortController();
  private waiters = new Set<() => void>();

  static async open(url: string): Promise<Inclusion> {
    const inclusion = new Inclusion();
    const res = await fetch(`${url}/v1/events?topics=blocks,txs`, { signal: inclusion.controller.signal });
    if (!res.ok || res.body === null) throw new Error(`GET /v1/events answered ${res.status}`);
    void inclusion.read(res.body as unknown as AsyncIterable<Uint8Array>);
    return inclusion;
  }

  close(): void {
    this.controller.abort();
  }

  waitFor(hashes: readonly string[], timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!hashes.every((h) => this.seenAt.has(h))) return;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`${hashes.filter((h) => !this.seenAt.has(h)).length} of ${hashes.length} txs not included after ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  private async read(body: AsyncIterable<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let text = '';
    try {
      for await (const chunk of body) {
        text += decoder.decode(chunk, { stream: true });
        let end: number;
        const now = performance.now();
        while ((end = text.indexOf('\n\n')) >= 0) {
          const event = text.slice(0, end);
          text = text.slice(end + 2);
          const type = /^event: (.*)$/m.exec(event)?.[1];
          const data = /^data: (.*)$/m.exec(event)?.[1];
          if (data === undefined) continue;
          if (type === 'tx') this.seenAt.set((JSON.parse(data) as { hash: string }).hash, now);
          else if (type === 'block') {
            const b = JSON.parse(data) as { height: string; txs: number };
            this.blocks.push({ height: BigInt(b.height), txs: b.txs, atMs: now });
          }
        }
        for (const wake of this.waiters) wake();
      }
    } catch {
      // closed
    }
  }
}

export interface StepResult {
  readonly rate: number;
  readonly mode: 'single' | 'batch';
  readonly seconds: number;
  readonly submitted: number;
  readonly accepted: number;
  readonly included: number;
  /** Submit → included, ms, for every included tx of the step. */
  readonly latenciesMs: number[];
}

/** A signed tx and the wallet that signed it (its index: which lane sends it). */
export interface WalletTx {
  readonly tx: SignedTx;
  readonly wallet: number;
}

/**
 * Sends `rate` txs per second for `seconds`, made due in ticks of 100 ms. Wallets are split over
 * `lanes` lanes (each bound to one node, as an app keeps its node); a lane sends what is due in
 * order, one request at a time (one tx, or a batch of up to `batchSize`), so a wallet's nonces
 * arrive in order and at most `lanes` requests are in flight. Submitted counts what was really
 * sent. Then waits up to `drainMs` for the inclusions.
 */
export async function runStep(options: {
  urls: readonly string[]; txs: readonly WalletTx[]; rate: number; seconds: number; mode: 'single' | 'batch'; batchSize: number; lanes: number; drainMs: number; inclusion: Inclusion;
}): Promise<StepResult> {
  const { urls, txs, rate, seconds, mode, inclusion } = options;
  const sentAt = new Map<string, number>();
  let accepted = 0;
  let producing = true;
  const queues: SignedTx[][] = Array.from({ length: options.lanes }, () => []);
  const wake: ((() => void) | null)[] = queues.map(() => null);
  const lane = async (index: number): Promise<void> => {
    const url = urls[index % urls.length]!;
    const queue = queues[index]!;
    for (;;) {
      if (queue.length === 0) {
        if (!producing) return;
        await new Promise<void>((r) => {
          wake[index] = r;
        });
        continue;
      }
      const part = queue.splice(0, mode === 'batch' ? options.batchSize : 1);
      const now = performance.now();
      for (const t of part) sentAt.set(toHex(t.hash), now);
      try {
        // Awaited first: `accepted += await ...` would read `accepted` before the await and lose the other lanes' counts.
        const n = mode === 'batch' ? await postBatch(url, part) : await postOne(url, part[0]!);
        accepted += n;
      } catch {
        // counted as not accepted
      }
    }
  };
  const wakeAll = (): void => {
    wake.forEach((w, i) => {
      wake[i] = null;
      w?.();
    });
  };
  const lanes = queues.map((_, i) => lane(i));
  const started = performance.now();
  const tickMs = 100;
  let next = 0;
  for (let tick = 0; tick < (seconds * 1000) / tickMs; tick++) {
    const due = Math.min(txs.length, Math.round(((tick + 1) * tickMs * rate) / 1000));
    for (; next < due; next++) queues[txs[next]!.wallet % options.lanes]!.push(txs[next]!.tx);
    wakeAll();
    const wait = started + (tick + 1) * tickMs - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  producing = false;
  wakeAll();
  await Promise.all(lanes);
  await inclusion.waitFor([...sentAt.keys()], options.drainMs).catch(() => undefined);
  const latenciesMs: number[] = [];
  for (const [hash, at] of sentAt) {
    const seen = inclusion.seenAt.get(hash);
    if (seen !== undefined) latenciesMs.push(seen - at);
  }
  return { rate, mode, seconds, submitted: sentAt.size, accepted, included: latenciesMs.length, latenciesMs };
}
