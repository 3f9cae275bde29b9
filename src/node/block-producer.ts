/**
 * Produces this node's blocks. The next block is timed from the head and the slot clock (never
 * from setInterval, so delays do not accumulate): the next slot after the head that belongs to our
 * validator key in the set in force for the next block (docs/protocol.md §17.7), started at that
 * slot's start time. While the key is in no set in force the node only follows, looking again each
 * slot, so a key that joins produces from its activation height and one that leaves stops, both
 * without a restart and with one log line each.
 *
 * A failed production is tried again within its slot (a store hiccup should not cost the block);
 * a slot that ends without our block is a missed slot: counted, and logged once at error level.
 * A node that keeps failing, or that halted for good (a broken invariant, system steps that fail),
 * says so in `halt` (issue 12: "a node that cannot produce says so").
 */
import type { Logger } from 'pino';
import type { Chain } from '../chain/chain.ts';
import { proposerFor } from '../chain/poa.ts';
import { ChainError, ChainErrorCode } from '../chain/errors.ts';
import type { Block } from '../chain/codec/block.ts';
import { memberKeys } from '../chain/validator-schedule.ts';
import { ErrorCode, type Validator, describeFailure, isTokenError } from '../tokenomics/index.ts';
import type { NodeKey } from './key-files.ts';
import type { SlotClock } from './slot-clock.ts';

const RETRY_AFTER_FAILURE_MS = 250;
/** Own slots missed in a row after which the node reports itself stuck (it keeps trying). */
export const STUCK_AFTER_MISSED_SLOTS = 3;

/**
 * Why production is stopped or stuck: `invariant` and `steps` (the next block's system steps
 * fail on this state) stop it for good; `store` and `production` are failures that keep repeating.
 */
export type HaltKind = 'invariant' | 'steps' | 'store' | 'production';

export interface ProducerHalt {
  readonly kind: HaltKind;
  readonly reason: string;
  /** Whether production stopped for good (it resumes by itself from a `store`/`production` halt). */
  readonly permanent: boolean;
  /** Wall time (the slot clock's) of the first failure of this run of failures. */
  readonly sinceMs: bigint;
  /** The first own slot of this run that failed. */
  readonly sinceSlot: bigint;
  readonly missedSlots: number;
  readonly failedProductions: number;
}

/** The two figures of issue 12 (NodeMetrics has them; a test may pass its own). */
export interface ProducerMetrics {
  readonly missedOwnSlots: { inc(): void };
  readonly failedProductions: { set(value: number): void };
}

interface FailureRun {
  readonly sinceMs: bigint;
  readonly sinceSlot: bigint;
  missedSlots: number;
  failedProductions: number;
  last: unknown;
}

export class BlockProducer {
  private readonly chain: Chain;
  private readonly clock: SlotClock;
  private readonly key: NodeKey;
  private readonly logger: Logger;
  private readonly metrics: ProducerMetrics | null;
  private timer: NodeJS.Timeout | null = null;
  /** The production running now, if any: the next one waits for it. */
  private productions: Promise<unknown> = Promise.resolve();
  private running = false;
  /** Whether our key was in the set in force when last scheduled (null before the first look). */
  private member: boolean | null = null;
  /** Set when production stopped for good, with the reason logged. */
  private fatal: ProducerHalt | null = null;
  /** The failures since the last block this node produced (null when the last attempt succeeded). */
  private failures: FailureRun | null = null;

  constructor(chain: Chain, clock: SlotClock, key: NodeKey, logger: Logger, metrics: ProducerMetrics | null = null) {
    this.chain = chain;
    this.clock = clock;
    this.key = key;
    this.logger = logger;
    this.metrics = metrics;
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
    return this.halt?.reason ?? null;
  }

  /** Production stopped for good, or stuck for STUCK_AFTER_MISSED_SLOTS own slots in a row; else null. */
  get halt(): ProducerHalt | null {
    if (this.fatal !== null) return this.fatal;
    const run = this.failures;
    if (run === null || run.missedSlots < STUCK_AFTER_MISSED_SLOTS) return null;
    const { kind, reason } = classify(run.last);
    return { kind, reason, permanent: false, sinceMs: run.sinceMs, sinceSlot: run.sinceSlot, missedSlots: run.missedSlots, failedProductions: run.failedProductions };
  }

  /**
   * The next slot, after the head and not before now, whose proposer is our key (searching one
   * round) in the set in force for the next block (docs/protocol.md §17.7); null while our key is
   * not in that set.
   */
  nextOwnSlot(): bigint | null {
    const validators = this.nextValidators();
    if (!memberKeys(validators).has(this.key.publicKeyHex)) return null;
    const from = [this.chain.head.header.slot + 1n, this.clock.currentSlot()].reduce((a, b) => (a > b ? a : b));
    for (let slot = from; slot < from + BigInt(validators.length); slot++) {
      if (proposerFor(slot, validators).publicKey === this.key.publicKeyHex) return slot;
    }
    return null;
  }

  /** Whether our key is in the set in force for the next block: this node produces, or only follows. */
  get inValidatorSet(): boolean {
    return memberKeys(this.nextValidators()).has(this.key.publicKeyHex);
  }

  private nextValidators(): readonly Validator[] {
    return this.chain.validatorsFor(this.chain.head.header.height + 1n);
  }

  /** Whether `slot` is still ours for the next block (the head, and with it the set in force, may have moved since it was chosen). */
  private ownsSlot(slot: bigint): boolean {
    return proposerFor(slot, this.nextValidators()).publicKey === this.key.publicKeyHex;
  }

