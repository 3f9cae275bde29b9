/**
 * The reference model of the token economy: the rules of docs/protocol.md §3.4, §10, §13 and §15
 * written out directly over a key-value map, independently of src/tokenomics, for the property test.
 */
import { v5 as uuidv5 } from 'uuid';
import {
  type Account,
  type Allocation,
  type BurnEvent,
  type ChainParams,
  type DistributionEvent,
  type MintEvent,
  type Operation,
  type Pool,
  type RecipientType,
  type Schedule,
  type StateValue,
  type SupplyState,
  type TokenEvent,
  type Uuid,
  type Validator,
  DCHAT_NAMESPACE,
  EMPTY_ACCOUNT,
  ErrorCode,
  META_PARAMS,
  META_POOLS,
  META_SCHEDULES,
  META_SUPPLY,
  META_VALIDATORS,
  META_HEAD,
  META_RELAYS,
  SYSTEM_ACCOUNT_IDS,
  U64_MAX,
  accountKey,
  allocationKey,
  isSystemAccount,
  isUuid,
  poolKey,
  scheduleKey,
} from '../../../../src/tokenomics/index.ts';
import { keyOf, walletOf } from '../chain-harness.ts';
import { type Signer, DEFAULT_ALLOCATION_LIFETIME } from './scenario.ts';
import { type Reader, poolIdsOf, scheduleIdsOf, allocationsOf } from './commands.ts';

// ---------------------------------------------------------------------------------------------
// The reference model: docs/protocol.md §3.4, §10, §13.1–13.3, §13.6 and §15 written out directly over a key-value map
// ---------------------------------------------------------------------------------------------

export type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
export type ExpectedEvent = WithoutId<TokenEvent>;

export type TxVerdict = { readonly ok: true } | { readonly ok: false; readonly codes: ReadonlySet<ErrorCode> };

export const MINT_REASONS_ALLOWED = new Set(['block-reward', 'relay-reward', 'marketplace-liquidity', 'airdrop', 'governance']);
export const BURN_REASONS = new Set(['fee', 'transaction-fee', 'deflation', 'slash', 'voluntary']);
export const RECIPIENT_TYPES: Readonly<Record<string, RecipientType>> = {
  validators: 'validators',
  relays: 'relays',
  marketplace: 'marketplace',
  'marketplace-liquidity': 'marketplace',
  treasury: 'treasury',
  'dev-fund': 'dev-fund',
};

export const minB = (a: bigint, b: bigint): bigint => (a < b ? a : b);
export const maxB = (a: bigint, b: bigint): bigint => (a > b ? a : b);
export const idOf = (kind: string, hash: string, index: number): Uuid => uuidv5(`${kind}:${hash}:${index}`, DCHAT_NAMESPACE);

export class Model implements Reader {
  s: Map<string, StateValue>;
  readonly params: ChainParams;
  height = 0n;
  timestampMs = 0n;
  events: ExpectedEvent[] = [];
  private txHash: string | null = null;

  constructor(entries: Iterable<[string, StateValue]>) {
    this.s = new Map(entries);
    this.params = this.s.get(META_PARAMS) as ChainParams;
  }

  get(key: string): StateValue | undefined {
    return this.s.get(key);
  }

  keysWithPrefix(prefix: string): string[] {
    return [...this.s.keys()].filter((k) => k.startsWith(prefix));
  }

  // ---- records

  acct(id: Uuid): Account {
    return (this.s.get(accountKey(id)) as Account | undefined) ?? EMPTY_ACCOUNT;
  }

  putAcct(id: Uuid, a: Account): void {
    this.s.set(accountKey(id), a);
  }

  supply(): SupplyState {
    return this.s.get(META_SUPPLY) as SupplyState;
  }

  total(): bigint {
    const s = this.supply();
    return s.totalMinted - s.totalBurned;
  }

  pool(id: Uuid): Pool | undefined {
    return this.s.get(poolKey(id)) as Pool | undefined;
  }

