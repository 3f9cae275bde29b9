/**
 * Property-based tests of the token economy (SPEC sections 1, 2, 4, 5).
 *
 * The central property runs random multi-block scenarios (valid and invalid transactions from a few
 * named users, the authority, a pool operator, a validator key and a validator's reward wallet) both
 * through the real state machine and through an independent reference model of the spec written
 * here, and asserts after every transaction and every block that they agree exactly: which
 * transactions are accepted, which error code a refused one gets, the full state after each block
 * (every account, pool, allocation, schedule and the supply counters), and every mint, burn and
 * distribution event. On top of that it checks the SPEC 4.8 invariants directly.
 */
import fc from 'fast-check';
import { v5 as uuidv5 } from 'uuid';
import { describe, expect, it } from 'vitest';
import {
  type Account,
  type Allocation,
  type AutoReplenish,
  type BlockOutcome,
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
  type TxInput,
  type Uuid,
  type Validator,
  BlockExecution,
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
  TokenError,
  U64_MAX,
  accountKey,
  allocationKey,
  checkStateInvariants,
  exportState,
  importState,
  inflationStep,
  isSystemAccount,
  isUuid,
  issuedAfter,
  poolKey,
  scheduleKey,
} from '../../../src/tokenomics/index.ts';
import { AUTHORITY, TestChain, keyOf, smallGenesis, walletOf } from './chain-harness.ts';

// ---------------------------------------------------------------------------------------------
// Scenario vocabulary
// ---------------------------------------------------------------------------------------------

/** Who signs: users, the authority, a pool operator, a validator key, a validator's reward wallet. */
const SIGNERS = ['alice', 'bob', 'carol', 'operator', AUTHORITY, 'v1', 'v1-rewards'] as const;
type Signer = (typeof SIGNERS)[number];
const VALIDATOR_NAMES = ['v1', 'v2'] as const;

/** Recipients: named wallets (dave never signs), system accounts, and a malformed id. */
const TARGETS = ['alice', 'bob', 'carol', 'operator', 'dave', AUTHORITY, 'treasury', 'reserve', 'bad-id'] as const;
type Target = (typeof TARGETS)[number];

/** Accounts an authority may name as a source: system accounts, and a user's (refused). */
const SOURCES = ['treasury', 'reserve', 'dev-fund', 'airdrop', 'relay-fund', 'alice'] as const;
type Source = (typeof SOURCES)[number];

const UNKNOWN_ID: Uuid = '00000000-0000-4000-8000-0000000000ff';
const BAD_ID = 'not-a-uuid';
const DEFAULT_ALLOCATION_LIFETIME = 100_800n;

/** A reference to an existing object by index (modulo how many exist), or -1 for an unknown id. */
type Ref = number;

type Cmd = { readonly by: Signer; readonly nonceSkew: -1 | 0 | 1 } & (
  | { readonly t: 'transfer'; readonly to: Target; readonly amount: bigint }
  | { readonly t: 'burn'; readonly amount: bigint; readonly reason: string; readonly account: 'none' | 'self' | Source }
  | { readonly t: 'mint'; readonly amount: bigint; readonly reason: string; readonly recipient: Target | null }
  | { readonly t: 'transfer-from-system'; readonly from: Source; readonly to: Target; readonly amount: bigint }
  | {
      readonly t: 'create-pool';
      readonly name: string;
      readonly initial: bigint;
      readonly withOperator: boolean;
      readonly auto: AutoReplenish | null;
    }
  | { readonly t: 'replenish-pool'; readonly pool: Ref; readonly amount: bigint }
  | { readonly t: 'allocate'; readonly pool: Ref; readonly amount: bigint; readonly recipient: Target; readonly expires: bigint | null }
  | { readonly t: 'release-allocation' | 'cancel-allocation'; readonly allocation: Ref; readonly wrongPool: boolean }
  | {
      readonly t: 'create-schedule';
      readonly recipientType: string;
      readonly amount: bigint;
      readonly interval: bigint;
      /** start_block as an offset from the inclusion height, or null for the default. */
      readonly startOffset: number | null;
      readonly duration: bigint | null;
      readonly pool: Ref | null;
    }
  | { readonly t: 'cancel-schedule'; readonly schedule: Ref }
  | { readonly t: 'claim-rewards' }
);

interface GenesisChoice {
  readonly blocksPerYear: bigint;
  readonly capHeadroom: bigint;
  readonly burnRateBps: bigint;
  readonly minFee: bigint;
  readonly reserve: bigint;
}

