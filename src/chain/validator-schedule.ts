/**
 * The chain's view of the validator set (docs/protocol.md §3.3, §14.2, §17.7): the set in force for
 * the block at a height is `validatorsAt(state after its parent, height)`, so the proposer of slot
 * s at height h is that set's [s mod n], and finality counts the proposers of the set in force at
 * the head. Every check reads the set from the state it validates against (a branch's own state
 * in a reorg), which costs two key lookups; what would cost O(n) per header, the set of member
 * keys, is built once per set (the set's value in the state keeps its identity until a change
 * activates, so it is cached by that value).
 */
import { type PendingValidators, type StateView, type Validator, META_PENDING_VALIDATORS, META_VALIDATORS } from '../tokenomics/index.ts';

const memberSets = new WeakMap<readonly Validator[], ReadonlySet<string>>();

/** The public keys of `validators`, built once per set value. */
export function memberKeys(validators: readonly Validator[]): ReadonlySet<string> {
  let keys = memberSets.get(validators);
  if (keys === undefined) {
    keys = new Set(validators.map((v) => v.publicKey));
    memberSets.set(validators, keys);
  }
  return keys;
}

/** What a node shows of the schedule (GET /v1/node): the set in force at the head and the one waiting, if any. */
export interface ValidatorSchedule {
  readonly inForce: readonly Validator[];
  readonly pending: PendingValidators | null;
}

export function validatorSchedule(state: StateView): ValidatorSchedule {
  const pending = state.get(META_PENDING_VALIDATORS) as PendingValidators | undefined;
  return { inForce: state.get(META_VALIDATORS) as readonly Validator[], pending: pending ?? null };
}
