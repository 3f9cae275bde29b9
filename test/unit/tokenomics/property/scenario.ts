/** The scenario vocabulary of the token economy property test: who signs, what they aim at, the commands, the genesis choices. */
import {
  type AutoReplenish,
  type Uuid,
} from '../../../../src/tokenomics/index.ts';
import { AUTHORITY, smallGenesis, walletOf } from '../chain-harness.ts';

// ---------------------------------------------------------------------------------------------
// Scenario vocabulary
// ---------------------------------------------------------------------------------------------

/** Who signs: users, the authority, a pool operator, a validator key, a validator's reward wallet. */
export const SIGNERS = ['alice', 'bob', 'carol', 'operator', AUTHORITY, 'v1', 'v1-rewards'] as const;
export type Signer = (typeof SIGNERS)[number];
export const VALIDATOR_NAMES = ['v1', 'v2'] as const;

/** Recipients: named wallets (dave never signs), system accounts, and a malformed id. */
export const TARGETS = ['alice', 'bob', 'carol', 'operator', 'dave', AUTHORITY, 'treasury', 'reserve', 'bad-id'] as const;
export type Target = (typeof TARGETS)[number];

/** Accounts an authority may name as a source: system accounts, and a user's (refused). */
export const SOURCES = ['treasury', 'reserve', 'dev-fund', 'airdrop', 'relay-fund', 'alice'] as const;
export type Source = (typeof SOURCES)[number];

export const UNKNOWN_ID: Uuid = '00000000-0000-4000-8000-0000000000ff';
export const BAD_ID = 'not-a-uuid';
export const DEFAULT_ALLOCATION_LIFETIME = 100_800n;

/** A reference to an existing object by index (modulo how many exist), or -1 for an unknown id. */
export type Ref = number;

export type Cmd = { readonly by: Signer; readonly nonceSkew: -1 | 0 | 1 } & (
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

export interface GenesisChoice {
  readonly blocksPerYear: bigint;
  readonly capHeadroom: bigint;
  readonly burnRateBps: bigint;
  readonly minFee: bigint;
  readonly reserve: bigint;
}

export interface Scenario {
  readonly genesis: GenesisChoice;
  readonly blocks: readonly (readonly Cmd[])[];
}

export const BALANCES = { alice: 100_000n, bob: 20_000n, carol: 3_000n, operator: 500n } as const;
export const TREASURY_BALANCE = 300_000n;
export const GENESIS_POOL = 5_000n;

export function genesisOf(g: GenesisChoice) {
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
