/**
 * The slot clock: the only reader of wall time in the node. Everything else asks it which slot it
 * is and how long until a slot starts, so tests can drive time and blocks never drift with timers.
 */
import type { ChainParams } from '../tokenomics/index.ts';
import { slotAt, slotStartMs } from '../chain/poa.ts';

export interface SlotClock {
  nowMs(): bigint;
  currentSlot(): bigint;
  msUntilSlot(slot: bigint): number;
}

export function systemSlotClock(params: Pick<ChainParams, 'genesisTimeMs' | 'blockTimeMs'>): SlotClock {
  const nowMs = (): bigint => BigInt(Date.now());
  return {
    nowMs,
    currentSlot: () => slotAt(nowMs(), params),
    msUntilSlot: (slot) => Math.max(0, Number(slotStartMs(slot, params) - nowMs())),
  };
}
