/**
 * docs/protocol.md §13.7: set-authority replaces the authority key set from the next block;
 * set-validators (governance section) schedules a new validator set at least validatorSetDelay blocks ahead.
 */
import { ErrorCode, TokenError } from '../errors.ts';
import { isPublicKeyHex } from '../ids.ts';
import { scheduleValidatorSet } from '../gov/validator-set.ts';
import type { SetAuthorityOp, SetValidatorsOp } from '../operations.ts';
import { MAX_AUTHORITY_KEYS } from '../params.ts';
import { requireAuthority } from './context.ts';
import type { OperationHandler } from './handler.ts';

export function validateAuthorityKeys(keys: readonly string[], what: string): readonly string[] {
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new TokenError(ErrorCode.InvalidParameter, `${what} needs at least one public key.`);
  }
  if (keys.length > MAX_AUTHORITY_KEYS) {
    throw new TokenError(ErrorCode.InvalidParameter, `${what} lists ${keys.length} keys; at most ${MAX_AUTHORITY_KEYS}.`);
  }
  for (const key of keys) {
    if (typeof key !== 'string' || !isPublicKeyHex(key)) {
      throw new TokenError(ErrorCode.InvalidParameter, `${what}: "${String(key)}" is not a 32-byte hex ed25519 public key.`);
    }
  }
  if (new Set(keys).size !== keys.length) throw new TokenError(ErrorCode.InvalidParameter, `${what} lists a key twice.`);
  return [...keys];
}

export const setAuthority: OperationHandler<SetAuthorityOp> = {
  authorize: (_l, tx) => requireAuthority(tx, 'replace the authority keys'),
  apply(l, _tx, op) {
    const keys = validateAuthorityKeys(op.keys, 'set-authority');
    const validatorKeys = new Set(l.validators().map((v) => v.publicKey));
    if (keys.some((key) => validatorKeys.has(key))) {
      throw new TokenError(ErrorCode.InvalidParameter, 'A validator key may not also be an authority key.');
    }
    l.setAuthority({ ...l.authority(), pending: { keys, fromHeight: l.position.height + 1n } });
  },
};

export const setValidators: OperationHandler<SetValidatorsOp> = {
  authorize: (_l, tx) => requireAuthority(tx, 'change the validator set'),
  apply(l, _tx, op) {
    scheduleValidatorSet(l, op.validators, op.activationHeight);
  },
};