  putPool(p: Pool): void {
    this.s.set(poolKey(p.id), p);
  }

  credit(id: Uuid, amount: bigint): void {
    const a = this.acct(id);
    this.putAcct(id, { ...a, balance: a.balance + amount });
  }

  debit(id: Uuid, amount: bigint): void {
    const a = this.acct(id);
    if (a.balance < amount) throw new Error(`model bug: debit ${amount} from ${a.balance}`);
    this.putAcct(id, { ...a, balance: a.balance - amount });
  }

  private stamp() {
    return { height: this.height, timestampMs: this.timestampMs, txHash: this.txHash };
  }

  mintTo(amount: bigint, reason: MintEvent['reason'], to: { account: Uuid } | { pool: Uuid }): void {
    if (amount === 0n) return;
    const s = this.supply();
    this.s.set(META_SUPPLY, { ...s, totalMinted: s.totalMinted + amount });
    if ('account' in to) this.credit(to.account, amount);
    else {
      const p = this.pool(to.pool)!;
      this.putPool({ ...p, available: p.available + amount });
    }
    this.events.push({
      kind: 'mint',
      amount,
      reason,
      recipient: 'account' in to ? to.account : null,
      poolId: 'pool' in to ? to.pool : null,
      ...this.stamp(),
    });
  }

  burnEvent(amount: bigint, reason: BurnEvent['reason'], burner: Uuid): void {
    if (amount === 0n) return;
    const s = this.supply();
    this.s.set(META_SUPPLY, { ...s, totalBurned: s.totalBurned + amount });
    this.events.push({ kind: 'burn', amount, reason, burner, ...this.stamp() });
  }

  distribution(e: Pick<DistributionEvent, 'scheduleId' | 'recipientType' | 'recipient' | 'amount'>): void {
    this.events.push({ kind: 'distribution', ...e, ...this.stamp() });
  }

  /** docs/protocol.md §9: retired schedules leave the running list for the newest max_schedules retired ones. */
  retire(ids: readonly Uuid[]): void {
    if (ids.length === 0) return;
    const running = scheduleIdsOf(this);
    this.s.set(META_SCHEDULES, running.filter((id) => !ids.includes(id)));
    const retired = [...((this.s.get('meta:retired-schedules') as readonly Uuid[] | undefined) ?? []), ...running.filter((id) => ids.includes(id))];
    this.s.set('meta:retired-schedules', retired.slice(-Number(this.params.maxSchedules)));
  }

  /** docs/protocol.md §10: max(ceil(amount * bps / 10,000), min_fee), capped at amount. */
  fee(amount: bigint): bigint {
    const product = amount * this.params.supply.burnRateBps;
    const ceil = product / 10_000n + (product % 10_000n === 0n ? 0n : 1n);
    return minB(maxB(ceil, this.params.minFee), amount);
  }

  payWithFee(payer: Uuid, to: Uuid, amount: bigint): void {
    const fee = this.fee(amount);
    this.credit(to, amount - fee);
    this.burnEvent(fee, 'transaction-fee', payer);
  }

  headroom(): bigint {
    const cap = this.params.supply.maxSupply;
    const s = this.supply();
    return maxB(0n, minB(cap === null ? U64_MAX : cap - this.total(), U64_MAX - s.totalMinted));
  }

  // ---- docs/protocol.md §3.4: the steps before the transactions

