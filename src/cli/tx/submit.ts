/**
 * The one way a command changes state, through the SDK (src/client): build the transaction (chain
 * id from GET /v1/node, nonce from GET /v1/accounts/{wallet}), sign it, POST its msgpack bytes, then
 * wait for inclusion (the event stream, else polling GET /v1/txs/{hash}), with a progress bar on a
 * terminal.
 */
import { toHex } from '../../chain/crypto.ts';
import { keyFromSeed } from '../../client/index.ts';
import type { Operation } from '../../tokenomics/index.ts';
import type { Json } from '../client.ts';
import type { Context } from '../context.ts';
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
  const { client } = ctx;
  const sdk = client.sdk;
  const key = await keyFromSeed(toHex(signer.secretKey));
  const signed = await client.call(() => sdk.sign(key, op));
  await client.call(() => sdk.submit(signed));
  if (!options.wait) return { hash: signed.hash, status: 'pending', height: null, events: NO_EVENTS };
  const node = await client.call(() => sdk.node());
  const progress = startProgress(ctx.io, 'waiting for the next block', Number(node.block_time_ms));
  try {
    const status = await client.call(() => sdk.waitForInclusion(signed.hash, { timeoutMs: options.timeoutMs }));
    return { hash: signed.hash, status: 'included', height: BigInt(status.height!), events: (status.events as TxEvents | undefined) ?? NO_EVENTS };
  } finally {
    progress.stop();
  }
}