  /** Logs once each time our key joins or leaves the set in force (a follower says so once, not every slot). */
  private noteMembership(member: boolean): void {
    if (this.member === member) return;
    const first = this.member === null;
    this.member = member;
    const height = String(this.chain.head.header.height + 1n);
    if (member && !first) this.logger.info({ height }, 'validator key joined the validator set: producing blocks');
    if (!member) this.logger.info({ height }, first ? 'validator key is not in the validator set: following the chain until it joins' : 'validator key left the validator set: following the chain');
  }

  /** Dev mode: produce at the earliest allowed slot now, at most one slot ahead of the clock. */
  async produceNow(): Promise<Block> {
    // The slot is chosen inside the lock: a scheduled production that ran meanwhile took the one
    // this call would otherwise have picked (two blocks for one slot).
    return this.oneAtATime(async () => {
      const slot = this.nextOwnSlot();
      if (slot === null && !this.inValidatorSet) {
        throw new ChainError(ChainErrorCode.WrongProposer, 'This node\'s validator key is not in the validator set in force for the next block.');
      }
      if (slot === null || slot > this.clock.currentSlot() + 1n) {
        throw new ChainError(ChainErrorCode.FutureSlot, `The next slot of this validator is more than one slot ahead of the clock; wait ${this.clock.msUntilSlot((slot ?? 1n) - 1n)} ms.`);
      }
      return this.produce(slot);
    });
  }

  /** Runs productions one after another (scheduled ones and dev produce-block calls). */
  private oneAtATime<T>(work: () => Promise<T>): Promise<T> {
    const run = this.productions.then(work, work);
    this.productions = run.catch(() => undefined);
    return run;
  }

  private schedule(): void {
    if (!this.running || this.fatal !== null) return;
    const slot = this.nextOwnSlot();
    this.noteMembership(this.inValidatorSet);
    if (slot === null) {
      // Not a validator of the set in force (not yet, or any more): look again next slot.
      this.timer = setTimeout(() => this.schedule(), this.clock.msUntilSlot(this.clock.currentSlot() + 1n) + 1);
      return;
    }
    this.timer = setTimeout(() => {
      void this.produceScheduled(slot);
    }, this.clock.msUntilSlot(slot));
  }

  private async produceScheduled(slot: bigint): Promise<void> {
    try {
      // The head may have moved past this slot meanwhile (dev produce-block), or to a height whose
      // set in force gives the slot to another validator (§17.7); then just reschedule.
      await this.oneAtATime(async () => {
        if (slot > this.chain.head.header.slot && this.ownsSlot(slot)) await this.produce(slot);
      });
    } catch {
      if (!this.running || this.fatal !== null) return;
      if (this.clock.currentSlot() <= slot) {
        // Still our slot: try again after a pause (a failing store must not turn into a busy loop).
        this.timer = setTimeout(() => void this.produceScheduled(slot), RETRY_AFTER_FAILURE_MS);
        return;
      }
      this.missed(slot);
    }
    this.schedule();
  }

  private async produce(slot: bigint): Promise<Block> {
    let block: Block;
    try {
      block = await this.chain.produce(slot, { publicKey: this.key.publicKeyHex, secretKey: this.key.secretKey });
    } catch (err) {
      this.failed(slot, err);
      throw err;
    }
    if (this.failures !== null) {
      this.logger.info({ slot: String(slot), missedSlots: this.failures.missedSlots, failedProductions: this.failures.failedProductions }, 'block production recovered');
    }
    this.failures = null;
    this.metrics?.failedProductions.set(0);
    return block;
  }

  private failed(slot: bigint, err: unknown): void {
    const run = (this.failures ??= { sinceMs: this.clock.nowMs(), sinceSlot: slot, missedSlots: 0, failedProductions: 0, last: err });
    run.failedProductions++;
    run.last = err;
    this.metrics?.failedProductions.set(run.failedProductions);
    const { kind, reason } = classify(err);
    if (kind !== 'invariant' && kind !== 'steps') {
      this.logger.debug({ err, slot: String(slot) }, 'block production failed; trying again');
      return;
    }
    this.fatal = { kind, reason, permanent: true, sinceMs: run.sinceMs, sinceSlot: run.sinceSlot, missedSlots: run.missedSlots, failedProductions: run.failedProductions };
    this.logger.fatal({ err }, kind === 'invariant' ? 'INVARIANT BROKEN: block production halted on this node' : 'BLOCK STEPS FAIL: block production halted on this node');
    this.stop();
  }

  /** One own slot ended without our block: one error line and one count per slot. */
  private missed(slot: bigint): void {
    const run = this.failures!;
    run.missedSlots++;
    this.metrics?.missedOwnSlots.inc();
    this.logger.error(
      { err: run.last, slot: String(slot), missedSlots: run.missedSlots, failedProductions: run.failedProductions },
      'missed own slot: block production failed',
    );
  }
}

function classify(err: unknown): { kind: HaltKind; reason: string } {
  const reason = err instanceof Error ? err.message : describeFailure(err);
  if (isTokenError(err, ErrorCode.InvariantViolation)) return { kind: 'invariant', reason };
  if (err instanceof ChainError && err.code === ChainErrorCode.BlockStepsFailed) return { kind: 'steps', reason };
  if (err instanceof ChainError && err.code === ChainErrorCode.StoreCorrupt) return { kind: 'store', reason };
  return { kind: 'production', reason };
}
