/**
 * The one way a command changes state: build the transaction (chain id from GET /v1/node, nonce
 * from GET /v1/accounts/{wallet}), sign it, POST its msgpack bytes, then poll GET /v1/txs/{hash}
 * until it is included or rejected, with a progress bar on a terminal.
 */
import { signTx } from '../../chain/codec/tx.ts';
import { toHex } from '../../chain/crypto.ts';
import type { Operation } from '../../tokenomics/index.ts';
import type { Json } from '../client.ts';
import type { Context } from '../context.ts';
import { CliError } from '../errors.ts';
import type { UnlockedKey } from '../keystore/keystore.ts';
import { startProgress } from '../progress.ts';

export interface TxEvents {
  readonly mints: readonly Json[];
  readonly burns: readonly Json[];
  readonly distributions: readonly Json[];
}

export interface TxResult {
  readonly hash: string;
  readonly status: 'pending' | 'included';
  readonly height: bigint | null;
  /** What the transaction minted, burned and paid (empty until included). */
  readonly events: TxEvents;
}

export interface SendOptions {
  readonly wait: boolean;
  readonly timeoutMs: number;
}

const NO_EVENTS: TxEvents = { mints: [], burns: [], distributions: [] };

export async function sendTx(ctx: Context, signer: UnlockedKey, op: Operation, options: SendOptions): Promise<TxResult> {
  const node = await ctx.client.get<{ chain_id: string; block_time_ms: string }>('/v1/node');
  const account = await ctx.client.get<{ nonce: string; next_nonce?: string }>(`/v1/accounts/${signer.walletId}`);
  // next_nonce counts this wallet's transactions still in the mempool, so back-to-back commands chain.
  const nonce = BigInt(account.next_nonce ?? account.nonce);
  const signed = signTx({ chainId: node.chain_id, signer: signer.publicKey, nonce, op }, signer.secretKey);
  const hash = toHex(signed.hash);
  await ctx.client.post('/v1/txs', signed.bytes);
  if (!options.wait) return { hash, status: 'pending', height: null, events: NO_EVENTS };
  return waitForInclusion(ctx, hash, Number(node.block_time_ms), options.timeoutMs);
}

async function waitForInclusion(ctx: Context, hash: string, blockTimeMs: number, timeoutMs: number): Promise<TxResult> {
  const progress = startProgress(ctx.io, 'waiting for the next block', blockTimeMs);
  const pollMs = Math.max(25, Math.min(250, Math.floor(blockTimeMs / 4)));
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      const status = await ctx.client.get<{ status: string; height?: string; code?: string; message?: string; events?: TxEvents }>(`/v1/txs/${hash}`);
      if (status.status === 'included') return { hash, status: 'included', height: BigInt(status.height!), events: status.events ?? NO_EVENTS };
      if (status.status === 'rejected') {
        throw new CliError('refused', status.code ?? 'Rejected', `${status.message ?? 'The node dropped the transaction.'} (tx ${hash})`);
      }
      if (Date.now() >= deadline) {
        throw new CliError('timeout', 'Timeout', `Transaction ${hash} is still pending after ${timeoutMs / 1000} s; check it later with GET /v1/txs/${hash}.`);
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  } finally {
    progress.stop();
  }
}