interface Scenario {
  readonly genesis: GenesisChoice;
  readonly blocks: readonly (readonly Cmd[])[];
}

const BALANCES = { alice: 100_000n, bob: 20_000n, carol: 3_000n, operator: 500n } as const;
const TREASURY_BALANCE = 300_000n;
const GENESIS_POOL = 5_000n;

function genesisOf(g: GenesisChoice) {
  const initial = Object.values(BALANCES).reduce((a, b) => a + b, 0n) + TREASURY_BALANCE + g.reserve + GENESIS_POOL;
  return smallGenesis({
    balances: { ...BALANCES },
    pools: [{ name: 'Marketplace', amount: GENESIS_POOL, operator: walletOf('operator'), autoReplenish: { below: 1_000n, upTo: 3_000n } }],
    reserve: g.reserve,
    treasury: TREASURY_BALANCE,
    maxSupply: initial + g.capHeadroom,
    inflationRateBps: 500n,
    blocksPerYear: g.blocksPerYear,
    burnRateBps: g.burnRateBps,
    minFee: g.minFee,
    validators: [...VALIDATOR_NAMES],
  });
}

// ---------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------

const amountArb: fc.Arbitrary<bigint> = fc.oneof(
  { weight: 6, arbitrary: fc.bigInt(1n, 3_000n) },
  { weight: 2, arbitrary: fc.bigInt(0n, 150_000n) },
  { weight: 1, arbitrary: fc.constantFrom(0n, -1n, U64_MAX, U64_MAX + 1n, 1n << 70n) },
);
const refArb: fc.Arbitrary<Ref> = fc.oneof({ weight: 5, arbitrary: fc.nat(5) }, { weight: 1, arbitrary: fc.constant(-1) });
const targetArb = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom<Target>('alice', 'bob', 'carol', 'operator', 'dave', AUTHORITY, 'treasury', 'reserve') },
  { weight: 1, arbitrary: fc.constant<Target>('bad-id') },
);
const userArb = fc.constantFrom<Signer>('alice', 'bob', 'carol', 'operator');
/** Mostly the authority, sometimes someone else. */
const privilegedArb = fc.oneof(
  { weight: 5, arbitrary: fc.constant<Signer>(AUTHORITY) },
  { weight: 1, arbitrary: fc.constantFrom<Signer>('alice', 'operator', 'v1') },
);
const poolSignerArb = fc.oneof(
  { weight: 3, arbitrary: fc.constant<Signer>(AUTHORITY) },
  { weight: 3, arbitrary: fc.constant<Signer>('operator') },
  { weight: 1, arbitrary: fc.constant<Signer>('bob') },
);
const nonceSkewArb = fc.oneof({ weight: 30, arbitrary: fc.constant<0>(0) }, { weight: 1, arbitrary: fc.constantFrom<-1 | 1>(-1, 1) });

function withSigner<T extends object>(by: fc.Arbitrary<Signer>, body: fc.Arbitrary<T>) {
  return fc.tuple(by, nonceSkewArb, body).map(([signer, nonceSkew, b]) => ({ by: signer, nonceSkew, ...b }) as unknown as Cmd);
}

