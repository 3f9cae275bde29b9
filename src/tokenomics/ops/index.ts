/** Every operation type and its handler: the one table the block executor dispatches through. */
import type { Operation, OperationType } from '../operations.ts';
import { setAuthority, setValidators } from './authority.ts';
import { deposit, submitProposal, vote } from './governance.ts';
import type { OperationHandler } from './handler.ts';
import { allocate, cancelAllocation, createPool, releaseAllocation, replenishPool } from './pools.ts';
import { claimRewards } from './rewards.ts';
import { cancelSchedule, createSchedule } from './schedules.ts';
import { burn, mint } from './supply.ts';
import { transfer, transferFromSystem } from './transfer.ts';
import { deregisterRelay, registerRelay, slash, stake, unstake } from './staking.ts';
import { buy, cancelListing, confirm, createListing, dispute, refund, resolveDispute } from './marketplace.ts';

type HandlerTable = { [T in OperationType]: OperationHandler<Extract<Operation, { type: T }>> };

export const HANDLERS: HandlerTable = {
  transfer,
  burn,
  'claim-rewards': claimRewards,
  mint,
  'transfer-from-system': transferFromSystem,
  'create-pool': createPool,
  'replenish-pool': replenishPool,
  allocate,
  'release-allocation': releaseAllocation,
  'cancel-allocation': cancelAllocation,
  'create-schedule': createSchedule,
  'cancel-schedule': cancelSchedule,
  'set-authority': setAuthority,
  stake,
  unstake,
  'register-relay': registerRelay,
  'deregister-relay': deregisterRelay,
  slash,
  'create-listing': createListing,
  'cancel-listing': cancelListing,
  buy,
  confirm,
  refund,
  dispute,
  'resolve-dispute': resolveDispute,
  'submit-proposal': submitProposal,
  deposit,
  vote,
  'set-validators': setValidators,
};

export function handlerFor<O extends Operation>(op: O): OperationHandler<O> | undefined {
  return (HANDLERS as Record<string, OperationHandler<O> | undefined>)[op.type];
}
