/**
 * Typed access to the token state inside one block (or one transaction of it), and the money
 * primitives every operation is built from: credit, debit, mint (cap-checked), burn, and the
 * transfer fee rule. Everything here writes to an Overlay and records events; nothing is committed.
 */
import { U64_MAX, addU64, maxBig, minBig, transferFee } from './amount.ts';
import { ErrorCode, TokenError } from './errors.ts';
import type { BurnEvent, DistributionEvent, MintEvent, TokenEvent } from './events.ts';
import { IdSource, type SystemAccountName, type Uuid, SYSTEM_ACCOUNT_IDS } from './ids.ts';
import type { ChainParams } from './params.ts';
import type { BurnReason, MintReason } from './reasons.ts';
import {
  type Account,
  type Allocation,
  type AuthorityState,
  type BlockPosition,
  type DeadlineEntry,
  type Listing,
  type Pool,
  type Purchase,
  type Schedule,
  type SupplyState,
  type Validator,
} from './records.ts';
import * as K from './state/keys.ts';
import { accountIn } from './state/account-read.ts';
import { Overlay, type StateView } from './state/store.ts';

/**
 * Refuses one more item in a list that holds `length` of at most `max`, the genesis parameter
 * `param` (docs/protocol.md §9): a typed error, and the transaction changes nothing.
 */
export function requireRoom(length: number, max: bigint, code: ErrorCode, what: string, param: string): void {
  if (BigInt(length) >= max) throw new TokenError(code, `There are already ${length} ${what}, the most the genesis allows (${param} = ${max}).`);
}

export class Ledger {
  readonly overlay: Overlay;
  readonly position: BlockPosition;
  readonly ids: IdSource;
  readonly events: TokenEvent[] = [];

  readonly txHash: string | null;

  constructor(parent: StateView, position: BlockPosition, ids: IdSource, txHash: string | null = null) {
    this.overlay = new Overlay(parent);
    this.position = position;
    this.ids = ids;
    this.txHash = txHash;
  }

  /** A nested ledger for one transaction: merge it with `commitInto` only if it succeeds. */
  forTx(txHash: string): Ledger {
    return new Ledger(this.overlay, this.position, IdSource.forTx(txHash), txHash);
  }

  commitInto(parent: Ledger): void {
    this.overlay.mergeInto(parent.overlay);
    // One at a time: a spread passes every event as an argument, and a long list overflows the stack.
    for (const event of this.events) parent.events.push(event);
  }

  // ---- reads and writes of records -------------------------------------------------------

  private required<T>(key: string): T {
    const value = this.overlay.get(key);
    if (value === undefined) throw new TokenError(ErrorCode.InvariantViolation, `State key ${key} is missing.`);
    return value as T;
  }

  params(): ChainParams {
    return this.required<ChainParams>(K.META_PARAMS);
  }

  /** The last block applied to this state (height 0 = genesis). */
  head(): BlockPosition {
    return this.required<BlockPosition>(K.META_HEAD);
  }

  setHead(position: BlockPosition): void {
    this.overlay.set(K.META_HEAD, { height: position.height, timestampMs: position.timestampMs });
  }

  supply(): SupplyState {
    return this.required<SupplyState>(K.META_SUPPLY);
  }

  setSupply(supply: SupplyState): void {
    this.overlay.set(K.META_SUPPLY, supply);
  }

  totalSupply(): bigint {
    const { totalMinted, totalBurned } = this.supply();
    return totalMinted - totalBurned;
  }

  authority(): AuthorityState {
    return this.required<AuthorityState>(K.META_AUTHORITY);
  }

  setAuthority(authority: AuthorityState): void {
    this.overlay.set(K.META_AUTHORITY, authority);
  }

  validators(): readonly Validator[] {
    return this.required<readonly Validator[]>(K.META_VALIDATORS);
  }

  relays(): readonly Uuid[] {
    return (this.overlay.get(K.META_RELAYS) as readonly Uuid[] | undefined) ?? [];
  }

  setRelays(relays: readonly Uuid[]): void {
    this.overlay.set(K.META_RELAYS, relays);
  }

  /** Adds a relay, refused with TooManyRelays at max_relays (docs/protocol.md §9). */
  addRelay(id: Uuid): void {
    const relays = this.relays();
    requireRoom(relays.length, this.params().maxRelays, ErrorCode.TooManyRelays, 'registered relays', 'max_relays');
    this.setRelays([...relays, id]);
  }

  listing(id: Uuid): Listing {
    const listing = this.overlay.get(K.listingKey(id)) as Listing | undefined;
    if (listing === undefined) throw new TokenError(ErrorCode.UnknownListing, `No listing with id ${id}.`);
    return listing;
  }

  putListing(listing: Listing): void {
    this.overlay.set(K.listingKey(listing.id), listing);
  }