const cmdArb: fc.Arbitrary<Cmd> = fc.oneof(
  {
    weight: 8,
    arbitrary: withSigner(
      fc.oneof({ weight: 10, arbitrary: userArb }, { weight: 1, arbitrary: fc.constantFrom<Signer>(AUTHORITY, 'v1', 'v1-rewards') }),
      fc.record({ t: fc.constant('transfer' as const), to: targetArb, amount: amountArb }),
    ),
  },
  {
    weight: 3,
    arbitrary: withSigner(
      fc.oneof({ weight: 4, arbitrary: userArb }, { weight: 2, arbitrary: fc.constant<Signer>(AUTHORITY) }),
      fc.record({
        t: fc.constant('burn' as const),
        amount: amountArb,
        reason: fc.constantFrom('voluntary', 'voluntary', 'fee', 'deflation', 'slash', 'transaction-fee', 'nonsense'),
        account: fc.oneof(
          { weight: 3, arbitrary: fc.constantFrom<'none' | 'self'>('none', 'self') },
          { weight: 1, arbitrary: fc.constantFrom(...SOURCES) },
        ),
      }),
    ),
  },
  {
    weight: 3,
    arbitrary: withSigner(
      privilegedArb,
      fc.record({
        t: fc.constant('mint' as const),
        amount: amountArb,
        reason: fc.constantFrom('airdrop', 'governance', 'block-reward', 'relay-reward', 'marketplace-liquidity', 'genesis', 'inflation', 'bogus'),
        recipient: fc.option(targetArb, { nil: null }),
      }),
    ),
  },
  {
    weight: 2,
    arbitrary: withSigner(
      privilegedArb,
      fc.record({ t: fc.constant('transfer-from-system' as const), from: fc.constantFrom(...SOURCES), to: targetArb, amount: amountArb }),
    ),
  },
  {
    weight: 3,
    arbitrary: withSigner(
      privilegedArb,
      fc.record({
        t: fc.constant('create-pool' as const),
        name: fc.oneof({ weight: 8, arbitrary: fc.constantFrom('Stickers', 'Marketplace', 'Pool Z') }, { weight: 1, arbitrary: fc.constantFrom('', '   ', 'x'.repeat(65)) }),
        initial: fc.oneof({ weight: 2, arbitrary: fc.constant(0n) }, { weight: 4, arbitrary: fc.bigInt(0n, 5_000n) }, { weight: 1, arbitrary: amountArb }),
        withOperator: fc.boolean(),
        auto: fc.option(
          fc.oneof(
            { weight: 4, arbitrary: fc.tuple(fc.bigInt(0n, 3_000n), fc.bigInt(0n, 3_000n)).map(([a, b]) => ({ below: a, upTo: a + b + 1n })) },
            { weight: 1, arbitrary: fc.tuple(fc.bigInt(2n, 3_000n), fc.bigInt(1n, 2_000n)).map(([a, b]) => ({ below: a, upTo: a - b < 1n ? 1n : a - b })) },
          ),
          { nil: null },
        ),
      }),
    ),
  },
  { weight: 2, arbitrary: withSigner(privilegedArb, fc.record({ t: fc.constant('replenish-pool' as const), pool: refArb, amount: amountArb })) },
  {
    weight: 4,
    arbitrary: withSigner(
      poolSignerArb,
      fc.record({
        t: fc.constant('allocate' as const),
        pool: refArb,
        amount: fc.oneof({ weight: 3, arbitrary: fc.bigInt(1n, 4_000n) }, { weight: 1, arbitrary: amountArb }),
        recipient: targetArb,
        expires: fc.oneof(
          { weight: 4, arbitrary: fc.bigInt(1n, 6n) },
          { weight: 2, arbitrary: fc.constant(null) },
          { weight: 1, arbitrary: fc.constantFrom(0n, U64_MAX) },
        ),
      }),
    ),
  },
  {
    weight: 4,
    arbitrary: withSigner(
      poolSignerArb,
      fc.record({
        t: fc.constantFrom('release-allocation' as const, 'cancel-allocation' as const),
        allocation: refArb,
        wrongPool: fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
      }),
    ),
  },
  {
    weight: 3,
    arbitrary: withSigner(
      privilegedArb,
      fc.record({
        t: fc.constant('create-schedule' as const),
        recipientType: fc.constantFrom('validators', 'relays', 'marketplace', 'marketplace-liquidity', 'treasury', 'dev-fund', 'bogus'),
        // U64_MAX amounts drive the shortfall statistics into saturation within a few runs.
        amount: fc.oneof(
          { weight: 8, arbitrary: fc.bigInt(1n, 5_000n) },
          { weight: 1, arbitrary: fc.bigInt(1n, 10n ** 12n) },
          { weight: 1, arbitrary: fc.constant(U64_MAX) },
          { weight: 1, arbitrary: fc.constantFrom(0n, -1n, U64_MAX + 1n, 1n << 70n) },
        ),
        interval: fc.oneof({ weight: 5, arbitrary: fc.bigInt(1n, 4n) }, { weight: 1, arbitrary: fc.constant(0n) }),
        startOffset: fc.oneof(
          { weight: 3, arbitrary: fc.constant(null) },
          { weight: 3, arbitrary: fc.integer({ min: 1, max: 4 }) },
          { weight: 1, arbitrary: fc.constantFrom(-1, 0) },
        ),
        duration: fc.oneof(
          { weight: 3, arbitrary: fc.constant(null) },
          { weight: 3, arbitrary: fc.bigInt(1n, 12n) },
          { weight: 1, arbitrary: fc.constant(0n) },
        ),
        pool: fc.option(refArb, { nil: null }),
      }),
    ),
  },
  { weight: 1, arbitrary: withSigner(privilegedArb, fc.record({ t: fc.constant('cancel-schedule' as const), schedule: refArb })) },
  {
    weight: 2,
    arbitrary: withSigner(
      fc.oneof({ weight: 3, arbitrary: fc.constant<Signer>('v1-rewards') }, { weight: 1, arbitrary: userArb }),
      fc.record({ t: fc.constant('claim-rewards' as const) }),
    ),
  },
);

