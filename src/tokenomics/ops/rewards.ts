/**
 * docs/protocol.md §13.4: claim-rewards moves pending rewards to the balance, after settling the
 * wallet's lazy shares of stakers payouts and tallied proposals' voter rewards (governance section).
 */
import { addU64 } from '../amount.ts';
import { ErrorCode, TokenError } from '../errors.ts';
import { settleRewards } from '../gov/rewards.ts';
import type { ClaimRewardsOp } from '../operations.ts';
import type { OperationHandler } from './handler.ts';

export const claimRewards: OperationHandler<ClaimRewardsOp> = {
  authorize: () => 'user',
  apply(l, tx) {
    settleRewards(l, tx.signerId);
    const account = l.account(tx.signerId);
    if (account.pendingRewards === 0n) {
      throw new TokenError(ErrorCode.NothingToClaim, `Account ${tx.signerId} has no pending rewards to claim.`);
    }
    l.putAccount(tx.signerId, {
      ...account,
      balance: addU64(account.balance, account.pendingRewards, 'the balance'),
      pendingRewards: 0n,
    });
  },
};
