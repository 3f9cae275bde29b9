/**
 * Validator set changes (docs/protocol.md §17.7): a new set, from the authority's
 * `set-validators` or a passed proposal, waits in `meta:pending-validators` until its activation
 * height and takes effect in step 1 of that block, so every node switches at the same block.
 */
import { ErrorCode, TokenError } from '../errors.ts';
import { isPublicKeyHex, isUuid } from '../ids.ts';
import type { Ledger } from '../ledger.ts';
import { MAX_VALIDATORS } from '../params.ts';
import type { Validator } from '../records.ts';
import * as K from '../state/keys.ts';
import type { StateView } from '../state/store.ts';
import type { PendingValidators } from './records.ts';
import { pendingValidators, setPendingValidators } from './state.ts';

/**
 * Blocks between a set's inclusion and its activation, for a chain of `n` validators in force: a
 * block is final once more than 2/3 of them built on it, so 2n + 1 heights give every validator
 * two turns of the round-robin and the change is final well before any node acts on it.
 */
export function validatorSetDelay(validatorCount: number): bigint {
  return 2n * BigInt(validatorCount) + 1n;
}

function refuse(message: string): never {
  throw new TokenError(ErrorCode.InvalidParameter, message);
}

export function validateValidatorSet(validators: readonly Validator[], authorityKeys: readonly string[]): Validator[] {
  if (!Array.isArray(validators) || validators.length === 0) refuse('A validator set needs at least one validator.');
  if (validators.length > MAX_VALIDATORS) refuse(`A validator set lists ${validators.length}; at most ${MAX_VALIDATORS}.`);
  for (const v of validators) {
    if (typeof v.publicKey !== 'string' || !isPublicKeyHex(v.publicKey)) refuse(`"${String(v.publicKey)}" is not a 32-byte hex ed25519 public key.`);
    if (typeof v.rewardWallet !== 'string' || !isUuid(v.rewardWallet)) refuse(`"${String(v.rewardWallet)}" is not a reward wallet UUID.`);
  }
  if (new Set(validators.map((v) => v.publicKey)).size !== validators.length) refuse('The validator set lists a key twice.');
  if (validators.some((v) => authorityKeys.includes(v.publicKey))) refuse('A validator key may not also be an authority key.');
  return validators.map((v) => ({ publicKey: v.publicKey, rewardWallet: v.rewardWallet }));
}

/**
 * Stores the set to take effect at `activationHeight`; a newer pending set replaces an older one,
 * but only while the older one's activation is more than the finality depth away (§17.7): from
 * the block `activation − delay` on, the pending set is locked, so the state of that block, once
 * final under the old set, tells a light client exactly which set takes over (§19.1).
 */
export function scheduleValidatorSet(l: Ledger, validators: readonly Validator[], activationHeight: bigint): void {
  const delay = validatorSetDelay(l.validators().length);
  const earliest = l.position.height + delay;
  const pending = pendingValidators(l);
  if (pending !== null && pending.activationHeight < earliest) {
    throw new TokenError(
      ErrorCode.ValidatorSetLocked,
      `The pending validator set activates at height ${pending.activationHeight}, within ${delay} blocks of this one (${l.position.height}): it can no longer be replaced.`,
    );
  }
  if (activationHeight < earliest) {
    refuse(`activation_height ${activationHeight} is too soon: at least ${earliest} (this block + 2 × validators + 1).`);
  }
  setPendingValidators(l, { validators: validateValidatorSet(validators, l.authority().keys), activationHeight });
}

/** Step 1: the pending set whose activation height is this block's becomes the set in force. */
export function activatePendingValidators(l: Ledger): void {
  const pending = pendingValidators(l);
  if (pending === null || pending.activationHeight > l.position.height) return;
  l.overlay.set(K.META_VALIDATORS, pending.validators);
  setPendingValidators(l, null);
}

/**
 * The validator set in force for the block at `height`, from the state after its parent (or any
 * state from which no other set change can land before `height`): what the chain's proposer
 * schedule, finality and light client follow.
 */
export function validatorsAt(state: StateView, height: bigint): readonly Validator[] {
  const pending = state.get(K.META_PENDING_VALIDATORS) as PendingValidators | undefined;
  if (pending !== undefined && pending.activationHeight <= height) return pending.validators;
  return state.get(K.META_VALIDATORS) as readonly Validator[];
}
