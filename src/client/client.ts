/**
 * The chat app's client of one dchat node: queries (docs/protocol.md §16), building, signing and
 * submitting every operation, waiting for inclusion, and event subscriptions. Amounts leave the
 * node as decimal strings and stay so in the answers; the SDK takes bigint wherever it builds.
 */
import { pack } from '../chain/codec/msgpack-writer.ts';
import type { Operation } from '../tokenomics/operations.ts';
import { type StreamEvent, type SubscribeOptions, type Topic, subscribe } from './events.ts';
import { type HttpOptions, type Json, NodeHttp, type Page } from './http.ts';
import { InclusionWatcher, type TxStatusJson } from './inclusion.ts';
import type { ClientKey } from './keys.ts';
import { type SignedTransaction, signTransaction } from './sign.ts';
import { VerifiedReads } from './verified.ts';
import type { LightValidatorEpoch, TrustedGenesis } from '../light/index.ts';

export type Query = Readonly<Record<string, string | number | bigint | boolean | undefined>>;

export interface NodeInfo extends Json {
  readonly chain_id: string;
  readonly block_time_ms: string;
}

export interface SubmitResult {
  readonly hash: string;
  readonly status: 'pending';
}

export type BatchResult =
  | { readonly index: number; readonly hash: string; readonly status: 'pending' }
  | { readonly index: number; readonly hash: string | null; readonly status: 'rejected'; readonly code: string; readonly message: string };

export interface WaitOptions {
  /** Default 60 s; then a `timeout` DchatClientError (the tx may still be included later). */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

export interface SendOptions extends WaitOptions {
  /** Wait for inclusion (default true); false returns once the node accepted the tx. */
  readonly wait?: boolean;
  /** Sign with this nonce instead of the account's next_nonce. */
  readonly nonce?: bigint;
}

export type Sent = { readonly signed: SignedTransaction; readonly status: TxStatusJson };

export type HistoryKind = 'mints' | 'burns' | 'distributions';

export class DchatClient {
  readonly http: NodeHttp;
  private info: Promise<NodeInfo> | null = null;
  private watcher: InclusionWatcher | null = null;
  /** Per wallet, the nonce after the last tx this client had accepted: back-to-back sends chain even before the node counts them. */
  private readonly nextNonces = new Map<string, bigint>();

  constructor(options: HttpOptions | NodeHttp) {
    this.http = options instanceof NodeHttp ? options : new NodeHttp(options);
  }

  // Queries (§16): answers as the node sends them, amounts as decimal strings.

  /** GET /v1/node, read once: the chain id and block time do not change while a node runs. */
  node(): Promise<NodeInfo> {
    this.info ??= this.http.get<NodeInfo>('/v1/node').catch((err: unknown) => {
      this.info = null;
      throw err;
    });
    return this.info;
  }

  account(id: string): Promise<Json> {
    return this.http.get(`/v1/accounts/${id}`);
  }

  pools(query?: Query): Promise<Page<Json>> {
    return this.http.getPage(`/v1/pools${queryString(query)}`);
  }

  pool(id: string): Promise<Json> {
    return this.http.get(`/v1/pools/${id}`);
  }

  listings(query?: Query): Promise<Page<Json>> {
    return this.http.getPage(`/v1/listings${queryString(query)}`);
  }

  listing(id: string): Promise<Json> {
    return this.http.get(`/v1/listings/${id}`);
  }

  purchases(query?: Query): Promise<Page<Json>> {
    return this.http.getPage(`/v1/purchases${queryString(query)}`);
  }

  purchase(id: string): Promise<Json> {
    return this.http.get(`/v1/purchases/${id}`);
  }

  schedules(query?: Query): Promise<Page<Json>> {
    return this.http.getPage(`/v1/schedules${queryString(query)}`);
  }

  proposals(query?: Query): Promise<Page<Json>> {
    return this.http.getPage(`/v1/proposals${queryString(query)}`);
  }

  proposal(id: string, query?: Query): Promise<Json> {
    return this.http.get(`/v1/proposals/${id}${queryString(query)}`);
  }

  history(kind: HistoryKind, query?: Query): Promise<Page<Json>> {
    return this.http.getPage(`/v1/history/${kind}${queryString(query)}`);
  }

  stats(): Promise<Json> {
    return this.http.get('/v1/stats');
  }

