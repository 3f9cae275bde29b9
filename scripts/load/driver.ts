/**
 * The load bench's client, a chat app's: everything goes through the client SDK (src/client, issue
 * 17 item 1) as an app would use it: WebCrypto keys, signed transactions, POST /v1/txs and
 * /v1/txs/batch, and the GET /v1/events stream whose `tx` events time each inclusion. Wallets are
 * funded by the authority; transfers are signed ahead of each step, then sent at a fixed rate.
 */
import { type ClientKey, DchatClient, DchatClientError, type SignedTransaction, generateKey, keyFromSeed, signTransaction, subscribe } from '../../src/client/index.ts';
import { SYSTEM_ACCOUNT_IDS } from '../../src/tokenomics/index.ts';
import type { Operation } from '../../src/tokenomics/index.ts';

export interface Wallet {
  readonly key: ClientKey;
  readonly walletId: string;
  nonce: bigint;
}

export async function makeWallet(key?: ClientKey): Promise<Wallet> {
  const k = key ?? (await generateKey());
  return { key: k, walletId: k.walletId, nonce: 0n };
}

/** A wallet of a key file's 32-byte seed (the testnet's authority). */
export async function walletFromSeed(seed: Uint8Array): Promise<Wallet> {
  return makeWallet(await keyFromSeed(Buffer.from(seed).toString('hex')));
}

export function sign(chainId: string, wallet: Wallet, op: Operation): Promise<SignedTransaction> {
  return signTransaction(wallet.key, { chainId, nonce: wallet.nonce++, op });
}

/** Why txs were not accepted, counted by code (the node's, or the client's for a failed request). */
export type Refusals = Record<string, number>;

const refuse = (refusals: Refusals, code: string, count = 1): void => {
  refusals[code] = (refusals[code] ?? 0) + count;
};
const codeOf = (err: unknown): string => (err as { code?: unknown }).code?.toString() ?? (err instanceof Error ? err.name : 'unknown');

/** POSTs a batch through the SDK; returns how many the node accepted (a refused request: none), counting the others' codes in `refusals`. */
export async function postBatch(client: DchatClient, txs: readonly SignedTransaction[], refusals: Refusals): Promise<number> {
  try {
    const results = await client.submitBatch(txs);
    for (const r of results) if (r.status !== 'pending') refuse(refusals, r.code ?? r.status);
    return results.filter((r) => r.status === 'pending').length;
  } catch (err) {
    refuse(refusals, `request ${codeOf(err)}`, txs.length);
    return 0;
  }
}

export async function postOne(client: DchatClient, tx: SignedTransaction, refusals: Refusals): Promise<number> {
  try {
    await client.submit(tx);
    return 1;
  } catch (err) {
    refuse(refusals, codeOf(err));
    return 0;
  }
}

/**
 * Funds every wallet from the treasury with the authority's `transfer-from-system`, in parts the
 * mempool takes from one sender (its per-sender bound, 256 by default), each waited for on the first
 * client's node; then waits until every client's node has the last funding tx in a block. (The step
 * after it submits to every node: one that has not imported the funding block yet would refuse a
 * wallet's first transfer, InsufficientBalance, and the rest of its batch, InvalidNonce.) The funding
 * txs share one sender, so the last one in a node's chain means all of them are.
 */
export async function fund(clients: readonly DchatClient[], chainId: string, authority: Wallet, wallets: readonly Wallet[], amount: bigint, inclusion: Inclusion): Promise<void> {
  const PART = 250;
  const client = clients[0]!;
  let last: string | undefined;
  for (let i = 0; i < wallets.length; i += PART) {
    const part = await Promise.all(wallets.slice(i, i + PART).map((w) => sign(chainId, authority, { type: 'transfer-from-system', fromAccount: SYSTEM_ACCOUNT_IDS.treasury, to: w.walletId, amount })));
    const results = await client.submitBatch(part);
    const refused = results.find((r) => r.status !== 'pending');
    if (refused !== undefined) throw new Error(`funding: the node refused a tx (${refused.code}: ${refused.message})`);
    await inclusion.waitFor(part.map((t) => t.hash), 120_000);
    last = part.at(-1)?.hash;
  }
  if (last !== undefined) await Promise.all(clients.map((c) => includedAt(c, last, 120_000)));
}

