/**
 * A tiny in-memory chain for tokenomics tests: named keys, automatic nonces, blocks applied and
 * committed with the full invariant walk after each one.
 */
import { createHash } from 'node:crypto';
import {
  type Account,
  type BlockOutcome,
  type ChainParams,
  type GenesisConfig,
  type GovParams,
  DEFAULT_GOV_PARAMS,
  type MemoryState,
  type Operation,
  type Pool,
  type SupplyState,
  type TxInput,
  type Uuid,
  BlockExecution,
  DEFAULT_PARAMS,
  EMPTY_ACCOUNT,
  META_SUPPLY,
  SYSTEM_ACCOUNT_IDS,
  accountKey,
  allocationKey,
  applyBlock,
  buildGenesisState,
  checkStateInvariants,
  poolKey,
  scheduleKey,
  walletIdFromPublicKey,
  type Allocation,
  type Listing,
  type Purchase,
  listingKey,
  purchaseKey,
  type Schedule,
  type TokenEvent,
} from '../../../src/tokenomics/index.ts';

/** A deterministic stand-in public key per name (signatures are the chain layer's job). */
export function keyOf(name: string): string {
  return createHash('sha256').update(`key:${name}`).digest('hex');
}

export function walletOf(name: string): Uuid {
  return walletIdFromPublicKey(keyOf(name));
}

export const AUTHORITY = 'authority';
export const VALIDATOR = 'validator';
export const RESERVE = SYSTEM_ACCOUNT_IDS.reserve;
export const TREASURY = SYSTEM_ACCOUNT_IDS.treasury;

export interface SmallGenesisOptions {
  /** Balances by name (wallet of that name's key) or by account id. */
  readonly balances?: Record<string, bigint>;
  readonly reserve?: bigint;
  readonly treasury?: bigint;
  readonly maxSupply?: bigint | null;
  readonly inflationRateBps?: bigint;
  readonly burnRateBps?: bigint;
  readonly blocksPerYear?: bigint;
  readonly minFee?: bigint;
  readonly validators?: readonly string[];
  readonly pools?: GenesisConfig['pools'];
  readonly unbondingBlocks?: bigint;
  readonly escrowTimeoutBlocks?: bigint;
  readonly relayMinStake?: bigint;
  /** The list bounds of docs/protocol.md §9 (the defaults otherwise). */
  readonly bounds?: Partial<Pick<ChainParams, 'maxUnbondingEntries' | 'maxRelays' | 'maxPools' | 'maxSchedules' | 'maxDeadlinesPerHeight'>>;
  /** Governance parameters (the defaults, with voting no longer than unbonding, otherwise). */
  readonly gov?: Partial<GovParams>;
}

const accountFor = (nameOrId: string): Uuid => (/^[0-9a-f-]{36}$/.test(nameOrId) ? nameOrId : walletOf(nameOrId));

function harnessGov(unbondingBlocks: bigint): GovParams {
  const votingBlocks = DEFAULT_GOV_PARAMS.votingBlocks < unbondingBlocks ? DEFAULT_GOV_PARAMS.votingBlocks : unbondingBlocks;
  return { ...DEFAULT_GOV_PARAMS, votingBlocks };
}

/** A small genesis with readable numbers; initial_supply is whatever the parts add up to. */
export function smallGenesis(options: SmallGenesisOptions = {}): GenesisConfig {
  const distribution = [
    ...Object.entries(options.balances ?? {}).map(([name, amount]) => ({ account: accountFor(name), amount })),
    { account: RESERVE, amount: options.reserve ?? 0n },
    { account: TREASURY, amount: options.treasury ?? 1_000_000n },
  ];
  const pools = options.pools ?? [];
  const initial = [...distribution.map((d) => d.amount), ...pools.map((p) => p.amount)].reduce((a, b) => a + b, 0n);
  return {
    params: {
      chainId: 'dchat-test',
      genesisTimeMs: 1_767_225_600_000n,
      blockTimeMs: 6_000n,
      blocksPerYear: options.blocksPerYear ?? 1_000n,
      supply: {
        initialSupply: initial,
        maxSupply: options.maxSupply === undefined ? 1_000_000_000_000n : options.maxSupply,
        inflationRateBps: options.inflationRateBps ?? 0n,
        burnRateBps: options.burnRateBps ?? 100n,
      },
      minFee: options.minFee ?? 1n,
      unbondingBlocks: options.unbondingBlocks ?? DEFAULT_PARAMS.unbondingBlocks,
      relayMinStake: options.relayMinStake ?? DEFAULT_PARAMS.relayMinStake,
      escrowTimeoutBlocks: options.escrowTimeoutBlocks ?? DEFAULT_PARAMS.escrowTimeoutBlocks,
      maxBlockTxs: DEFAULT_PARAMS.maxBlockTxs,
      maxBlockBytes: DEFAULT_PARAMS.maxBlockBytes,
      maxUnbondingEntries: DEFAULT_PARAMS.maxUnbondingEntries,
      maxRelays: DEFAULT_PARAMS.maxRelays,
      maxPools: DEFAULT_PARAMS.maxPools,
      maxSchedules: DEFAULT_PARAMS.maxSchedules,
      maxDeadlinesPerHeight: DEFAULT_PARAMS.maxDeadlinesPerHeight,
      ...options.bounds,
      gov: { ...harnessGov(options.unbondingBlocks ?? DEFAULT_PARAMS.unbondingBlocks), ...options.gov },
    },
    validators: (options.validators ?? [VALIDATOR]).map((name) => ({ publicKey: keyOf(name), rewardWallet: walletOf(`${name}-rewards`) })),
    authority: [keyOf(AUTHORITY)],
    distribution,
    pools,
    schedules: [],
  };
}

