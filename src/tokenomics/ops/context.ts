/** Who signed a transaction, and the checks of docs/protocol.md §13.7 (who may do what) that operations share. */
import { ErrorCode, TokenError } from '../errors.ts';
import { type Uuid, isUuid } from '../ids.ts';
import type { Ledger } from '../ledger.ts';

export interface TxContext {
  readonly hash: string;
  readonly signerKey: string;
  readonly signerId: Uuid;
  /** The signer's key is in the authority set in force for this block. */
  readonly isAuthority: boolean;
}

/**
 * The role a transaction runs under: `user` transactions pay the min fee (docs/protocol.md §10), `privileged`
 * ones (signed by an authority key) pay none.
 */
export type Role = 'user' | 'privileged';

export function requireAuthority(tx: TxContext, what: string): Role {
  if (!tx.isAuthority) throw new TokenError(ErrorCode.Unauthorized, `Only an authority key may ${what}.`);
  return 'privileged';
}

/** The authority, or the pool's operator (who then pays the user fee). */
export function requireAuthorityOrOperator(l: Ledger, tx: TxContext, poolId: Uuid, what: string): Role {
  if (tx.isAuthority) return 'privileged';
  if (l.pool(poolId).operator === tx.signerId) return 'user';
  throw new TokenError(ErrorCode.Unauthorized, `Only an authority key or the pool's operator may ${what}.`);
}

export function requireId(value: Uuid, what: string): Uuid {
  if (typeof value !== 'string' || !isUuid(value)) {
    throw new TokenError(ErrorCode.InvalidParameter, `${what} must be a UUID, got "${String(value)}".`);
  }
  return value;
}

/** A title of 1 to `max` characters after trimming (listings, proposals). */
export function requireTitle(title: string, max: number, what: string): string {
  const trimmed = typeof title === 'string' ? title.trim() : '';
  if (trimmed.length === 0 || trimmed.length > max) throw new TokenError(ErrorCode.InvalidParameter, `${what} has 1 to ${max} characters.`);
  return trimmed;
}
