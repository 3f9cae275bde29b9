/**
 * The fields of a distribution schedule as created (docs/protocol.md §13.2): the payload of
 * `create-schedule` and of a governance proposal that creates one.
 */
import type { Uuid } from './ids.ts';

export interface ScheduleSpec {
  /** A recipient type or its alias `marketplace-liquidity`. */
  readonly recipientType: string;
  readonly amountPerInterval: bigint;
  readonly intervalBlocks: bigint;
  readonly startBlock: bigint | null;
  readonly durationBlocks: bigint | null;
  readonly poolId: Uuid | null;
}
