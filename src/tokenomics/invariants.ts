/**
 * docs/protocol.md §13.8, checked after every block. The full check walks the whole state; the per-block check
 * proves the same thing from the block's writes alone (the supply moved exactly as much as the
 * holdings did, and every mint and burn has its event), so it costs O(writes) on a large state.
 */
import { U64_MAX } from './amount.ts';
import { ErrorCode, TokenError } from './errors.ts';
import type { TokenEvent } from './events.ts';
import { checkGovernanceInvariants } from './gov/invariants.ts';
import { type Proposal, type StakingState, holdsDeposits } from './gov/records.ts';
import type { ChainParams } from './params.ts';
import { type Account, type Allocation, type Pool, type Purchase, type SupplyState, isEscrowHeld } from './records.ts';
import * as K from './state/keys.ts';
import type { MemoryState, StateValue, StateView, WriteSet } from './state/store.ts';

function violation(name: string, detail: string): never {
  throw new TokenError(ErrorCode.InvariantViolation, `Invariant "${name}" is broken: ${detail}`);
}

/**
 * Tokens a state record holds: accounts (balance, stake, unbonding, pending rewards), pools,
 * escrows, a proposal's deposits and unsettled voter reward, and the stakers' pot (docs/protocol.md §17).
 */
export function holdingsOf(key: string, value: StateValue | null | undefined): bigint {
  if (value === null || value === undefined) return 0n;
  if (key.startsWith(K.ACCOUNT_PREFIX)) {
    const a = value as Account;
    return a.balance + a.staked + a.pendingRewards + a.unbonding.reduce((sum, e) => sum + e.amount, 0n);
  }
  if (key.startsWith(K.POOL_PREFIX)) {
    const p = value as Pool;
    return p.available + p.reserved;
  }
  if (key.startsWith(K.PURCHASE_PREFIX)) {
    const purchase = value as Purchase;
    return isEscrowHeld(purchase.status) ? purchase.amount : 0n;
  }
  if (key.startsWith(K.PROPOSAL_PREFIX)) {
    const p = value as Proposal;
    return (holdsDeposits(p.status) ? p.deposited : 0n) + p.rewardLeft;
  }
  if (key === K.META_STAKING) return (value as StakingState).pot;
  return 0n;
}

function checkU64(key: string, amount: bigint): void {
  if (amount < 0n || amount > U64_MAX) violation('amounts are u64', `${key} holds ${amount}.`);
}

function checkAmounts(key: string, value: StateValue): void {
  if (key.startsWith(K.ACCOUNT_PREFIX)) {
    const a = value as Account;
    for (const amount of [a.balance, a.staked, a.pendingRewards, a.nonce]) checkU64(key, amount);
    // Entry by entry, never spread into one call: a long list would overflow the stack (issue 12).
    for (const entry of a.unbonding) checkU64(key, entry.amount);
  } else if (key.startsWith(K.POOL_PREFIX)) {
    const p = value as Pool;
    for (const amount of [p.available, p.reserved, p.available + p.reserved]) checkU64(key, amount);
  }
}

function checkSupply(supply: SupplyState, params: ChainParams): bigint {
  const total = supply.totalMinted - supply.totalBurned;
  if (total < 0n) violation('total_supply >= 0', `minted ${supply.totalMinted} < burned ${supply.totalBurned}.`);
  if (supply.totalMinted > U64_MAX) violation('total_minted is u64', `${supply.totalMinted}.`);
  const cap = params.supply.maxSupply;
  if (cap !== null && total > cap) violation('total_supply <= max_supply', `${total} > ${cap}.`);
  if (supply.carry < 0n || supply.carry >= params.blocksPerYear) violation('0 <= carry < blocks_per_year', `${supply.carry}.`);
  return total;
}

/** Walks the whole state: total supply equals every holding summed, pools match their allocations. */
export function checkStateInvariants(state: MemoryState): void {
  const supply = state.get(K.META_SUPPLY) as SupplyState;
  const params = state.get(K.META_PARAMS) as ChainParams;
  const total = checkSupply(supply, params);
  let held = 0n;
  const reservedByPool = new Map<string, bigint>();
  for (const [key, value] of state.sortedEntries()) {
    checkAmounts(key, value);
    held += holdingsOf(key, value);
    if (key.startsWith(K.ALLOCATION_PREFIX)) {
      const a = value as Allocation;
      if (a.status === 'pending') reservedByPool.set(a.poolId, (reservedByPool.get(a.poolId) ?? 0n) + a.amount);
    }
  }
  if (held !== total) violation('total_supply == sum of holdings', `supply ${total}, holdings ${held}.`);
  for (const key of state.keysWithPrefix(K.POOL_PREFIX)) {
    const pool = state.get(key) as Pool;
    const pending = reservedByPool.get(pool.id) ?? 0n;
    if (pool.reserved !== pending) violation('pool reserved == its pending allocations', `pool ${pool.id}: ${pool.reserved} vs ${pending}.`);
  }
  checkGovernanceInvariants(state, violation);
}

/** Checks one block from its writes: holdings moved exactly as the supply did, every mint/burn recorded. */
export function checkBlockInvariants(before: StateView, outcome: { writes: WriteSet; events: readonly TokenEvent[] }): void {
  const oldSupply = before.get(K.META_SUPPLY) as SupplyState;
  const newSupply = (outcome.writes.get(K.META_SUPPLY) ?? oldSupply) as SupplyState;
  const params = before.get(K.META_PARAMS) as ChainParams;
  checkSupply(newSupply, params);
  let heldDelta = 0n;
  for (const [key, value] of outcome.writes) {
    if (value !== null) checkAmounts(key, value);
    heldDelta += holdingsOf(key, value) - holdingsOf(key, before.get(key));
  }
  const supplyDelta = newSupply.totalMinted - newSupply.totalBurned - (oldSupply.totalMinted - oldSupply.totalBurned);
  if (heldDelta !== supplyDelta) {
    violation('total_supply == sum of holdings', `this block changed holdings by ${heldDelta} but the supply by ${supplyDelta}.`);
  }
  let minted = 0n;
  let burned = 0n;
  for (const event of outcome.events) {
    if (event.kind === 'mint') minted += event.amount;
    if (event.kind === 'burn') burned += event.amount;
  }
  if (minted !== newSupply.totalMinted - oldSupply.totalMinted) {
    violation('every mint is in the history', `events mint ${minted}, counter moved ${newSupply.totalMinted - oldSupply.totalMinted}.`);
  }
  if (burned !== newSupply.totalBurned - oldSupply.totalBurned) {
    violation('every burn is in the history', `events burn ${burned}, counter moved ${newSupply.totalBurned - oldSupply.totalBurned}.`);
  }
}