  purchase(id: Uuid): Purchase {
    const purchase = this.overlay.get(K.purchaseKey(id)) as Purchase | undefined;
    if (purchase === undefined) throw new TokenError(ErrorCode.UnknownPurchase, `No purchase with id ${id}.`);
    return purchase;
  }

  putPurchase(purchase: Purchase): void {
    this.overlay.set(K.purchaseKey(purchase.id), purchase);
  }

  account(id: Uuid): Account {
    return accountIn(this.overlay, id);
  }

  hasAccount(id: Uuid): boolean {
    return this.overlay.get(K.accountKey(id)) !== undefined;
  }

  putAccount(id: Uuid, account: Account): void {
    this.overlay.set(K.accountKey(id), account);
  }

  poolIds(): readonly Uuid[] {
    return (this.overlay.get(K.META_POOLS) as readonly Uuid[] | undefined) ?? [];
  }

  pool(id: Uuid): Pool {
    const pool = this.overlay.get(K.poolKey(id)) as Pool | undefined;
    if (pool === undefined) throw new TokenError(ErrorCode.UnknownPool, `No pool with id ${id}.`);
    return pool;
  }

  putPool(pool: Pool, isNew = false): void {
    if (isNew) {
      const ids = this.poolIds();
      requireRoom(ids.length, this.params().maxPools, ErrorCode.TooManyPools, 'pools', 'max_pools');
      this.overlay.set(K.META_POOLS, [...ids, pool.id]);
    }
    this.overlay.set(K.poolKey(pool.id), pool);
  }

  allocation(id: Uuid): Allocation {
    const allocation = this.overlay.get(K.allocationKey(id)) as Allocation | undefined;
    if (allocation === undefined) throw new TokenError(ErrorCode.UnknownAllocation, `No allocation with id ${id}.`);
    return allocation;
  }

  putAllocation(allocation: Allocation): void {
    this.overlay.set(K.allocationKey(allocation.id), allocation);
  }

  /** The schedules still running, in creation order: what step 2 walks (docs/protocol.md §9). */
  scheduleIds(): readonly Uuid[] {
    return (this.overlay.get(K.META_SCHEDULES) as readonly Uuid[] | undefined) ?? [];
  }

  schedule(id: Uuid): Schedule {
    const schedule = this.overlay.get(K.scheduleKey(id)) as Schedule | undefined;
    if (schedule === undefined) throw new TokenError(ErrorCode.UnknownSchedule, `No schedule with id ${id}.`);
    return schedule;
  }

  putSchedule(schedule: Schedule, isNew = false): void {
    if (isNew) {
      const ids = this.scheduleIds();
      requireRoom(ids.length, this.params().maxSchedules, ErrorCode.TooManySchedules, 'running schedules', 'max_schedules');
      this.overlay.set(K.META_SCHEDULES, [...ids, schedule.id]);
    }
    this.overlay.set(K.scheduleKey(schedule.id), schedule);
  }

  /**
   * Takes schedules that will never run again out of the list step 2 walks, onto the bounded list of
   * recently retired ones (the newest max_schedules, for the API); their records stay.
   */
  retireSchedules(ids: ReadonlySet<Uuid>): void {
    if (ids.size === 0) return;
    const running = this.scheduleIds();
    this.overlay.set(K.META_SCHEDULES, running.filter((id) => !ids.has(id)));
    const retired = [...this.retiredScheduleIds(), ...running.filter((id) => ids.has(id))];
    const keep = Number(this.params().maxSchedules);
    this.overlay.set(K.META_RETIRED_SCHEDULES, keep === 0 ? [] : retired.slice(-keep));
  }

  retiredScheduleIds(): readonly Uuid[] {
    return (this.overlay.get(K.META_RETIRED_SCHEDULES) as readonly Uuid[] | undefined) ?? [];
  }

  /** How many objects are due at `height` (docs/protocol.md §8.3). */
  deadlineCount(height: bigint): bigint {
    return (this.overlay.get(K.deadlineCountKey(height)) as bigint | undefined) ?? 0n;
  }

  /** The `index`-th object due at `height`, in creation order. */
  deadlineAt(height: bigint, index: bigint): DeadlineEntry {
    return this.required<DeadlineEntry>(K.deadlineKey(height, index));
  }

  /**
   * Registers an object due at `height`: two keys written whatever the height already holds, and
   * refused with DeadlineHeightFull at max_deadlines_per_height, since step 3 of that block runs them all.
   */
  addDeadline(height: bigint, entry: DeadlineEntry): void {
    const count = this.deadlineCount(height);
    if (count >= this.params().maxDeadlinesPerHeight) {
      throw new TokenError(
        ErrorCode.DeadlineHeightFull,
        `Height ${height} already has ${count} objects due, the most max_deadlines_per_height allows; choose another lifetime or a later block.`,
      );
    }
    this.overlay.set(K.deadlineKey(height, count), entry);
    this.overlay.set(K.deadlineCountKey(height), count + 1n);
  }

