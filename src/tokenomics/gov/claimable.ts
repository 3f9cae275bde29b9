/**
 * What a wallet could claim now, exactly (for the API): its pending rewards plus its unsettled
 * shares of the stakers' pot and of tallied proposals' voter rewards. It runs the very settlement
 * a claim would run, on a scratch overlay that is then dropped, so the figure cannot drift from it.
 */
import { IdSource, type Uuid } from '../ids.ts';
import { Ledger } from '../ledger.ts';
import type { BlockPosition } from '../records.ts';
import * as K from '../state/keys.ts';
import type { StateView } from '../state/store.ts';
import { settleRewards } from './rewards.ts';

export function claimableRewards(state: StateView, wallet: Uuid): bigint {
  const head = state.get(K.META_HEAD) as BlockPosition;
  const scratch = new Ledger(state, head, IdSource.forBlock(head.height));
  settleRewards(scratch, wallet);
  return scratch.account(wallet).pendingRewards;
}
