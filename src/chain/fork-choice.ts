/**
 * Fork choice and finality (docs/protocol.md §14.2): the head is the valid chain with the most blocks, ties to
 * the lower hash; a block is final once blocks from more than 2/3 of the validators (distinct
 * proposers) are built on it, and no reorg goes below the last final block. After a validator set
 * change (§17.7) the count is of the set in force at the head: a proposer that left it no longer
 * counts, one that joined counts from its first block.
 */
import type { Validator } from '../tokenomics/index.ts';
import type { BlockHeader } from './codec/block.ts';
import { memberKeys } from './validator-schedule.ts';

export interface ChainTip {
  readonly height: bigint;
  readonly hash: Uint8Array;
}

/** Whether `candidate` should replace `current` as head. */
export function isBetterHead(candidate: ChainTip, current: ChainTip): boolean {
  if (candidate.height !== current.height) return candidate.height > current.height;
  return Buffer.compare(candidate.hash, current.hash) < 0;
}

/**
 * The height of the last final block, given the canonical headers from some height up to the head
 * (ascending, contiguous) and the validator set in force at the head. Walking down from the head,
 * once the blocks above B come from more than 2/3 of that set, B is final; finality never moves
 * back (`floor`).
 */
export function finalizedHeight(recent: readonly Pick<BlockHeader, 'height' | 'proposer'>[], validators: readonly Validator[], floor: bigint): bigint {
  const members = memberKeys(validators);
  const proposers = new Set<string>();
  for (let i = recent.length - 1; i >= 0; i--) {
    const header = recent[i]!;
    if (members.has(header.proposer)) proposers.add(header.proposer);
    if (proposers.size * 3 > validators.length * 2) {
      const final = header.height - 1n;
      return final > floor ? final : floor;
    }
  }
  return floor;
}
