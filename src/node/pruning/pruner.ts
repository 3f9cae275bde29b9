/**
 * Pruning and state history trimming (docs/protocol.md §20.6). After each block, in every mode:
 *   - the state tree versions below the lowest provable height (and below every anchor a coming
 *     validator set change still needs) are trimmed, a change anchored at a trimmed height keeping
 *     its proof in the validator set log first;
 *   - the undo records below the last final block and older than `keepUndo` blocks (the event
 *     streams replay the keys a block wrote from them) are trimmed;
 *   - side blocks (off the canonical chain) below the last final block are deleted: no branch
 *     forking below it can ever win, so they would only hold disk.
 * A pruning node (`prune` config / `--prune <blocks>`) also deletes the oldest blocks beyond the
 * `keepBlocks` most recent, never one at or above the last final block (a reorg can never need
 * it), each in one batch (its body, canonical index entry, undo record, tx index and history
 * events, and META earliest-height moved past it).
 * Each of these does at most PRUNE_PER_BLOCK heights per block, saved up over blocks that came
 * faster (range sync) to at most MAX_BUDGET: a node that starts trimming or pruning catches up
 * over many blocks instead of stalling, and a syncing node keeps up. State (supply counters
 * included) is never pruned.
 */
import type { Logger } from 'pino';
import type { Chain } from '../../chain/chain.ts';
import { PROVABLE_DEPTH, oldestProvable } from '../../chain/chain-tree.ts';
import { PENDING_VALIDATORS_KEY, type ValidatorSetChange, anchorHeight, pendingValue } from '../../chain/store/validator-set-log.ts';
import { minBig, validatorSetDelay } from '../../tokenomics/index.ts';
import { DEFAULT_EVENT_LIMITS } from '../events/event-hub.ts';

export interface PrunerOptions {
  /** Blocks kept below the head (at least 1); null: archive, no block is deleted. */
  readonly keepBlocks: number | null;
  /** Undo records kept below the head at least (default: as far back as an event stream may resume). */
  readonly keepUndo?: number;
}

/** Set changes looked at above a trimmed height for one anchored there (changes are far apart: 2n + 1 blocks at least). */
const ANCHOR_LOOKAHEAD = 4;

/** The undo records an event stream's resume reads: never fewer than the proofs' window needs. */
export const DEFAULT_KEEP_UNDO = Math.max(DEFAULT_EVENT_LIMITS.maxReplayBlocks, Number(PROVABLE_DEPTH) + 1);

/** Heights pruned per block at most (the backlog of a newly pruning node drains gradually). */
export const PRUNE_PER_BLOCK = 8;
/** Budget saved up at most: blocks that come faster than pruning (range sync) are caught up on, but never in one long burst. */
const MAX_BUDGET = 8 * PRUNE_PER_BLOCK;

export class Pruner {
  private readonly chain: Chain;
  private readonly keep: number | null;
  private readonly keepUndo: bigint;
  private readonly logger: Logger;
  private running: Promise<void> | null = null;
  private again = false;
  private closed = false;
  /** Heights it may still prune: PRUNE_PER_BLOCK more with every block. */
  private budget = 0;
  /** Heights the last step pruned or trimmed (drain stops once it is 0). */
  private lastStepWork = 0;
  private readonly onBlock = (): void => {
    this.budget = Math.min(MAX_BUDGET, this.budget + PRUNE_PER_BLOCK);
    this.schedule();
  };

