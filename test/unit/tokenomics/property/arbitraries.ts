/** fast-check generators of commands, genesis choices and whole scenarios (scenario.ts). */
import fc from 'fast-check';
import { U64_MAX } from '../../../../src/tokenomics/index.ts';
import { AUTHORITY } from '../chain-harness.ts';
import { type Signer, type Target, SOURCES, type Ref, type Cmd, type GenesisChoice, type Scenario } from './scenario.ts';

// ---------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------

export const amountArb: fc.Arbitrary<bigint> = fc.oneof(
  { weight: 6, arbitrary: fc.bigInt(1n, 3_000n) },
  { weight: 2, arbitrary: fc.bigInt(0n, 150_000n) },
  { weight: 1, arbitrary: fc.constantFrom(0n, -1n, U64_MAX, U64_MAX + 1n, 1n << 70n) },
);
export const refArb: fc.Arbitrary<Ref> = fc.oneof({ weight: 5, arbitrary: fc.nat(5) }, { weight: 1, arbitrary: fc.constant(-1) });
export const targetArb = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom<Target>('alice', 'bob', 'carol', 'operator', 'dave', AUTHORITY, 'treasury', 'reserve') },
  { weight: 1, arbitrary: fc.constant<Target>('bad-id') },
);
export const userArb = fc.constantFrom<Signer>('alice', 'bob', 'carol', 'operator');
/** Mostly the authority, sometimes someone else. */
export const privilegedArb = fc.oneof(
  { weight: 5, arbitrary: fc.constant<Signer>(AUTHORITY) },
  { weight: 1, arbitrary: fc.constantFrom<Signer>('alice', 'operator', 'v1') },
);
export const poolSignerArb = fc.oneof(
  { weight: 3, arbitrary: fc.constant<Signer>(AUTHORITY) },
  { weight: 3, arbitrary: fc.constant<Signer>('operator') },
  { weight: 1, arbitrary: fc.constant<Signer>('bob') },
);
export const nonceSkewArb = fc.oneof({ weight: 30, arbitrary: fc.constant<0>(0) }, { weight: 1, arbitrary: fc.constantFrom<-1 | 1>(-1, 1) });

export function withSigner<T extends object>(by: fc.Arbitrary<Signer>, body: fc.Arbitrary<T>) {
  return fc.tuple(by, nonceSkewArb, body).map(([signer, nonceSkew, b]) => ({ by: signer, nonceSkew, ...b }) as unknown as Cmd);
}

export const cmdArb: fc.Arbitrary<Cmd> = fc.oneof(
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

export const genesisArb: fc.Arbitrary<GenesisChoice> = fc.record({
  blocksPerYear: fc.constantFrom(3n, 10n, 50n),
  capHeadroom: fc.oneof(fc.bigInt(0n, 60_000n), fc.bigInt(0n, 300_000n), fc.constant(0n)),
  burnRateBps: fc.oneof(fc.constantFrom(0n, 100n, 10_000n), fc.bigInt(0n, 10_000n)),
  minFee: fc.constantFrom(0n, 1n, 7n),
  reserve: fc.oneof(fc.constant(20_000n), fc.bigInt(0n, 3_000n)),
});

export function scenarioArb(maxBlocks: number, maxTxs: number): fc.Arbitrary<Scenario> {
  return fc.record({
    genesis: genesisArb,
    blocks: fc.array(fc.array(cmdArb, { maxLength: maxTxs, size: 'max' }), { minLength: 1, maxLength: maxBlocks, size: 'max' }),
  });
}
