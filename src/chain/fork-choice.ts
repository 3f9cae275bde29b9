/**
 * Fork choice and finality (docs/protocol.md §14.2): the head is the valid chain with the most blocks, ties to
 * the lower hash; a block is final once blocks from more than 2/3 of the validators (distinct
 * proposers) are built on it, and no reorg goes below the last final block.
 */
import type { BlockHeader } from './codec/block.ts';

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
 * (ascending, contiguous). Walking down from the head, once the blocks above B come from more
 * than 2/3 of the validators, B is final.
 */
export function finalizedHeight(recent: readonly Pick<BlockHeader, 'height' | 'proposer'>[], validatorCount: number, floor: bigint): bigint {
  const proposers = new Set<string>();
  for (let i = recent.length - 1; i >= 0; i--) {
    const header = recent[i]!;
    proposers.add(header.proposer);
    if (proposers.size * 3 > validatorCount * 2) {
      const final = header.height - 1n;
      return final > floor ? final : floor;
    }
  }
  return floor;
}