/**
 * Polls GET /v1/txs/{hash} until this node has the tx in a block. Unlike the SDK's waitForInclusion,
 * a tx the node does not know yet (404: submitted elsewhere, its block not imported here yet) is
 * waited for, not refused.
 */
async function includedAt(client: DchatClient, hash: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await client.tx(hash).catch((err: unknown) => {
      if (err instanceof DchatClientError && err.status === 404) return null;
      throw err;
    });
    if (status?.status === 'included') return;
    if (Date.now() > deadline) throw new Error(`funding: tx ${hash} not in a block of ${client.http.baseUrl} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Included tx hashes and when they were seen, from the SDK's subscription to a node's event stream; and the blocks' sizes. */
export class Inclusion {
  readonly seenAt = new Map<string, number>();
  readonly blocks: { height: bigint; txs: number; atMs: number }[] = [];
  private readonly controller = new AbortController();
  /**
   * What each waiter still misses: an inclusion removes its hash from each, so an event costs
   * O(waiters), not O(hashes waited for). (Re-checking every waited hash on every event made the
   * bench's own process stall for seconds on big blocks, which it then measured as latency.)
   */
  private readonly waiters = new Set<{ missing: Set<string>; done: () => void }>();

  static open(client: DchatClient): Inclusion {
    const inclusion = new Inclusion();
    void inclusion.read(client);
    return inclusion;
  }

  close(): void {
    this.controller.abort();
  }

  waitFor(hashes: readonly string[], timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const missing = new Set(hashes.filter((h) => !this.seenAt.has(h)));
      if (missing.size === 0) return resolve();
      const waiter = {
        missing,
        done: () => {
          this.waiters.delete(waiter);
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`${missing.size} of ${hashes.length} txs not included after ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  private async read(client: DchatClient): Promise<void> {
    try {
      for await (const event of subscribe(client.http, ['blocks', 'txs'], { signal: this.controller.signal })) {
        const now = performance.now();
        if (event.type === 'tx') this.included(String(event.data.hash), now);
        else if (event.type === 'block') this.blocks.push({ height: BigInt(String(event.data.height)), txs: Number(event.data.txs), atMs: now });
      }
    } catch {
      // closed
    }
  }

  private included(hash: string, now: number): void {
    this.seenAt.set(hash, now);
    for (const waiter of this.waiters) if (waiter.missing.delete(hash) && waiter.missing.size === 0) waiter.done();
  }
}

export interface StepResult {
  readonly rate: number;
  readonly mode: 'single' | 'batch';
  readonly seconds: number;
  readonly submitted: number;
  readonly accepted: number;
  /** The txs not accepted, by code. */
  readonly refused: Refusals;
  readonly included: number;
  /** Submit → included, ms, for every included tx of the step. */
  readonly latenciesMs: number[];
}

/** A signed tx and the wallet that signed it (its index: which lane sends it). */
export interface WalletTx {
  readonly tx: SignedTransaction;
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
  clients: readonly DchatClient[]; txs: readonly WalletTx[]; rate: number; seconds: number; mode: 'single' | 'batch'; batchSize: number; lanes: number; drainMs: number; inclusion: Inclusion;
}): Promise<StepResult> {
  const { clients, txs, rate, seconds, mode, inclusion } = options;
  const sentAt = new Map<string, number>();
  let accepted = 0;
  const refused: Refusals = {};
  let producing = true;
  const queues: SignedTransaction[][] = Array.from({ length: options.lanes }, () => []);
  const wake: ((() => void) | null)[] = queues.map(() => null);
  const lane = async (index: number): Promise<void> => {
    const client = clients[index % clients.length]!;
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
      for (const t of part) sentAt.set(t.hash, now);
      try {
        // Awaited first: `accepted += await ...` would read `accepted` before the await and lose the other lanes' counts.
        const n = mode === 'batch' ? await postBatch(client, part, refused) : await postOne(client, part[0]!, refused);
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
  return { rate, mode, seconds, submitted: sentAt.size, accepted, refused, included: latenciesMs.length, latenciesMs };
}