const genesisArb: fc.Arbitrary<GenesisChoice> = fc.record({
  blocksPerYear: fc.constantFrom(3n, 10n, 50n),
  capHeadroom: fc.oneof(fc.bigInt(0n, 60_000n), fc.bigInt(0n, 300_000n), fc.constant(0n)),
  burnRateBps: fc.oneof(fc.constantFrom(0n, 100n, 10_000n), fc.bigInt(0n, 10_000n)),
  minFee: fc.constantFrom(0n, 1n, 7n),
  reserve: fc.oneof(fc.constant(20_000n), fc.bigInt(0n, 3_000n)),
});

function scenarioArb(maxBlocks: number, maxTxs: number): fc.Arbitrary<Scenario> {
  return fc.record({
    genesis: genesisArb,
    blocks: fc.array(fc.array(cmdArb, { maxLength: maxTxs, size: 'max' }), { minLength: 1, maxLength: maxBlocks, size: 'max' }),
  });
}

// ---------------------------------------------------------------------------------------------
// Turning commands into operations (ids resolved against a state view)
// ---------------------------------------------------------------------------------------------

interface Reader {
  get(key: string): StateValue | undefined;
  keysWithPrefix(prefix: string): string[];
}

function targetId(t: Target): string {
  if (t === 'treasury') return SYSTEM_ACCOUNT_IDS.treasury;
  if (t === 'reserve') return SYSTEM_ACCOUNT_IDS.reserve;
  if (t === 'bad-id') return BAD_ID;
  return walletOf(t);
}

function sourceId(s: Source): Uuid {
  return s === 'alice' ? walletOf('alice') : SYSTEM_ACCOUNT_IDS[s];
}

function poolIdsOf(r: Reader): readonly Uuid[] {
  return (r.get(META_POOLS) as readonly Uuid[] | undefined) ?? [];
}

function scheduleIdsOf(r: Reader): readonly Uuid[] {
  return (r.get(META_SCHEDULES) as readonly Uuid[] | undefined) ?? [];
}

function allocationsOf(r: Reader): Allocation[] {
  return r
    .keysWithPrefix('allocation:')
    .sort()
    .map((k) => r.get(k) as Allocation);
}

function pick<T>(items: readonly T[], ref: Ref): T | undefined {
  return ref < 0 || items.length === 0 ? undefined : items[ref % items.length];
}

function toOperation(cmd: Cmd, r: Reader, height: bigint, signerId: Uuid): Operation {
  switch (cmd.t) {
    case 'transfer':
      return { type: 'transfer', to: targetId(cmd.to), amount: cmd.amount };
    case 'burn':
      return {
        type: 'burn',
        amount: cmd.amount,
        reason: cmd.reason,
        account: cmd.account === 'none' ? null : cmd.account === 'self' ? signerId : sourceId(cmd.account),
      };
    case 'mint':
      return { type: 'mint', amount: cmd.amount, reason: cmd.reason, recipient: cmd.recipient === null ? null : targetId(cmd.recipient) };
    case 'transfer-from-system':
      return { type: 'transfer-from-system', fromAccount: sourceId(cmd.from), to: targetId(cmd.to), amount: cmd.amount };
    case 'create-pool':
      return {
        type: 'create-pool',
        name: cmd.name,
        initialAmount: cmd.initial,
        operator: cmd.withOperator ? walletOf('operator') : null,
        autoReplenish: cmd.auto,
      };
    case 'replenish-pool':
      return { type: 'replenish-pool', poolId: pick(poolIdsOf(r), cmd.pool) ?? UNKNOWN_ID, amount: cmd.amount };
    case 'allocate':
      return {
        type: 'allocate',
        poolId: pick(poolIdsOf(r), cmd.pool) ?? UNKNOWN_ID,
        amount: cmd.amount,
        recipient: targetId(cmd.recipient),
        expiresInBlocks: cmd.expires,
      };
    case 'release-allocation':
    case 'cancel-allocation': {
      const allocation = pick(allocationsOf(r), cmd.allocation);
      if (allocation === undefined) return { type: cmd.t, poolId: pick(poolIdsOf(r), 0) ?? UNKNOWN_ID, allocationId: UNKNOWN_ID };
      const otherPool = poolIdsOf(r).find((id) => id !== allocation.poolId) ?? UNKNOWN_ID;
      return { type: cmd.t, poolId: cmd.wrongPool ? otherPool : allocation.poolId, allocationId: allocation.id };
    }
    case 'create-schedule':
      return {
        type: 'create-schedule',
        recipientType: cmd.recipientType,
        amountPerInterval: cmd.amount,
        intervalBlocks: cmd.interval,
        startBlock: cmd.startOffset === null ? null : height + BigInt(cmd.startOffset),
        durationBlocks: cmd.duration,
        poolId: cmd.pool === null ? null : (pick(poolIdsOf(r), cmd.pool) ?? UNKNOWN_ID),
      };
    case 'cancel-schedule':
      return { type: 'cancel-schedule', scheduleId: pick(scheduleIdsOf(r), cmd.schedule) ?? UNKNOWN_ID };
    case 'claim-rewards':
      return { type: 'claim-rewards' };
  }
}

