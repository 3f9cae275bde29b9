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

/**
 * Minted and burned in the block, and burned per transaction: one pass over the events (a
 * 10,000-transfer block has as many burns; looking each tx's burns up by scanning them all was
 * 10^8 steps per block on the node's main thread).
 */
function totals(events: readonly TokenEvent[]): { minted: bigint; burned: bigint; burnedByTx: Map<string, bigint> } {
  let minted = 0n;
  let burned = 0n;
  const burnedByTx = new Map<string, bigint>();
  for (const e of events) {
    if (e.kind === 'mint') minted += e.amount;
    if (e.kind !== 'burn') continue;
    burned += e.amount;
    if (e.txHash !== null) burnedByTx.set(e.txHash, (burnedByTx.get(e.txHash) ?? 0n) + e.amount);
  }
  return { minted, burned, burnedByTx };
}

/** The block's summary and its last `keepTxs` transactions' (the ones a bounded table keeps). */
export function summarizeBlock(block: Block, events: readonly TokenEvent[], keepTxs = Number.POSITIVE_INFINITY): { block: BlockSummary; txs: TxSummary[] } {
  const { header } = block;
  const { minted, burned, burnedByTx } = totals(events);
  const first = Math.max(0, block.txs.length - keepTxs);
  const txs = block.txs.slice(first).map((signed, i): TxSummary => {
    const hash = toHex(signed.hash);
    return {
      hash,
      height: header.height,
      index: first + i,
      timestampMs: header.timestampMs,
      type: signed.tx.op.type,
      from: walletIdFromPublicKey(signed.tx.signer),
      ...headline(signed.tx.op),
      burned: burnedByTx.get(hash) ?? 0n,
    };
  });
  return {
    block: { height: header.height, hash: toHex(block.hash), timestampMs: header.timestampMs, proposer: header.proposer, txs: block.txs.length, minted, burned },
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
    const summary = summarizeBlock(block, events, this.txs.capacity);
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
    const summaries = older.map((o) => summarizeBlock(o.block, o.events, this.txs.capacity)).filter((s) => firstLive === undefined || s.block.height < firstLive);
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