  constructor(chain: Chain, options: PrunerOptions, logger: Logger) {
    this.chain = chain;
    this.keep = options.keepBlocks === null ? null : Math.max(1, options.keepBlocks);
    this.keepUndo = BigInt(Math.max(1, options.keepUndo ?? DEFAULT_KEEP_UNDO));
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

  /** Tools and benches: prunes and trims everything due now, however much (nothing else should run meanwhile). */
  async drain(): Promise<void> {
    await this.idle();
    for (let progressed = true; progressed;) {
      this.budget = MAX_BUDGET;
      this.schedule();
      await this.idle();
      progressed = this.lastStepWork > 0;
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

  /** Spends the budget saved so far on each job, oldest heights first. */
  private async step(): Promise<void> {
    const allowance = this.budget;
    this.budget = 0;
    this.lastStepWork = (await this.trimTrees(allowance)) + (await this.trimUndo(allowance)) + (await this.pruneBlocks(allowance)) + (await this.chain.store.dropSideBlocks(this.chain.finalizedHeight, allowance));
  }

  /** The first height a job starts from when its floor is unset or below the chain's base (nothing is held under the base). */
  private from(floor: bigint | null): bigint {
    const { chain } = this;
    const first = chain.baseHeight === chain.genesisHeight ? chain.genesisHeight + 1n : chain.baseHeight;
    return floor === null || floor < first ? first : floor;
  }

  /**
   * Runs `job` on the heights from `first` up to (not including) `limit`, oldest first, at most
   * `allowance` of them; returns how many it did.
   */
  private async walk(first: bigint, limit: bigint, allowance: number, job: (height: bigint) => Promise<void>): Promise<number> {
    let done = 0;
    for (let h = first; done < allowance && h < limit && !this.closed; h++, done++) await job(h);
    return done;
  }

  /**
   * Tree versions below every height a proof may be asked for (chain-tree.ts oldestProvable) and
   * below the anchor of any set change not yet activated (2n + 1 below its activation, n the set
   * in force now, docs/protocol.md §19.1), so each anchor's proof can still be made when trimmed.
   */
  private async trimTrees(allowance: number): Promise<number> {
    const { chain } = this;
    const head = chain.head.header.height;
    const limit = minBig(head - validatorSetDelay(chain.validators().length), oldestProvable(head, chain.finalizedHeight));
    const first = this.from(await chain.store.historyFloor('tree'));
    return this.walk(first, limit, allowance, async (h) => chain.store.trimTree(h, await this.anchorProofs(h)));
  }

  /** The set changes anchored at `height` that hold no proof yet, with their proofs made from its tree (if the store has it). */
  private async anchorProofs(height: bigint): Promise<{ change: ValidatorSetChange; proof: Uint8Array }[]> {
    const { chain } = this;
    // An anchor lies at most 2n + 1 below its activation: the changes just above `height` are all there may be.
    const anchored = (await chain.validatorSetChanges(height, ANCHOR_LOOKAHEAD)).filter((c) => c.anchorProof === null && anchorHeight(c) === height);
    if (anchored.length === 0 || (await chain.store.tree.rootAt(height)) === null) return [];
    const out: { change: ValidatorSetChange; proof: Uint8Array }[] = [];
    for (const change of anchored) out.push({ change, proof: await chain.proveValueAt(PENDING_VALIDATORS_KEY, pendingValue(change), height) });
    return out;
  }

  /** Undo records below the last final block and more than keepUndo blocks below the head. */
  private async trimUndo(allowance: number): Promise<number> {
    const { chain } = this;
    const limit = minBig(chain.head.header.height - this.keepUndo + 1n, chain.finalizedHeight);
    return this.walk(this.from(await chain.store.historyFloor('undo')), limit, allowance, (h) => chain.store.trimUndo(h));
  }

  /** A pruning node: the oldest heights out of the window and below finality. */
  private async pruneBlocks(allowance: number): Promise<number> {
    const { chain } = this;
    if (this.keep === null) return 0;
    const limit = minBig(chain.head.header.height - BigInt(this.keep) + 1n, chain.finalizedHeight);
    return this.walk(this.from(null), limit, allowance, async (h) => {
      const block = await chain.blockAt(h);
      if (block !== null) await chain.store.pruneBlock(h, block.hash, block.txs.map((t) => t.hash));
      chain.advanceBase(h + 1n);
    });
  }
}
