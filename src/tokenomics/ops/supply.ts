/** docs/protocol.md §13.6: authority mints within the cap, user and system burns. */
import { requireAmount } from '../amount.ts';
import { ErrorCode, TokenError } from '../errors.ts';
import { SYSTEM_ACCOUNT_IDS, isSystemAccount } from '../ids.ts';
import type { BurnOp, MintOp } from '../operations.ts';
import { PROTOCOL_MINT_REASONS, parseBurnReason, parseMintReason } from '../reasons.ts';
import { type TxContext, requireAuthority, requireId } from './context.ts';
import type { OperationHandler } from './handler.ts';

export const mint: OperationHandler<MintOp> = {
  authorize: (_l, tx) => requireAuthority(tx, 'mint tokens'),
  apply(l, _tx, op) {
    const reason = parseMintReason(op.reason);
    if (PROTOCOL_MINT_REASONS.has(reason)) {
      throw new TokenError(
        ErrorCode.InvalidReason,
        `Mint reason "${reason}" is the protocol's own: genesis mints happen only at genesis and inflation only per block.`,
      );
    }
    const amount = requireAmount(op.amount, 'The mint amount');
    const recipient = op.recipient === null ? SYSTEM_ACCOUNT_IDS.treasury : requireId(op.recipient, 'The recipient');
    l.mint(amount, reason, { account: recipient });
  },
};

/** A burn is a user's own (voluntary) unless it names another account, which must be a system one. */
function isSystemBurn(tx: TxContext, op: BurnOp): boolean {
  return op.account !== null && op.account !== tx.signerId;
}

export const burn: OperationHandler<BurnOp> = {
  authorize(_l, tx, op) {
    if (!isSystemBurn(tx, op)) return 'user';
    requireAuthority(tx, "burn another account's tokens");
    if (!isSystemAccount(op.account!)) {
      throw new TokenError(ErrorCode.Unauthorized, `The authority burns only from system accounts; ${op.account} is not one.`);
    }
    return 'privileged';
  },
  apply(l, tx, op) {
    const reason = parseBurnReason(op.reason);
    const amount = requireAmount(op.amount, 'The burn amount');
    if (isSystemBurn(tx, op)) {
      if (reason !== 'deflation' && reason !== 'fee') {
        throw new TokenError(ErrorCode.InvalidReason, `A burn from a system account uses reason deflation or fee, not ${reason}.`);
      }
      l.debitBalance(op.account!, amount);
      l.burn(amount, reason, op.account!);
      return;
    }
    if (reason !== 'voluntary') {
      throw new TokenError(ErrorCode.InvalidReason, `A user burns its own tokens with reason voluntary, not ${reason}.`);
    }
    l.debitBalance(tx.signerId, amount);
    l.burn(amount, 'voluntary', tx.signerId);
  },
};
