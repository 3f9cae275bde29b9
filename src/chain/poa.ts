/**
 * Proof of authority (docs/protocol.md §3.3): time is cut into slots of block_time_ms from genesis_time; slot s
 * belongs to validators[s mod n], `validators` being the set in force for the block's height
 * (validatorsAt, §17.7), and a block's timestamp is fixed by its slot.
 */
import type { ChainParams, Validator } from '../tokenomics/index.ts';

export function slotAt(nowMs: bigint, params: Pick<ChainParams, 'genesisTimeMs' | 'blockTimeMs'>): bigint {
  if (nowMs < params.genesisTimeMs) return 0n;
  return (nowMs - params.genesisTimeMs) / params.blockTimeMs;
}

export function slotStartMs(slot: bigint, params: Pick<ChainParams, 'genesisTimeMs' | 'blockTimeMs'>): bigint {
  return params.genesisTimeMs + slot * params.blockTimeMs;
}

export function proposerFor(slot: bigint, validators: readonly Validator[]): Validator {
  const validator = validators[Number(slot % BigInt(validators.length))];
  if (validator === undefined) throw new Error('The validator set is empty.');
  return validator;
}