  beginBlock(height: bigint, timestampMs: bigint): void {
    this.height = height;
    this.timestampMs = timestampMs;
    this.events = [];
    this.txHash = null;
    this.s.set(META_HEAD, { height, timestampMs });
    const reserve = SYSTEM_ACCOUNT_IDS.reserve;

    // 1. inflation (4.2): floor((provision + carry) / Y), remainder carried, clipped to the cap.
    const sup = this.supply();
    const due = sup.annualProvision + sup.carry;
    const Y = this.params.blocksPerYear;
    this.s.set(META_SUPPLY, { ...sup, carry: due % Y });
    this.mintTo(minB(due / Y, this.headroom()), 'inflation', { account: reserve });

    // 2. due schedules in creation order (4.3); one whose duration ends here leaves the list after
    // its run (docs/protocol.md §9: the step walks running schedules only).
    const ending: Uuid[] = [];
    for (const id of scheduleIdsOf(this)) {
      const sc = this.s.get(scheduleKey(id)) as Schedule;
      const elapsed = height - sc.startBlock;
      if (sc.durationBlocks !== null && elapsed + 1n >= sc.durationBlocks) ending.push(id);
      const isDue =
        !sc.cancelled && height >= sc.startBlock && elapsed % sc.intervalBlocks === 0n && (sc.durationBlocks === null || elapsed < sc.durationBlocks);
      if (!isDue) continue;
      const paid = minB(sc.amountPerInterval, this.acct(reserve).balance);
      let moved = 0n;
      if (sc.recipientType === 'validators' || sc.recipientType === 'relays') {
        const wallets =
          sc.recipientType === 'validators'
            ? (this.s.get(META_VALIDATORS) as readonly Validator[]).map((v) => v.rewardWallet)
            : ((this.s.get(META_RELAYS) as readonly Uuid[] | undefined) ?? []).filter((w) => this.acct(w).staked >= this.params.relayMinStake);
        const share = wallets.length === 0 ? 0n : paid / BigInt(wallets.length);
        if (share > 0n) {
          for (const w of wallets) {
            const a = this.acct(w);
            this.putAcct(w, { ...a, pendingRewards: a.pendingRewards + share });
            this.distribution({ scheduleId: sc.id, recipientType: sc.recipientType, recipient: w, amount: share });
          }
          moved = share * BigInt(wallets.length);
        }
      } else if (paid > 0n) {
        if (sc.recipientType === 'marketplace') {
          const p = this.pool(sc.poolId!)!;
          this.putPool({ ...p, available: p.available + paid });
          this.distribution({ scheduleId: sc.id, recipientType: 'marketplace', recipient: p.id, amount: paid });
        } else {
          const account = SYSTEM_ACCOUNT_IDS[sc.recipientType as 'treasury' | 'dev-fund'];
          this.credit(account, paid);
          this.distribution({ scheduleId: sc.id, recipientType: sc.recipientType, recipient: account, amount: paid });
        }
        moved = paid;
      }
      this.debit(reserve, moved);
      this.s.set(scheduleKey(id), {
        ...sc,
        // schedule statistics saturate at u64 (a block step never fails on them)
        paidTotal: sc.paidTotal + moved > U64_MAX ? U64_MAX : sc.paidTotal + moved,
        shortfallTotal: sc.shortfallTotal + (sc.amountPerInterval - paid) > U64_MAX ? U64_MAX : sc.shortfallTotal + (sc.amountPerInterval - paid),
      });
    }
    this.retire(ending);

    // 3. deadlines: pending allocations whose deadline is this height return to their pool (4.4) ...
    for (const a of allocationsOf(this)) {
      if (a.deadline !== height || a.status !== 'pending') continue;
      const p = this.pool(a.poolId)!;
      this.putPool({ ...p, reserved: p.reserved - a.amount, available: p.available + a.amount });
      this.s.set(allocationKey(a.id), { ...a, status: 'expired', closedHeight: height });
    }
    // ... then auto-replenish in pool creation order, from the reserve, never by minting.
    for (const id of poolIdsOf(this)) {
      const p = this.pool(id)!;
      const rule = p.autoReplenish;
      if (rule === null || p.available >= rule.below) continue;
      const amount = minB(rule.upTo - p.available, this.acct(reserve).balance);
      if (amount === 0n) continue;
      this.debit(reserve, amount);
      this.putPool({ ...p, available: p.available + amount });
      this.distribution({ scheduleId: null, recipientType: 'auto-replenish', recipient: id, amount });
    }
  }

