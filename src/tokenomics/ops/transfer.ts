/** docs/protocol.md §10: transfer and transfer-from-system, both under the fee rule. */
import { requireAmount } from '../amount.ts';
import { ErrorCode, TokenError } from '../errors.ts';
import { isSystemAccount } from '../ids.ts';
import type { TransferFromSystemOp, TransferOp } from '../operations.ts';
import { requireAuthority, requireId } from './context.ts';
import type { OperationHandler } from './handler.ts';

export const transfer: OperationHandler<TransferOp> = {
  paysTransferFee: true,
  authorize: () => 'user',
  apply(l, tx, op) {
    const amount = requireAmount(op.amount, 'The transfer amount');
    const to = requireId(op.to, 'The recipient');
    l.debitBalance(tx.signerId, amount);
    l.payWithFee(tx.signerId, to, amount);
  },
};

export const transferFromSystem: OperationHandler<TransferFromSystemOp> = {
  authorize: (_l, tx) => requireAuthority(tx, 'transfer out of a system account'),
  apply(l, _tx, op) {
    const amount = requireAmount(op.amount, 'The transfer amount');
    const to = requireId(op.to, 'The recipient');
    if (!isSystemAccount(op.fromAccount)) {
      throw new TokenError(ErrorCode.Unauthorized, `Account ${op.fromAccount} is not a system account.`);
    }
    l.debitBalance(op.fromAccount, amount);
    l.payWithFee(op.fromAccount, to, amount);
  },
};