export class TestChain {
  state: MemoryState;
  height = 0n;
  readonly genesisEvents: readonly TokenEvent[];
  readonly config: GenesisConfig;
  /** Set false for long runs where the O(state) walk per block would dominate. */
  fullInvariantCheck = true;
  private readonly nonces = new Map<string, bigint>();
  private txCounter = 0;

  constructor(config: GenesisConfig = smallGenesis()) {
    this.config = config;
    const genesis = buildGenesisState(config);
    this.state = genesis.state;
    this.genesisEvents = genesis.events;
  }

  /** A transaction signed by `name` with its next nonce (counting txs built but not yet included). */
  tx(name: string, op: Operation, nonce?: bigint): TxInput {
    const signer = keyOf(name);
    const next = nonce ?? this.nonces.get(name) ?? this.account(walletOf(name)).nonce;
    if (nonce === undefined) this.nonces.set(name, next + 1n);
    const hash = createHash('sha256').update(`tx:${this.txCounter++}:${name}:${next}`).digest('hex');
    return { hash, signer, nonce: next, op };
  }

  /** Forgets nonces handed out for txs that never got in. */
  resetNonces(): void {
    this.nonces.clear();
  }

  timestampOf(height: bigint): bigint {
    return this.config.params.genesisTimeMs + height * this.config.params.blockTimeMs;
  }

  /** Applies and commits the next block (all-or-nothing); throws without changing anything on a bad tx. */
  block(txs: readonly TxInput[] = []): BlockOutcome {
    const height = this.height + 1n;
    const outcome = applyBlock(this.state, { height, timestampMs: this.timestampOf(height) }, txs);
    this.commit(outcome, height);
    return outcome;
  }

  /** Opens the next block for step-by-step use (a producer's view). */
  open(): BlockExecution {
    const height = this.height + 1n;
    return new BlockExecution(this.state, { height, timestampMs: this.timestampOf(height) });
  }

  commit(outcome: BlockOutcome, height: bigint): void {
    this.state.commit(outcome.writes);
    this.height = height;
    if (this.fullInvariantCheck) checkStateInvariants(this.state);
  }

  /** Runs `count` empty blocks. */
  advance(count: number | bigint): void {
    for (let i = 0n; i < BigInt(count); i++) this.block();
  }

  /** Applies one tx in its own block and returns the block's outcome. */
  run(name: string, op: Operation): BlockOutcome {
    try {
      return this.block([this.tx(name, op)]);
    } catch (err) {
      this.resetNonces();
      throw err;
    }
  }

  account(nameOrId: string): Account {
    return (this.state.get(accountKey(accountFor(nameOrId))) as Account | undefined) ?? EMPTY_ACCOUNT;
  }

  balance(nameOrId: string): bigint {
    return this.account(nameOrId).balance;
  }

  pool(id: Uuid): Pool {
    return this.state.get(poolKey(id)) as Pool;
  }

  allocation(id: Uuid): Allocation {
    return this.state.get(allocationKey(id)) as Allocation;
  }

  listing(id: Uuid): Listing {
    return this.state.get(listingKey(id)) as Listing;
  }

  purchase(id: Uuid): Purchase {
    return this.state.get(purchaseKey(id)) as Purchase;
  }

  /** Ids under a state key prefix such as 'listing:' or 'purchase:', in key order. */
  idsWithPrefix(prefix: string): Uuid[] {
    return this.state.keysWithPrefix(prefix).sort().map((k) => k.slice(prefix.length));
  }

  schedule(id: Uuid): Schedule {
    return this.state.get(scheduleKey(id)) as Schedule;
  }

  supply(): SupplyState {
    return this.state.get(META_SUPPLY) as SupplyState;
  }

  totalSupply(): bigint {
    const s = this.supply();
    return s.totalMinted - s.totalBurned;
  }
}

/** The single error a block of one failing tx raises: the tx's own TokenError (the block's cause). */
export function txErrorCode(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause;
    return cause?.code ?? (err as { code?: string }).code ?? String(err);
  }
  throw new Error('expected the transaction to fail');
}

export function eventsOf<K extends TokenEvent['kind']>(events: readonly TokenEvent[], kind: K): Extract<TokenEvent, { kind: K }>[] {
  return events.filter((e): e is Extract<TokenEvent, { kind: K }> => e.kind === kind);
}