  /** After the last tx: at a multiple of Y the next year's provision is fixed and the carry reset. */
  endBlock(): void {
    this.txHash = null;
    if (this.height % this.params.blocksPerYear !== 0n) return;
    const sup = this.supply();
    this.s.set(META_SUPPLY, { ...sup, annualProvision: (this.total() * this.params.supply.inflationRateBps) / 10_000n, carry: 0n });
  }

  // ---- the transactions (docs/protocol.md §3.4, §13)

  /**
   * Decides a transaction: every fault that applies to it (any of them is an acceptable refusal
   * code), or success with its effects applied.
   */
  tx(signer: Signer, op: Operation, nonce: bigint, hash: string): TxVerdict {
    const signerKey = keyOf(signer);
    const signerId = walletOf(signer);
    const validators = this.s.get(META_VALIDATORS) as readonly Validator[];
    const isAuthority = (this.s.get('meta:authority') as { keys: readonly string[] }).keys.includes(signerKey);
    const faults = new Set<ErrorCode>();
    const fault = (code: ErrorCode): void => void faults.add(code);
    if (validators.some((v) => v.publicKey === signerKey)) fault(ErrorCode.Unauthorized);
    if (nonce !== this.acct(signerId).nonce) fault(ErrorCode.InvalidNonce);

    /** Amount checks: true when the amount is a u64 of at least `min`. */
    const amountOk = (v: bigint, min = 1n): boolean => {
      if (v > U64_MAX) fault(ErrorCode.AmountOverflow);
      else if (v < min) fault(ErrorCode.InvalidAmount);
      else return true;
      return false;
    };
    const idOk = (v: string): boolean => {
      if (isUuid(v)) return true;
      fault(ErrorCode.InvalidParameter);
      return false;
    };
    const requireAuthority = (): void => {
      if (!isAuthority) fault(ErrorCode.Unauthorized);
    };
    /** Authority (privileged) or the named pool's operator (a user tx); returns the role. */
    const poolRole = (poolId: Uuid): 'user' | 'privileged' => {
      const p = this.pool(poolId);
      if (p === undefined) fault(ErrorCode.UnknownPool);
      if (isAuthority) return 'privileged';
      if (p === undefined || p.operator !== signerId) fault(ErrorCode.Unauthorized);
      return 'user';
    };
    const capOk = (amount: bigint): void => {
      const cap = this.params.supply.maxSupply;
      if (cap !== null && this.total() + amount > cap) fault(ErrorCode.MaxSupplyExceeded);
    };

    let role: 'user' | 'privileged' | 'transfer' = 'user';
    let effects: () => void = () => {};
    switch (op.type) {
      case 'transfer': {
        role = 'transfer';
        const ok = amountOk(op.amount);
        idOk(op.to);
        if (ok && this.acct(signerId).balance < op.amount) fault(ErrorCode.InsufficientBalance);
        effects = () => {
          this.debit(signerId, op.amount);
          this.payWithFee(signerId, op.to, op.amount);
        };
        break;
      }
      case 'burn': {
        const system = op.account !== null && op.account !== signerId;
        const burner = system ? op.account! : signerId;
        if (system) {
          role = 'privileged';
          requireAuthority();
          if (!isSystemAccount(op.account!)) fault(ErrorCode.Unauthorized);
        }
        const knownReason = BURN_REASONS.has(op.reason);
        if (!knownReason) fault(ErrorCode.InvalidReason);
        const ok = amountOk(op.amount);
        if (knownReason && (system ? op.reason !== 'deflation' && op.reason !== 'fee' : op.reason !== 'voluntary')) fault(ErrorCode.InvalidReason);
        if (ok && this.acct(burner).balance < op.amount) fault(ErrorCode.InsufficientBalance);
        effects = () => {
          this.debit(burner, op.amount);
          this.burnEvent(op.amount, op.reason as BurnEvent['reason'], burner);
        };
        break;
      }
      case 'mint': {
        role = 'privileged';
        requireAuthority();
        if (!MINT_REASONS_ALLOWED.has(op.reason)) fault(ErrorCode.InvalidReason); // unknown, or genesis/inflation
        const ok = amountOk(op.amount);
        const recipient = op.recipient ?? SYSTEM_ACCOUNT_IDS.treasury;
        idOk(recipient);
        if (ok) capOk(op.amount);
        effects = () => this.mintTo(op.amount, op.reason as MintEvent['reason'], { account: recipient });
        break;
      }
      case 'transfer-from-system': {
        role = 'privileged';
        requireAuthority();
        const system = isSystemAccount(op.fromAccount);
        if (!system) fault(ErrorCode.Unauthorized);
        const ok = amountOk(op.amount);
        idOk(op.to);
        if (ok && system && this.acct(op.fromAccount).balance < op.amount) fault(ErrorCode.InsufficientBalance);
        effects = () => {
          this.debit(op.fromAccount, op.amount);
          this.payWithFee(op.fromAccount, op.to, op.amount);
        };
        break;
      }
      case 'create-pool': {
        role = 'privileged';
        requireAuthority();
        const name = op.name.trim();
        if (name.length === 0 || name.length > 64) fault(ErrorCode.InvalidParameter);
        const ok = amountOk(op.initialAmount, 0n);
        if (op.autoReplenish !== null) {
          const belowOk = amountOk(op.autoReplenish.below, 0n);
          const upToOk = amountOk(op.autoReplenish.upTo, 1n);
          if (belowOk && upToOk && op.autoReplenish.below > op.autoReplenish.upTo) fault(ErrorCode.InvalidParameter);
        }
        if (op.operator !== null) idOk(op.operator);
        if (ok) capOk(op.initialAmount);
        effects = () => {
          const id = idOf('pool', hash, 0);
          this.putPool({
            id,
            name,
            available: 0n,
            reserved: 0n,
            operator: op.operator,
            autoReplenish: op.autoReplenish,
            createdHeight: this.height,
            createdAtMs: this.timestampMs,
            lastReplenishHeight: this.height,
          });
          this.s.set(META_POOLS, [...poolIdsOf(this), id]);
          this.mintTo(op.initialAmount, 'marketplace-liquidity', { pool: id });
        };
        break;
      }
      case 'replenish-pool': {
        role = 'privileged';
        requireAuthority();
        if (this.pool(op.poolId) === undefined) fault(ErrorCode.UnknownPool);
        if (amountOk(op.amount)) capOk(op.amount);
        effects = () => this.mintTo(op.amount, 'marketplace-liquidity', { pool: op.poolId });
        break;
      }
      case 'allocate': {
        role = poolRole(op.poolId);
        const ok = amountOk(op.amount);
        idOk(op.recipient);
        const lifetime = op.expiresInBlocks ?? DEFAULT_ALLOCATION_LIFETIME;
        if (lifetime < 1n || this.height + lifetime > U64_MAX) fault(ErrorCode.InvalidParameter);
        const p = this.pool(op.poolId);
        if (ok && p !== undefined && p.available < op.amount) fault(ErrorCode.InsufficientPoolTokens);
        effects = () => {
          const pool = this.pool(op.poolId)!;
          this.putPool({ ...pool, available: pool.available - op.amount, reserved: pool.reserved + op.amount });
          const id = idOf('allocation', hash, 0);
          this.s.set(allocationKey(id), {
            id,
            poolId: pool.id,
            amount: op.amount,
            recipient: op.recipient,
            createdHeight: this.height,
            deadline: this.height + lifetime,
            status: 'pending',
            closedHeight: null,
          });
        };
        break;
      }
      case 'release-allocation':
      case 'cancel-allocation': {
        role = poolRole(op.poolId);
        const a = this.s.get(allocationKey(op.allocationId)) as Allocation | undefined;
        if (a === undefined || a.poolId !== op.poolId) fault(ErrorCode.UnknownAllocation);
        else if (a.status !== 'pending') fault(ErrorCode.AllocationClosed);
        effects = () => {
          const alloc = a!;
          const pool = this.pool(op.poolId)!;
          if (op.type === 'release-allocation') {
            this.putPool({ ...pool, reserved: pool.reserved - alloc.amount });
            this.s.set(allocationKey(alloc.id), { ...alloc, status: 'released', closedHeight: this.height });
            this.payWithFee(pool.id, alloc.recipient, alloc.amount);
          } else {
            this.putPool({ ...pool, reserved: pool.reserved - alloc.amount, available: pool.available + alloc.amount });
            this.s.set(allocationKey(alloc.id), { ...alloc, status: 'cancelled', closedHeight: this.height });
          }
        };
        break;
      }
      case 'create-schedule': {
        role = 'privileged';
        requireAuthority();
        const type = RECIPIENT_TYPES[op.recipientType];
        if (type === undefined) fault(ErrorCode.InvalidParameter);
        amountOk(op.amountPerInterval);
        if (op.intervalBlocks < 1n || op.intervalBlocks > U64_MAX) fault(ErrorCode.InvalidParameter);
        const start = op.startBlock ?? this.height + 1n;
        if (start < this.height + 1n || start > U64_MAX) fault(ErrorCode.InvalidParameter);
        if (op.durationBlocks !== null && (op.durationBlocks < 1n || op.durationBlocks > U64_MAX)) fault(ErrorCode.InvalidParameter);
        let poolId: Uuid | null = null;
        if (type !== undefined && type !== 'marketplace' && op.poolId !== null) fault(ErrorCode.InvalidParameter);
        if (type === 'marketplace') {
          poolId = op.poolId ?? poolIdsOf(this)[0] ?? null;
          if (poolId === null || this.pool(poolId) === undefined) fault(ErrorCode.UnknownPool);
        }
        effects = () => {
          const id = idOf('schedule', hash, 0);
          this.s.set(scheduleKey(id), {
            id,
            recipientType: type!,
            amountPerInterval: op.amountPerInterval,
            intervalBlocks: op.intervalBlocks,
            startBlock: start,
            durationBlocks: op.durationBlocks,
            poolId,
            createdHeight: this.height,
            cancelled: false,
            paidTotal: 0n,
            shortfallTotal: 0n,
            lastRunHeight: null,
          });
          this.s.set(META_SCHEDULES, [...scheduleIdsOf(this), id]);
        };
        break;
      }
      case 'cancel-schedule': {
        role = 'privileged';
        requireAuthority();
        const sc = this.s.get(scheduleKey(op.scheduleId)) as Schedule | undefined;
        if (sc === undefined) fault(ErrorCode.UnknownSchedule);
        else if (sc.cancelled) fault(ErrorCode.ScheduleClosed);
        effects = () => {
          this.s.set(scheduleKey(sc!.id), { ...sc!, cancelled: true });
          this.retire([sc!.id]);
        };
        break;
      }
      case 'claim-rewards': {
        if (this.acct(signerId).pendingRewards === 0n) fault(ErrorCode.NothingToClaim);
        effects = () => {
          const a = this.acct(signerId);
          this.putAcct(signerId, { ...a, balance: a.balance + a.pendingRewards, pendingRewards: 0n });
        };
        break;
      }
      case 'set-authority':
        throw new Error('not generated');
    }
    if (faults.size > 0) return { ok: false, codes: faults };

    // All checks passed: apply, then the min fee of a user tx (it may still fail on the fee).
    const savedState = new Map(this.s);
    const savedEvents = this.events.length;
    this.txHash = hash;
    effects();
    const minFee = this.params.minFee;
    if (role === 'user' && minFee > 0n) {
      if (this.acct(signerId).balance < minFee) {
        this.s = savedState;
        this.events.length = savedEvents;
        this.txHash = null;
        return { ok: false, codes: new Set([ErrorCode.InsufficientBalance]) };
      }
      this.debit(signerId, minFee);
      this.burnEvent(minFee, 'fee', signerId);
    }
    const a = this.acct(signerId);
    this.putAcct(signerId, { ...a, nonce: a.nonce + 1n });
    this.txHash = null;
    return { ok: true };
  }
}
