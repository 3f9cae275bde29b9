/** History events a block produces, ready for the store to persist (docs/protocol.md §11, §13.8). */
import type { Uuid } from './ids.ts';
import type { BurnReason, MintReason } from './reasons.ts';
import type { RecipientType } from './records.ts';

export interface MintEvent {
  readonly kind: 'mint';
  readonly id: Uuid;
  readonly amount: bigint;
  readonly reason: MintReason;
  /** The account credited, or null when the tokens went into a pool. */
  readonly recipient: Uuid | null;
  readonly poolId: Uuid | null;
  readonly height: bigint;
  readonly timestampMs: bigint;
  /** The transaction that caused it, or null for a block step (inflation, schedules, genesis). */
  readonly txHash: string | null;
}

export interface BurnEvent {
  readonly kind: 'burn';
  readonly id: Uuid;
  readonly amount: bigint;
  readonly reason: BurnReason;
  /** The account (or pool) whose tokens were destroyed. */
  readonly burner: Uuid;
  readonly height: bigint;
  readonly timestampMs: bigint;
  /** The transaction that caused it, or null for a block step (inflation, schedules, genesis). */
  readonly txHash: string | null;
}

export interface DistributionEvent {
  readonly kind: 'distribution';
  readonly id: Uuid;
  /** The schedule that paid, or null for a pool's auto-replenish and governance payouts. */
  readonly scheduleId: Uuid | null;
  /**
   * `voters`: a tallied proposal's reward (recipient: the proposal, when it leaves the reserve; a
   * wallet, when settled). `stakers`: a stakers schedule's payout (recipient: the schedule) or a
   * wallet's settled share of the stakers' pot (docs/protocol.md §17).
   */
  readonly recipientType: RecipientType | 'auto-replenish' | 'voters';
  /** Account credited (pending rewards or balance), the pool replenished, or the proposal / schedule paid. */
  readonly recipient: Uuid;
  readonly amount: bigint;
  readonly height: bigint;
  readonly timestampMs: bigint;
  /** The transaction that caused it, or null for a block step (inflation, schedules, genesis). */
  readonly txHash: string | null;
}

export type TokenEvent = MintEvent | BurnEvent | DistributionEvent;
