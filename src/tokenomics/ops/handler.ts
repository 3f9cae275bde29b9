/** The shape of one operation: who may sign it, and what it does. */
import type { Ledger } from '../ledger.ts';
import type { Operation } from '../operations.ts';
import type { Role, TxContext } from './context.ts';

export interface OperationHandler<O extends Operation> {
  /** Throws Unauthorized (or the lookup error it needs) unless the signer may do this. */
  authorize(l: Ledger, tx: TxContext, op: O): Role;
  apply(l: Ledger, tx: TxContext, op: O): void;
  /** The operation burns its own fee under the transfer rule, so no min fee is added. */
  readonly paysTransferFee?: boolean;
}
