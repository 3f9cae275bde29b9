/**
 * Produces this node's blocks. The next block is timed from the head and the slot clock (never
 * from setInterval, so delays do not accumulate): the next slot after the head that belongs to our
 * validator key, started at that slot's start time.
 */
import type { Logger } from 'pino';
import type { Chain } from '../chain/chain.ts';
import { proposerFor } from '../chain/poa.ts';
import { ChainError, ChainErrorCode } from '../chain/errors.ts';
import type { Block } from '../chain/codec/block.ts';
import type { NodeKey } from './key-files.ts';
import type { SlotClock } from './slot-clock.ts';

const RETRY_AFTER_FAILURE_MS = 250;

export class BlockProducer {
  private readonly chain: Chain;
  private readonly clock: SlotClock;
  private readonly key: NodeKey;
  private readonly logger: Logger;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  /** Set when an invariant broke: production stops for good, with the reason logged. */
  private halted: string | null = null;

  constructor(chain: Chain, clock: SlotClock, key: NodeKey, logger: Logger) {
    this.chain = chain;
    this.clock = clock;
    this.key = key;
    this.logger = logger;
  }

  start(): void {
    this.running = true;
    this.schedule();
  }

  stop(): void {
    this.running = false;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  get haltReason(): string | null {
    return this.halted;
  }

  /** The next slot, after the head and not before now, whose proposer is our key (searching one round). */
  nextOwnSlot(): bigint | null {
    const validators = this.chain.validators();
    const from = [this.chain.head.header.slot + 1n, this.clock.currentSlot()].reduce((a, b) => (a > b ? a : b));
    for (let slot = from; slot < from + BigInt(validators.length); slot++) {
      if (proposerFor(slot, validators).publicKey === this.key.publicKeyHex) return slot;
    }
    return null;
  }

  /** Dev mode: produce at the earliest allowed slot now, at most one slot ahead of the clock. */
  async produceNow(): Promise<Block> {
    const slot = this.nextOwnSlot();
    if (slot === null || slot > this.clock.currentSlot() + 1n) {
      throw new ChainError(ChainErrorCode.FutureSlot, `The next slot of this validator is more than one slot ahead of the clock; wait ${this.clock.msUntilSlot((slot ?? 1n) - 1n)} ms.`);
    }
    return this.produce(slot);
  }

  private schedule(): void {
    if (!this.running || this.halted !== null) return;
    const slot = this.nextOwnSlot();
    if (slot === null) {
      // Not a validator of this chain (any more): look again next slot.
      this.timer = setTimeout(() => this.schedule(), this.clock.msUntilSlot(this.clock.currentSlot() + 1n) + 1);
      return;
    }
    this.timer = setTimeout(() => {
      void this.produceScheduled(slot);
    }, this.clock.msUntilSlot(slot));
  }

  private async produceScheduled(slot: bigint): Promise<void> {
    try {
      // The head may have moved past this slot meanwhile (dev produce-block); then just reschedule.
      if (slot > this.chain.head.header.slot) await this.produce(slot);
    } catch (err) {
      this.logger.error({ err, slot: String(slot) }, 'block production failed');
      // A failing store must not turn into a busy loop: try again after a pause.
      if (this.running) this.timer = setTimeout(() => this.schedule(), RETRY_AFTER_FAILURE_MS);
      return;
    }
    this.schedule();
  }

  private async produce(slot: bigint): Promise<Block> {
    try {
      return await this.chain.produce(slot, { publicKey: this.key.publicKeyHex, secretKey: this.key.secretKey });
    } catch (err) {
      if ((err as { code?: string }).code === 'InvariantViolation') {
        this.halted = (err as Error).message;
        this.logger.fatal({ err }, 'INVARIANT BROKEN: block production halted on this node');
        this.stop();
      }
      throw err;
    }
  }
}
