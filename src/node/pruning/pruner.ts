/**
 * Pruning (`prune` config / `--prune <blocks>|archive`, docs/protocol.md §20.6): after each block a
 * pruning node deletes the oldest blocks beyond the `keep` most recent, never one at or above the
 * last final block (a reorg can never need it), each in one batch of the store (its body, canonical
 * index entry, undo record, tx index and history events, and META earliest-height moved past it).
 * At most PER_BLOCK heights a block: a node switched from archive to pruned catches up over many
 * blocks instead of stalling. State (supply counters included) is never pruned.
 */
import type { Logger } from 'pino';
import type { Chain } from '../../chain/chain.ts';

/** Heights pruned after one block at most (the backlog of a newly pruning node drains gradually). */
export const PRUNE_PER_BLOCK = 8;

export class Pruner {
  private readonly chain: Chain;
  private readonly keep: number;
  private readonly logger: Logger;
  private running: Promise<void> | null = null;
  private again = false;
  private closed = false;
  private readonly onBlock = (): void => this.schedule();

  /** `keep`: blocks kept below the head (at least 1). */
  constructor(chain: Chain, keep: number, logger: Logger) {
    this.chain = chain;
    this.keep = Math.max(1, keep);
    this.logger = logger;
  }

  start(): void {
    this.chain.events.on('block', this.onBlock);
    this.schedule();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.chain.events.off('block', this.onBlock);
    await this.running;
  }

  /** Tests: resolves once no pruning step runs. */
  async idle(): Promise<void> {
    while (this.running !== null) await this.running;
  }

  private schedule(): void {
    if (this.closed) return;
    if (this.running !== null) {
      this.again = true;
      return;
    }
    this.running = this.step()
      .catch((err: unknown) => this.logger.warn({ err }, 'pruning failed; it is tried again after the next block'))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.schedule();
        }
      });
  }

  /** Prunes up to PRUNE_PER_BLOCK of the oldest heights that are out of the window and below finality. */
  private async step(): Promise<void> {
    const { chain } = this;
    const keepFrom = chain.head.header.height - BigInt(this.keep) + 1n;
    const limit = keepFrom < chain.finalizedHeight ? keepFrom : chain.finalizedHeight;
    // The genesis block stays (peers check it in every status); the first prunable block is above it.
    let next = chain.baseHeight === chain.genesisHeight ? chain.genesisHeight + 1n : chain.baseHeight;
    for (let i = 0; i < PRUNE_PER_BLOCK && next < limit && !this.closed; i++, next++) {
      const block = await chain.blockAt(next);
      if (block !== null) await chain.store.pruneBlock(next, block.hash, block.txs.map((t) => t.hash));
      chain.advanceBase(next + 1n);
    }
  }
}