  block(height: bigint | 'head'): Promise<Json> {
    return this.http.get(`/v1/blocks/${height}`);
  }

  tx(hash: string): Promise<TxStatusJson> {
    return this.http.get(`/v1/txs/${hash}`);
  }

  // Transactions.

  /** The nonce a new tx of this wallet takes: next_nonce counts its txs still in the mempool. */
  async nextNonce(walletId: string): Promise<bigint> {
    const account = await this.http.get<{ nonce: string; next_nonce?: string }>(`/v1/accounts/${walletId}`);
    const remote = BigInt(account.next_nonce ?? account.nonce);
    const local = this.nextNonces.get(walletId) ?? 0n;
    return remote > local ? remote : local;
  }

  /** Builds and signs `op` for this node's chain with the wallet's next nonce (or the one given). */
  async sign(key: ClientKey, op: Operation, nonce?: bigint): Promise<SignedTransaction> {
    const [{ chain_id: chainId }, txNonce] = await Promise.all([this.node(), nonce ?? this.nextNonce(key.walletId)]);
    return signTransaction(key, { chainId, nonce: txNonce, op });
  }

  /** POST /v1/txs: accepted into the mempool, or a `refused` DchatClientError with the node's code. */
  async submit(signed: SignedTransaction): Promise<SubmitResult> {
    try {
      const result = await this.http.post<SubmitResult>('/v1/txs', signed.bytes);
      this.noteAccepted(signed);
      return result;
    } catch (err) {
      this.nextNonces.delete(walletOf(signed));
      throw err;
    }
  }

  /** POST /v1/txs/batch (§16.2): up to 1,000 txs admitted in order, a status for each. */
  async submitBatch(signed: readonly SignedTransaction[]): Promise<BatchResult[]> {
    const answer = await this.http.post<{ results: BatchResult[] }>('/v1/txs/batch', pack(signed.map((s) => s.bytes)));
    answer.results.forEach((result, i) => {
      if (result.status === 'pending') this.noteAccepted(signed[i]!);
      else this.nextNonces.delete(walletOf(signed[i]!));
    });
    return answer.results;
  }

  /** Resolves once the tx is in a block (its GET /v1/txs answer: height, index, events). */
  async waitForInclusion(hash: string, options: WaitOptions = {}): Promise<TxStatusJson> {
    if (this.watcher === null) {
      const blockTimeMs = Number((await this.node()).block_time_ms);
      this.watcher = new InclusionWatcher(this.http, Math.max(25, Math.min(250, Math.floor(blockTimeMs / 4))));
    }
    return this.watcher.wait(hash, options.timeoutMs ?? 60_000, options.signal);
  }

  /** Sign, submit and (by default) wait: the whole path of one operation. */
  async send(key: ClientKey, op: Operation, options: SendOptions = {}): Promise<Sent> {
    const signed = await this.sign(key, op, options.nonce);
    const accepted = await this.submit(signed);
    if (options.wait === false) return { signed, status: { hash: accepted.hash, status: 'pending' } };
    try {
      return { signed, status: await this.waitForInclusion(signed.hash, options) };
    } catch (err) {
      // Dropped after admission: the wallet's next tx takes the node's nonce again, not one after this.
      if ((err as { kind?: string }).kind === 'refused') this.nextNonces.delete(signed.walletId);
      throw err;
    }
  }

  /**
   * Verified reads against `genesis` (the chain's genesis file, `trustedGenesisFromJson`): answers
   * checked by the light client (§19), refused with a LightError naming the failed check. Pass the
   * epochs an earlier run stored (`reads.sets.all().slice(1)`) to skip re-checking known set changes.
   */
  verified(genesis: TrustedGenesis, learned?: readonly LightValidatorEpoch[]): VerifiedReads {
    return new VerifiedReads(this.http, genesis, learned);
  }

  /** GET /v1/events (§16.1): events as they happen, resumed across drops. */
  subscribe(topics: readonly Topic[], options?: SubscribeOptions): AsyncGenerator<StreamEvent> {
    return subscribe(this.http, topics, options);
  }

  private noteAccepted(signed: SignedTransaction): void {
    this.nextNonces.set(walletOf(signed), signed.tx.nonce + 1n);
  }
}

function walletOf(signed: SignedTransaction): string {
  return signed.walletId;
}

function queryString(query: Query | undefined): string {
  if (query === undefined) return '';
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, String(value));
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}
