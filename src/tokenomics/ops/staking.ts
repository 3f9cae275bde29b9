/**
 * docs/protocol.md §13.4: stake, unstake into unbonding (matures at its deadline in step 3), relay registration,
 * and the authority's slash, which burns from the stake and then from unbonding entries newest first.
 */
import { addU64, requireAmount } from '../amount.ts';
import { ErrorCode, TokenError } from '../errors.ts';
import type { Uuid } from '../ids.ts';
import { type Ledger, requireRoom } from '../ledger.ts';
import type { DeregisterRelayOp, RegisterRelayOp, SlashOp, StakeOp, UnstakeOp } from '../operations.ts';
import type { UnbondingEntry } from '../records.ts';
import { changeStake } from '../gov/stake-change.ts';
import { requireAuthority, requireId } from './context.ts';
import type { OperationHandler } from './handler.ts';

export const stake: OperationHandler<StakeOp> = {
  authorize: () => 'user',
  apply(l, tx, op) {
    const amount = requireAmount(op.amount, 'The stake amount');
    l.debitBalance(tx.signerId, amount);
    changeStake(l, tx.signerId, (account) => ({ ...account, staked: addU64(account.staked, amount, 'the stake') }));
  },
};

export const unstake: OperationHandler<UnstakeOp> = {
  authorize: () => 'user',
  apply(l, tx, op) {
    const amount = requireAmount(op.amount, 'The unstake amount');
    const account = l.account(tx.signerId);
    if (account.staked < amount) {
      throw new TokenError(ErrorCode.InsufficientStake, `Account ${tx.signerId} has ${account.staked} staked but ${amount} were asked for.`);
    }
    const deadline = l.position.height + l.params().unbondingBlocks;
    const staked = account.staked - amount;
    const last = account.unbonding.at(-1);
    if (last !== undefined && last.deadline === deadline) {
      // A second unstake in one block joins that block's entry (as Cosmos merges entries of one
      // height): same deadline, already registered, so it takes no room (docs/protocol.md §9).
      const merged = { amount: addU64(last.amount, amount, 'the unbonding entry'), deadline };
      changeStake(l, tx.signerId, (a) => ({ ...a, staked, unbonding: [...a.unbonding.slice(0, -1), merged] }));
      return;
    }
    requireRoom(account.unbonding.length, l.params().maxUnbondingEntries, ErrorCode.TooManyUnbondingEntries, `unbonding entries for ${tx.signerId}`, 'max_unbonding_entries');
    changeStake(l, tx.signerId, (a) => ({ ...a, staked, unbonding: [...a.unbonding, { amount, deadline }] }));
    l.addDeadline(deadline, { kind: 'unbonding', id: tx.signerId });
  },
};

/** Step 3: the account's unbonding entries that reach their deadline return to its balance. */
export function matureUnbonding(l: Ledger, accountId: Uuid): void {
  const account = l.account(accountId);
  const due = account.unbonding.filter((e) => e.deadline <= l.position.height);
  if (due.length === 0) return;
  const released = due.reduce((sum, e) => sum + e.amount, 0n);
  l.putAccount(accountId, {
    ...account,
    balance: addU64(account.balance, released, 'the balance'),
    unbonding: account.unbonding.filter((e) => e.deadline > l.position.height),
  });
}

export const registerRelay: OperationHandler<RegisterRelayOp> = {
  authorize: () => 'user',
  apply(l, tx) {
    const minStake = l.params().relayMinStake;
    const staked = l.account(tx.signerId).staked;
    if (staked < minStake) {
      throw new TokenError(ErrorCode.InsufficientStake, `A relay needs at least ${minStake} staked; ${tx.signerId} has ${staked}.`);
    }
    if (l.relays().includes(tx.signerId)) throw new TokenError(ErrorCode.AlreadyRegistered, `${tx.signerId} is already a registered relay.`);
    l.addRelay(tx.signerId);
  },
};

export const deregisterRelay: OperationHandler<DeregisterRelayOp> = {
  authorize: () => 'user',
  apply(l, tx) {
    if (!l.relays().includes(tx.signerId)) throw new TokenError(ErrorCode.NotRegistered, `${tx.signerId} is not a registered relay.`);
    l.setRelays(l.relays().filter((id) => id !== tx.signerId));
  },
};

export const slash: OperationHandler<SlashOp> = {
  authorize: (_l, tx) => requireAuthority(tx, 'slash a stake'),
  apply(l, _tx, op) {
    const target = requireId(op.account, 'The slashed account');
    const amount = requireAmount(op.amount, 'The slash amount');
    const account = l.account(target);
    const unbondingTotal = account.unbonding.reduce((sum, e) => sum + e.amount, 0n);
    if (account.staked + unbondingTotal < amount) {
      throw new TokenError(
        ErrorCode.InsufficientStake,
        `Account ${target} holds ${account.staked} staked and ${unbondingTotal} unbonding, less than the ${amount} to slash.`,
      );
    }
    const fromStake = account.staked < amount ? account.staked : amount;
    let rest = amount - fromStake;
    // Unbonding entries are taken newest first: the most recent unstake cannot dodge a slash.
    const unbonding: UnbondingEntry[] = [];
    for (let i = account.unbonding.length - 1; i >= 0; i--) {
      const entry = account.unbonding[i]!;
      const taken = entry.amount < rest ? entry.amount : rest;
      rest -= taken;
      if (entry.amount > taken) unbonding.unshift({ ...entry, amount: entry.amount - taken });
    }
    changeStake(l, target, (a) => ({ ...a, staked: a.staked - fromStake, unbonding }));
    l.burn(amount, 'slash', target);
  },
};
