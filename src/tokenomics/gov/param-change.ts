/**
 * The parameters a `param-change` proposal may set, each with its bounds (docs/protocol.md §17.4),
 * checked at submission and again at execution (another proposal may have moved a related one).
 */
import { U64_MAX } from '../amount.ts';
import { ErrorCode, TokenError } from '../errors.ts';
import type { ChainParams } from '../params.ts';
import { type Bound, GOV_BOUNDS, GOV_PARAM_NAMES, type GovParams } from './params.ts';

interface Changeable {
  readonly bound: Bound;
  read(p: ChainParams): bigint;
  write(p: ChainParams, value: bigint): ChainParams;
}

const top = (key: 'minFee' | 'relayMinStake' | 'unbondingBlocks' | 'escrowTimeoutBlocks' | 'maxBlockTxs' | 'maxUnbondingEntries', bound: Bound): Changeable => ({
  bound,
  read: (p) => p[key],
  write: (p, value) => ({ ...p, [key]: value }),
});

const supply = (key: 'burnRateBps' | 'inflationRateBps'): Changeable => ({
  bound: { min: 0n, max: 10_000n },
  read: (p) => p.supply[key],
  write: (p, value) => ({ ...p, supply: { ...p.supply, [key]: value } }),
});

const gov = (key: keyof GovParams): Changeable => ({
  bound: GOV_BOUNDS[key],
  read: (p) => p.gov[key],
  write: (p, value) => ({ ...p, gov: { ...p.gov, [key]: value } }),
});

export const CHANGEABLE_PARAMS: Readonly<Record<string, Changeable>> = Object.freeze({
  burn_rate_bps: supply('burnRateBps'),
  // The running inflation year keeps its provision: the new rate applies from the next year (docs/protocol.md §13.1).
  inflation_rate_bps: supply('inflationRateBps'),
  min_fee: top('minFee', { min: 0n, max: 1_000_000_000n }),
  relay_min_stake: top('relayMinStake', { min: 0n, max: U64_MAX }),
  unbonding_blocks: top('unbondingBlocks', { min: 1n, max: 10_000_000n }),
  escrow_timeout_blocks: top('escrowTimeoutBlocks', { min: 1n, max: 10_000_000n }),
  max_block_txs: top('maxBlockTxs', { min: 1n, max: 100_000n }),
  max_unbonding_entries: top('maxUnbondingEntries', { min: 1n, max: 1_000n }),
  ...Object.fromEntries((Object.keys(GOV_PARAM_NAMES) as (keyof GovParams)[]).map((key) => [GOV_PARAM_NAMES[key], gov(key)])),
});

function refuse(message: string): never {
  throw new TokenError(ErrorCode.InvalidParameter, message);
}

/** The rules between parameters, after a change: voting never outlasts unbonding (docs/protocol.md §17). */
export function checkParamRelations(p: ChainParams): void {
  if (p.gov.votingBlocks > p.unbondingBlocks) {
    refuse(`gov_voting_blocks (${p.gov.votingBlocks}) may not exceed unbonding_blocks (${p.unbondingBlocks}): a stake could vote twice.`);
  }
}

/** The params with `name` set to `value`, refused outside its bounds or the relations. */
export function withParamChange(p: ChainParams, name: string, value: bigint): ChainParams {
  const entry = Object.hasOwn(CHANGEABLE_PARAMS, name) ? CHANGEABLE_PARAMS[name] : undefined;
  if (entry === undefined) refuse(`"${name}" is not a parameter governance may change; use one of ${Object.keys(CHANGEABLE_PARAMS).join(', ')}.`);
  if (typeof value !== 'bigint' || value < entry.bound.min || value > entry.bound.max) {
    refuse(`${name} must be from ${entry.bound.min} to ${entry.bound.max}, got ${value}.`);
  }
  const next = entry.write(p, value);
  checkParamRelations(next);
  return next;
}

export function readParam(p: ChainParams, name: string): bigint | undefined {
  return Object.hasOwn(CHANGEABLE_PARAMS, name) ? CHANGEABLE_PARAMS[name]!.read(p) : undefined;
}