// ---------------------------------------------------------------------------------------------
// The reference model: SPEC 1, 4.1-4.4, 4.7 and 5 written out directly over a key-value map
// ---------------------------------------------------------------------------------------------

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
type ExpectedEvent = WithoutId<TokenEvent>;

type TxVerdict = { readonly ok: true } | { readonly ok: false; readonly codes: ReadonlySet<ErrorCode> };

const MINT_REASONS_ALLOWED = new Set(['block-reward', 'relay-reward', 'marketplace-liquidity', 'airdrop', 'governance']);
const BURN_REASONS = new Set(['fee', 'transaction-fee', 'deflation', 'slash', 'voluntary']);
const RECIPIENT_TYPES: Readonly<Record<string, RecipientType>> = {
  validators: 'validators',
  relays: 'relays',
  marketplace: 'marketplace',
  'marketplace-liquidity': 'marketplace',
  treasury: 'treasury',
  'dev-fund': 'dev-fund',
};

const minB = (a: bigint, b: bigint): bigint => (a < b ? a : b);
const maxB = (a: bigint, b: bigint): bigint => (a > b ? a : b);
const idOf = (kind: string, hash: string, index: number): Uuid => uuidv5(`${kind}:${hash}:${index}`, DCHAT_NAMESPACE);

class Model implements Reader {
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

  /** SPEC 4.1 (amended 2026-12): max(ceil(amount * bps / 10,000), min_fee), capped at amount. */
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

  // ---- SPEC 1 steps 1-3

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

  // ---- SPEC 4 transactions (step 4)

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

// ---------------------------------------------------------------------------------------------
// Helpers for comparing states, outcomes and events
// ---------------------------------------------------------------------------------------------

const show = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x));

function isEmptyAccount(a: Account): boolean {
  return a.balance === 0n && a.staked === 0n && a.pendingRewards === 0n && a.nonce === 0n && a.unbonding.length === 0;
}

/**
 * A state as the spec sees it: deadline index keys and bookkeeping fields the spec does not define
 * (a pool's last replenish height, a schedule's last run) left out, and empty accounts equal to absent.
 */
function specView(entries: Iterable<[string, StateValue]>): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const [key, value] of entries) {
    if (key.startsWith('deadline:') || key.startsWith('deadline-count:')) continue;
    if (key.startsWith('account:') && isEmptyAccount(value as Account)) continue;
    if (key.startsWith('pool:')) {
      const { lastReplenishHeight: _ignored, ...rest } = value as Pool;
      out.push([key, rest]);
    } else if (key.startsWith('schedule:')) {
      const { lastRunHeight: _ignored, ...rest } = value as Schedule;
      out.push([key, rest]);
    } else out.push([key, value]);
  }
  return out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function withoutIds(events: readonly TokenEvent[]): ExpectedEvent[] {
  return events.map((e) => {
    const { id: _id, ...rest } = e;
    return rest as ExpectedEvent;
  });
}

