/**
 * The latest blocks and transactions, kept small and ready to serve: the dashboard's "latest"
 * tables, so the page needs one request instead of one per block.
 */
import type { Block } from '../../chain/codec/block.ts';
import { toHex } from '../../chain/crypto.ts';
import { type Operation, type TokenEvent, walletIdFromPublicKey } from '../../tokenomics/index.ts';
import { Ring } from './ring.ts';

export interface BlockSummary {
  readonly height: bigint;
  readonly hash: string;
  readonly timestampMs: bigint;
  readonly proposer: string;
  readonly txs: number;
  readonly minted: bigint;
  readonly burned: bigint;
}

export interface TxSummary {
  readonly hash: string;
  readonly height: bigint;
  readonly index: number;
  readonly timestampMs: bigint;
  readonly type: Operation['type'];
  /** The signer's wallet id. */
  readonly from: string;
  /** Recipient account or pool, when the operation has one. */
  readonly to: string | null;
  readonly amount: bigint | null;
  /** Tokens this transaction burned (fees included). */
  readonly burned: bigint;
}

/** The one amount and counterparty worth a table column, whatever the operation. */
function headline(op: Operation): { to: string | null; amount: bigint | null } {
  const fields = op as unknown as Record<string, unknown>;
  const to = [fields.to, fields.recipient, fields.poolId, fields.account].find((v) => typeof v === 'string') as string | undefined;
  const amount = [fields.amount, fields.initialAmount, fields.amountPerInterval].find((v) => typeof v === 'bigint') as bigint | undefined;
  return { to: to ?? null, amount: amount ?? null };
}

function sumOf(events: readonly TokenEvent[], kind: 'mint' | 'burn', txHash?: string): bigint {
  let total = 0n;
  for (const e of events) if (e.kind === kind && (txHash === undefined || e.txHash === txHash)) total += e.amount;
  return total;
}

export function summarizeBlock(block: Block, events: readonly TokenEvent[]): { block: BlockSummary; txs: TxSummary[] } {
  const { header } = block;
  const txs = block.txs.map((signed, index): TxSummary => {
    const hash = toHex(signed.hash);
    return {
      hash,
      height: header.height,
      index,
      timestampMs: header.timestampMs,
      type: signed.tx.op.type,
      from: walletIdFromPublicKey(signed.tx.signer),
      ...headline(signed.tx.op),
      burned: sumOf(events, 'burn', hash),
    };
  });
  return {
    block: {
      height: header.height,
      hash: toHex(block.hash),
      timestampMs: header.timestampMs,
      proposer: header.proposer,
      txs: block.txs.length,
      minted: sumOf(events, 'mint'),
      burned: sumOf(events, 'burn'),
    },
    txs,
  };
}

export class RecentActivity {
  private readonly blocks: Ring<BlockSummary>;
  private readonly txs: Ring<TxSummary>;

  constructor(limits: { blocks: number; txs: number }) {
    this.blocks = new Ring(limits.blocks);
    this.txs = new Ring(limits.txs);
  }

  record(block: Block, events: readonly TokenEvent[]): void {
    const summary = summarizeBlock(block, events);
    const height = summary.block.height;
    this.blocks.popWhile((b) => b.height >= height);
    this.txs.popWhile((t) => t.height >= height);
    this.blocks.push(summary.block);
    for (const tx of summary.txs) this.txs.push(tx);
  }

  /** Older blocks (oldest first) from the store, placed before anything recorded live. */
  prepend(older: readonly { block: Block; events: readonly TokenEvent[] }[]): void {
    const liveBlocks = this.blocks.toArray();
    const liveTxs = this.txs.toArray();
    const firstLive = liveBlocks[0]?.height;
    const summaries = older.map((o) => summarizeBlock(o.block, o.events)).filter((s) => firstLive === undefined || s.block.height < firstLive);
    this.blocks.reset([...summaries.map((s) => s.block), ...liveBlocks]);
    this.txs.reset([...summaries.flatMap((s) => s.txs), ...liveTxs]);
  }

  /** Newest first. */
  latestBlocks(limit: number): BlockSummary[] {
    return this.blocks.toArray().slice(-limit).reverse();
  }

  /** Newest first. */
  latestTxs(limit: number): TxSummary[] {
    return this.txs.toArray().slice(-limit).reverse();
  }
}
