/**
 * A steady transfer load on a testnet, as wallets would send it: each wallet signs one transfer at a
 * time with its next nonce and posts it to a random running node, resending the very same bytes
 * (never a different tx for the same nonce) until some node accepts it (202, or DuplicateTx: it is
 * already there). A tx whose reply was lost to a kill is therefore either accepted later under the
 * same hash or was accepted already; either way it is counted once. When a node refuses the next
 * nonce because it has not seen the wallet's previous tx (it sat only in a node that was killed),
 * the wallet rebroadcasts its recent txs to that node, as wallets do.
 */
import { signTx, type SignedTx } from '../../../src/chain/codec/tx.ts';
import { toHex } from '../../../src/chain/crypto.ts';
import type { NodeKey } from '../../../src/node/key-files.ts';
import { http, postTx, sleep } from './http.ts';
import type { Rng } from './rng.ts';

export interface AcceptedTx {
  readonly hash: string;
  readonly walletId: string;
  readonly nonce: bigint;
  readonly bytes: Uint8Array;
  readonly to: string;
  readonly amount: bigint;
  readonly acceptedAt: number;
  readonly via: string;
}

export interface LoadOptions {
  readonly chainId: string;
  readonly wallets: readonly NodeKey[];
  readonly recipients: readonly string[];
  /** Base URLs of the nodes that are up now. */
  readonly targets: () => readonly string[];
  readonly intervalMs: number;
  readonly rng: Rng;
}

export class TransferLoad {
  readonly accepted = new Map<string, AcceptedTx>();
  readonly counts = { posted: 0, accepted: 0, unreachable: 0, rebroadcast: 0, refused: {} as Record<string, number> };
  private readonly options: LoadOptions;
  private readonly byWallet = new Map<string, AcceptedTx[]>();
  private running = false;
  private loops: Promise<void>[] = [];
  private paused = false;

  constructor(options: LoadOptions) {
    this.options = options;
  }

  start(): void {
    this.running = true;
    this.loops = this.options.wallets.map((wallet) => this.walletLoop(wallet));
  }

  /** Pauses sending (the loops keep their place) while a check needs a quiet chain. */
  pause(paused: boolean): void {
    this.paused = paused;
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  acceptedOf(walletId: string): readonly AcceptedTx[] {
    return this.byWallet.get(walletId) ?? [];
  }

  private async walletLoop(wallet: NodeKey): Promise<void> {
    const { rng, chainId } = this.options;
    let nonce: bigint | null = null;
    let current: SignedTx | null = null;
    let lastRebroadcast = 0;
    while (this.running) {
      await sleep(this.options.intervalMs / 2 + rng.int(this.options.intervalMs));
      if (this.paused) continue;
      const targets = this.options.targets();
      if (targets.length === 0) continue;
      const base = rng.pick(targets);
      try {
        nonce ??= BigInt((await http<{ next_nonce: string }>(base, `/v1/accounts/${wallet.walletId}`, {}, 3_000)).body.next_nonce);
        const to = rng.pick(this.options.recipients);
        current ??= signTx({ chainId, signer: wallet.publicKeyHex, nonce, op: { type: 'transfer', to, amount: BigInt(1 + rng.int(1_000)) } }, wallet.secretKey);
        this.counts.posted++;
        const reply = await postTx(base, current.bytes, 5_000);
        const code = typeof reply.body?.code === 'string' ? reply.body.code : null;
        if (reply.status === 202 || code === 'DuplicateTx') {
          const op = current.tx.op as { to: string; amount: bigint };
          const tx: AcceptedTx = { hash: toHex(current.hash), walletId: wallet.walletId, nonce: current.tx.nonce, bytes: current.bytes, to: op.to, amount: op.amount, acceptedAt: Date.now(), via: base };
          this.accepted.set(tx.hash, tx);
          const list = this.byWallet.get(wallet.walletId) ?? [];
          list.push(tx);
          this.byWallet.set(wallet.walletId, list);
          this.counts.accepted++;
          nonce++;
          current = null;
          continue;
        }
        const key = code ?? `HTTP ${reply.status}`;
        this.counts.refused[key] = (this.counts.refused[key] ?? 0) + 1;
        if (code === 'InvalidNonce' && Date.now() - lastRebroadcast > 500) {
          // The node lacks an earlier tx of ours (it sat in a node that was killed): send it again.
          lastRebroadcast = Date.now();
          for (const tx of (this.byWallet.get(wallet.walletId) ?? []).slice(-4)) {
            this.counts.rebroadcast++;
            await postTx(base, tx.bytes, 5_000).catch(() => undefined);
          }
        }
      } catch {
        this.counts.unreachable++;
      }
    }
  }
}