  /** Deletes the entries of a height once step 3 ran them. */
  clearDeadlines(height: bigint): void {
    const count = this.deadlineCount(height);
    for (let i = 0n; i < count; i++) this.overlay.delete(K.deadlineKey(height, i));
    if (count > 0n) this.overlay.delete(K.deadlineCountKey(height));
  }

  // ---- money primitives ------------------------------------------------------------------

  creditBalance(id: Uuid, amount: bigint): void {
    const account = this.account(id);
    this.putAccount(id, { ...account, balance: addU64(account.balance, amount, 'the balance') });
  }

  debitBalance(id: Uuid, amount: bigint): void {
    const account = this.account(id);
    if (account.balance < amount) {
      throw new TokenError(
        ErrorCode.InsufficientBalance,
        `Account ${id} holds ${account.balance} tokens but ${amount} are needed.`,
      );
    }
    this.putAccount(id, { ...account, balance: account.balance - amount });
  }

  creditPendingRewards(id: Uuid, amount: bigint): void {
    const account = this.account(id);
    this.putAccount(id, { ...account, pendingRewards: addU64(account.pendingRewards, amount, 'pending rewards') });
  }

  /** Room left for new tokens: under the cap, and under u64 for the supply and the minted counter. */
  mintHeadroom(): bigint {
    const supply = this.supply();
    const total = supply.totalMinted - supply.totalBurned;
    const cap = this.params().supply.maxSupply ?? U64_MAX;
    return maxBig(0n, minBig(cap - total, U64_MAX - supply.totalMinted));
  }

  /**
   * Creates `amount` new tokens for an account balance or a pool's `available`, refused with
   * MaxSupplyExceeded above the cap. Records a mint event; a zero mint records nothing.
   */
  mint(amount: bigint, reason: MintReason, to: { account: Uuid } | { pool: Uuid }): MintEvent | null {
    if (amount === 0n) return null;
    const supply = this.supply();
    const cap = this.params().supply.maxSupply;
    const newTotal = supply.totalMinted - supply.totalBurned + amount;
    if (cap !== null && newTotal > cap) {
      throw new TokenError(
        ErrorCode.MaxSupplyExceeded,
        `Minting ${amount} would bring the supply to ${newTotal}, above the max supply ${cap}.`,
      );
    }
    addU64(supply.totalMinted - supply.totalBurned, amount, 'the total supply');
    this.setSupply({ ...supply, totalMinted: addU64(supply.totalMinted, amount, 'total minted') });
    let recipient: Uuid | null = null;
    let poolId: Uuid | null = null;
    if ('account' in to) {
      recipient = to.account;
      this.creditBalance(to.account, amount);
    } else {
      poolId = to.pool;
      const pool = this.pool(to.pool);
      this.putPool({ ...pool, available: addU64(pool.available, amount, 'pool available') });
    }
    const event: MintEvent = {
      kind: 'mint',
      id: this.ids.id('mint'),
      amount,
      reason,
      recipient,
      poolId,
      ...this.stamp(),
    };
    this.events.push(event);
    return event;
  }

  /** Records the destruction of tokens the caller has already taken out of a holding. */
  burn(amount: bigint, reason: BurnReason, burner: Uuid): BurnEvent | null {
    if (amount === 0n) return null;
    const supply = this.supply();
    this.setSupply({ ...supply, totalBurned: addU64(supply.totalBurned, amount, 'total burned') });
    const event: BurnEvent = { kind: 'burn', id: this.ids.id('burn'), amount, reason, burner, ...this.stamp() };
    this.events.push(event);
    return event;
  }

  /** The transfer fee of docs/protocol.md §10. */
  transferFee(amount: bigint): bigint {
    const params = this.params();
    return transferFee(amount, params.supply.burnRateBps, params.minFee);
  }

  /**
   * Pays `amount`, already taken from `payer`, to `to` under the fee rule: `to` receives
   * amount - fee, the fee is burned (reason transaction-fee, burner = payer). Returns the fee.
   */
  payWithFee(payer: Uuid, to: Uuid, amount: bigint): bigint {
    const fee = this.transferFee(amount);
    this.creditBalance(to, amount - fee);
    this.burn(fee, 'transaction-fee', payer);
    return fee;
  }

  recordDistribution(event: Omit<DistributionEvent, 'kind' | 'id' | 'height' | 'timestampMs' | 'txHash'>): void {
    this.events.push({ kind: 'distribution', id: this.ids.id('distribution'), ...event, ...this.stamp() });
  }

  reserveId(): Uuid {
    return SYSTEM_ACCOUNT_IDS.reserve;
  }

  systemAccountFor(name: SystemAccountName): Uuid {
    return SYSTEM_ACCOUNT_IDS[name];
  }

  private stamp(): { height: bigint; timestampMs: bigint; txHash: string | null } {
    return { height: this.position.height, timestampMs: this.position.timestampMs, txHash: this.txHash };
  }
}