function sortedWrites(outcome: BlockOutcome): [string, StateValue | null][] {
  return [...outcome.writes.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The SPEC 4.8 figures walked by hand (independently of checkStateInvariants). */
function holdings(chain: TestChain): bigint {
  let held = 0n;
  for (const [key, value] of chain.state.sortedEntries()) {
    if (key.startsWith('account:')) {
      const a = value as Account;
      held += a.balance + a.staked + a.pendingRewards + a.unbonding.reduce((s, e) => s + e.amount, 0n);
    } else if (key.startsWith('pool:')) {
      const p = value as Pool;
      held += p.available + p.reserved;
    }
  }
  return held;
}

function sumEvents(events: readonly TokenEvent[], kind: 'mint' | 'burn'): bigint {
  return events.reduce((s, e) => (e.kind === kind ? s + e.amount : s), 0n);
}

interface BuiltTx {
  readonly tx: TxInput;
  readonly cmd: Cmd;
}

/** Builds the tx for a command with the signer's tracked nonce (plus its deliberate skew). */
function buildTx(chain: TestChain, cmd: Cmd, reader: Reader, nonces: Map<string, bigint>): BuiltTx {
  const op = toOperation(cmd, reader, chain.height + 1n, walletOf(cmd.by));
  const nonce = (nonces.get(cmd.by) ?? 0n) + BigInt(cmd.nonceSkew);
  return { tx: chain.tx(cmd.by, op, nonce), cmd };
}

function tryApply(block: BlockExecution, tx: TxInput): TokenError | null {
  try {
    block.applyTx(tx);
    return null;
  } catch (err) {
    if (err instanceof TokenError) return err;
    throw err; // anything else is a crash, never a refusal
  }
}

function expectNoncesMatch(chain: TestChain, nonces: Map<string, bigint>): void {
  for (const signer of SIGNERS) expect(chain.account(signer).nonce, `nonce of ${signer}`).toBe(nonces.get(signer) ?? 0n);
}

// ---------------------------------------------------------------------------------------------
// The properties
// ---------------------------------------------------------------------------------------------

describe('token economy properties (SPEC 1, 2, 4, 5)', () => {
  it('random multi-block scenarios agree exactly with a reference model and keep every SPEC 4.8 invariant', () => {
    const stats = { accepted: 0, refused: 0, capClipped: 0, yearEnds: 0, codes: new Set<string>() };
    fc.assert(
      fc.property(scenarioArb(45, 7), (scenario) => {
        const config = genesisOf(scenario.genesis);
        const chain = new TestChain(config);
        const cap = config.params.supply.maxSupply!;
        const model = new Model(chain.state.sortedEntries());
        const nonces = new Map<string, bigint>();
        const seenIds = new Set<string>(chain.genesisEvents.map((e) => e.id));
        expect(specView(chain.state.sortedEntries())).toEqual(specView(model.s));

        for (const cmds of scenario.blocks) {
          const height = chain.height + 1n;
          const before = chain.supply();
          const block = chain.open();
          model.beginBlock(height, chain.timestampOf(height));
          const step = inflationStep(before.annualProvision, before.carry, config.params.blocksPerYear);
          if (step.mint > cap - (before.totalMinted - before.totalBurned)) stats.capClipped++;

          for (const cmd of cmds) {
            const { tx } = buildTx(chain, cmd, model, nonces); // ids resolved against the in-block state
            const verdict = model.tx(cmd.by, tx.op, tx.nonce, tx.hash);
            const err = tryApply(block, tx);
            const where = (): string => `block ${height}, ${cmd.by} ${show(tx.op)} nonce ${tx.nonce}`;
            if (verdict.ok) {
              if (err !== null) expect(`${err.code}: ${err.message}`, `should be accepted: ${where()}`).toBeNull();
              nonces.set(cmd.by, (nonces.get(cmd.by) ?? 0n) + 1n);
              stats.accepted++;
            } else {
              if (err === null) expect.fail(`should be refused with one of ${[...verdict.codes].join('|')}: ${where()}`);
              if (!verdict.codes.has(err.code)) expect.fail(`${where()}: refused with ${err.code} (${err.message}), expected one of ${[...verdict.codes].join('|')}`);
              stats.refused++;
              stats.codes.add(err.code);
            }
          }

          const outcome = block.finish();
          model.endBlock();
          chain.commit(outcome, height); // runs checkStateInvariants (fullInvariantCheck is on)
          checkStateInvariants(chain.state);
          if (height % config.params.blocksPerYear === 0n) stats.yearEnds++;

          // The whole state, and every event, exactly as the model says.
          expect(specView(chain.state.sortedEntries()), `state after block ${height}`).toEqual(specView(model.s));
          expect(withoutIds(outcome.events), `events of block ${height}`).toEqual(model.events);
          for (const e of outcome.events) {
            expect(seenIds.has(e.id), `event id ${e.id} is unique`).toBe(false);
            seenIds.add(e.id);
            // SPEC 2: UUIDv5("<kind>:<tx hash>:<index>"), or "<kind>:block:<height>:<index>" for block steps.
            const source = e.txHash ?? `block:${height}`;
            const candidates = Array.from({ length: 12 }, (_, i) => idOf(e.kind, source, i));
            expect(candidates, `id of ${show(e)}`).toContain(e.id);
          }

          // SPEC 4.8, asserted directly.
          const after = chain.supply();
          const total = after.totalMinted - after.totalBurned;
          expect(holdings(chain)).toBe(total);
          expect(total <= cap).toBe(true);
          expect(sumEvents(outcome.events, 'mint')).toBe(after.totalMinted - before.totalMinted);
          expect(sumEvents(outcome.events, 'burn')).toBe(after.totalBurned - before.totalBurned);
          expect(after.carry >= 0n && after.carry < config.params.blocksPerYear).toBe(true);
          // A refused tx never moves a nonce: each nonce counts exactly the signer's accepted txs.
          expectNoncesMatch(chain, nonces);
        }
      }),
      { numRuns: 300 },
    );
    // The generator really exercises the interesting paths.
    expect(stats.accepted).toBeGreaterThan(3_000);
    expect(stats.refused).toBeGreaterThan(3_000);
    expect(stats.capClipped).toBeGreaterThan(0);
    expect(stats.yearEnds).toBeGreaterThan(0);
    for (const code of [
      ErrorCode.InsufficientBalance,
      ErrorCode.InvalidAmount,
      ErrorCode.AmountOverflow,
      ErrorCode.Unauthorized,
      ErrorCode.MaxSupplyExceeded,
      ErrorCode.InvalidReason,
      ErrorCode.InvalidNonce,
      ErrorCode.InvalidParameter,
      ErrorCode.UnknownPool,
      ErrorCode.InsufficientPoolTokens,
      ErrorCode.UnknownAllocation,
      ErrorCode.AllocationClosed,
      ErrorCode.UnknownSchedule,
      ErrorCode.NothingToClaim,
    ]) {
      expect(stats.codes, `some tx was refused with ${code}`).toContain(code);
    }
  });

  it('a refused transaction changes nothing: the block equals one where it was never applied, and no nonce moves', () => {
    let refused = 0;
    fc.assert(
      fc.property(scenarioArb(25, 8), (scenario) => {
        const chain = new TestChain(genesisOf(scenario.genesis));
        const nonces = new Map<string, bigint>();
        for (const cmds of scenario.blocks) {
          const height = chain.height + 1n;
          const snapshot = chain.state.clone();
          const committedBefore = chain.state.sortedEntries();
          const block = chain.open();
          const accepted: TxInput[] = [];
          for (const cmd of cmds) {
            const { tx } = buildTx(chain, cmd, chain.state, nonces);
            const err = tryApply(block, tx);
            if (err === null) {
              accepted.push(tx);
              nonces.set(cmd.by, (nonces.get(cmd.by) ?? 0n) + 1n);
            } else refused++;
          }
          const outcome = block.finish();
          // The same block on a clone, the refused txs never applied: identical writes and events.
          const twin = new BlockExecution(snapshot, { height, timestampMs: chain.timestampOf(height) });
          for (const tx of accepted) expect(tryApply(twin, tx)).toBeNull();
          const twinOutcome = twin.finish();
          expect(sortedWrites(outcome)).toEqual(sortedWrites(twinOutcome));
          expect(outcome.events).toEqual(twinOutcome.events);
          // Executing a block never touches the committed state before commit.
          expect(chain.state.sortedEntries()).toEqual(committedBefore);
          chain.commit(outcome, height);
          expectNoncesMatch(chain, nonces);
        }
      }),
      { numRuns: 200 },
    );
    expect(refused).toBeGreaterThan(1_000);
  });

  it('is deterministic: two independent chains given the same genesis and txs agree on every block and the final state', () => {
    fc.assert(
      fc.property(scenarioArb(25, 6), (scenario) => {
        const config = genesisOf(scenario.genesis);
        const chains = [new TestChain(config), new TestChain(genesisOf(scenario.genesis))] as const;
        const nonces = [new Map<string, bigint>(), new Map<string, bigint>()] as const;
        expect(exportState(chains[1].state)).toEqual(exportState(chains[0].state));
        for (const cmds of scenario.blocks) {
          const height = chains[0].height + 1n;
          const outcomes = ([0, 1] as const).map((i) => {
            const chain = chains[i];
            const block = chain.open();
            const results: (string | null)[] = [];
            const hashes: string[] = [];
            for (const cmd of cmds) {
              const { tx } = buildTx(chain, cmd, chain.state, nonces[i]);
              const err = tryApply(block, tx);
              if (err === null) nonces[i].set(cmd.by, (nonces[i].get(cmd.by) ?? 0n) + 1n);
              results.push(err === null ? null : `${err.code}: ${err.message}`);
              hashes.push(tx.hash);
            }
            const outcome = block.finish();
            chain.commit(outcome, height);
            return { writes: sortedWrites(outcome), events: outcome.events, results, hashes };
          });
          expect(outcomes[1]).toEqual(outcomes[0]);
        }
        const [a, b] = [exportState(chains[0].state), exportState(chains[1].state)];
        expect(b).toEqual(a);
        expect(JSON.stringify(b)).toBe(JSON.stringify(a));
        // And the export is faithful: importing it gives back the same state.
        expect(importState(a).sortedEntries()).toEqual(chains[0].state.sortedEntries());
      }),
      { numRuns: 100 },
    );
  });

  it('fee rule (SPEC 4.1): sender pays amount, recipient gets amount - fee, fee = min(max(ceil(amount*bps/10^4), min_fee), amount)', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.bigInt(1n, U64_MAX), fc.bigInt(1n, 100_000n), fc.constantFrom(1n, 2n, 9_999n, 10_000n, U64_MAX)),
        fc.oneof(fc.bigInt(0n, 10_000n), fc.constantFrom(0n, 1n, 10_000n)),
        fc.bigInt(0n, 1_000n),
        fc.bigInt(0n, 1_000n),
        (amount, burnRateBps, minFee, spare) => {
          const extra = minB(spare, U64_MAX - amount);
          const chain = new TestChain(
            smallGenesis({ balances: { alice: amount + extra }, treasury: 0n, reserve: 0n, maxSupply: null, burnRateBps, minFee }),
          );
          const supplyBefore = chain.totalSupply();
          const tx = chain.tx('alice', { type: 'transfer', to: walletOf('bob'), amount });
          const outcome = chain.block([tx]);
          const fee = minB(maxB((amount * burnRateBps + 9_999n) / 10_000n, minFee), amount);
          expect(chain.balance('alice')).toBe(extra);
          expect(chain.balance('bob')).toBe(amount - fee);
          expect(chain.totalSupply()).toBe(supplyBefore - fee);
          expect(chain.supply().totalBurned).toBe(fee);
          expect(chain.account('alice').nonce).toBe(1n);
          const burns = outcome.events.filter((e) => e.kind === 'burn');
          expect(burns.map((e) => ({ ...e, id: undefined }))).toEqual(
            fee === 0n
              ? []
              : [{ kind: 'burn', id: undefined, amount: fee, reason: 'transaction-fee', burner: walletOf('alice'), height: 1n, timestampMs: chain.timestampOf(1n), txHash: tx.hash }],
          );
          expect(outcome.events.filter((e) => e.kind !== 'burn')).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });

  describe('inflation exactness (SPEC 4.2)', () => {
    it('Y steps from carry 0 issue exactly A and end with carry 0; every prefix equals issuedAfter', () => {
      fc.assert(
        fc.property(fc.bigInt(0n, 10n ** 15n), fc.oneof(fc.bigInt(1n, 20_000n), fc.bigInt(1n, 50n)), (A, Y) => {
          let carry = 0n;
          let sum = 0n;
          const low = A / Y;
          for (let i = 1n; i <= Y; i++) {
            const step = inflationStep(A, carry, Y);
            expect(step.carry >= 0n && step.carry < Y).toBe(true);
            expect(step.mint === low || step.mint === low + 1n).toBe(true);
            sum += step.mint;
            carry = step.carry;
            if (sum !== issuedAfter(A, i, Y)) expect(sum, `after ${i} of ${Y} steps`).toBe(issuedAfter(A, i, Y));
          }
          expect(sum).toBe(A);
          expect(carry).toBe(0n);
          expect(issuedAfter(A, Y, Y)).toBe(A);
          expect(issuedAfter(A, 0n, Y)).toBe(0n);
        }),
        { numRuns: 60 },
      );
    });

    it('for large Y, the first i steps (any i up to 20,000) sum to issuedAfter(A, i, Y) = floor(A*i/Y)', () => {
      fc.assert(
        fc.property(fc.bigInt(0n, 10n ** 15n), fc.bigInt(1n, 1_000_000n), fc.bigInt(0n, 20_000n), (A, Y, n) => {
          const steps = minB(n, Y);
          let carry = 0n;
          let sum = 0n;
          for (let i = 1n; i <= steps; i++) {
            const step = inflationStep(A, carry, Y);
            sum += step.mint;
            carry = step.carry;
          }
          expect(sum).toBe(issuedAfter(A, steps, Y));
          expect(sum).toBe((A * steps) / Y);
          expect(carry).toBe((A * steps) % Y);
        }),
        { numRuns: 60 },
      );
    });
  });
});
