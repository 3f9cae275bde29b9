/**
 * Pruning (`prune` config / `--prune <blocks>|archive`, docs/protocol.md §20.6): after each block a
 * pruning node deletes the oldest blocks beyond the `keep` most recent, never one at or above the
 * last final block (a reorg can never need it), each in one batch of the store (its body, canonical
 * index entry, undo record, tx index and history events, and META earliest-height moved past it).
 * At most PRUNE_PER_BLOCK heights per block, saved up over blocks that came faster than pruning
 * (range sync) to at most MAX_BUDGET: a node switched from archive to pruned catches up over many
 * blocks instead of stalling, and a syncing node keeps up. State (supply counters included) is never pruned.
 */
import type { Logger } from 'pino';
import type { Chain } from '../../chain/chain.ts';

/** Heights pruned per block at most (the backlog of a newly pruning node drains gradually). */
export const PRUNE_PER_BLOCK = 8;
/** Budget saved up at most: blocks that come faster than pruning (range sync) are caught up on, but never in one long burst. */
const MAX_BUDGET = 8 * PRUNE_PER_BLOCK;

export class Pruner {
  private readonly chain: Chain;
  private readonly keep: number;
  private readonly logger: Logger;
  private running: Promise<void> | null = null;
  private again = false;
  private closed = false;
  /** Heights it may still prune: PRUNE_PER_BLOCK more with every block. */
  private budget = 0;
  private readonly onBlock = (): void => {
    this.budget = Math.min(MAX_BUDGET, this.budget + PRUNE_PER_BLOCK);
    this.schedule();
  };

  /** `keep`: blocks kept below the head (at least 1). */
  constructor(chain: Chain, keep: number, logger: Logger) {
    this.chain = chain;
    this.keep = Math.max(1, keep);
    this.logger = logger;
  }

  start(): void {
    this.chain.events.on('block', this.onBlock);
    // The head's block counts: one block's budget at once.
    this.onBlock();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.chain.events.off('block', this.onBlock);
    await this.running;
  }

  /** Tools and benches: prunes everything due now, however much (nothing else should run meanwhile). */
  async drain(): Promise<void> {
    await this.idle();
    for (let before = -1n; before !== this.chain.baseHeight;) {
      before = this.chain.baseHeight;
      this.budget = MAX_BUDGET;
      this.schedule();
      await this.idle();
    }
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

  /** Prunes the oldest heights out of the window and below finality, as far as the budget goes. */
  private async step(): Promise<void> {
    const { chain } = this;
    const keepFrom = chain.head.header.height - BigInt(this.keep) + 1n;
    const limit = keepFrom < chain.finalizedHeight ? keepFrom : chain.finalizedHeight;
    // The genesis block stays (peers check it in every status); the first prunable block is above it.
    let next = chain.baseHeight === chain.genesisHeight ? chain.genesisHeight + 1n : chain.baseHeight;
    for (; this.budget > 0 && next < limit && !this.closed; this.budget--, next++) {
      const block = await chain.blockAt(next);
      if (block !== null) await chain.store.pruneBlock(next, block.hash, block.txs.map((t) => t.hash));
      chain.advanceBase(next + 1n);
    }
  }
}
