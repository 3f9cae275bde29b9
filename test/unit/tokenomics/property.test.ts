/**
 * Property-based tests of the token economy (docs/protocol.md §3.4, §6, §13, §15).
 *
 * The central property runs random multi-block scenarios (valid and invalid transactions from a few
 * named users, the authority, a pool operator, a validator key and a validator's reward wallet) both
 * through the real state machine and through an independent reference model of the rules (property/model.ts), and asserts after every transaction and every block that they agree exactly: which
 * transactions are accepted, which error code a refused one gets, the full state after each block
 * (every account, pool, allocation, schedule and the supply counters), and every mint, burn and
 * distribution event. On top of that it checks the docs/protocol.md §13.8 invariants directly.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type TxInput,
  BlockExecution,
  ErrorCode,
  U64_MAX,
  checkStateInvariants,
  exportState,
  importState,
  inflationStep,
  issuedAfter,
} from '../../../src/tokenomics/index.ts';
import { TestChain, smallGenesis, walletOf } from './chain-harness.ts';
import { genesisOf } from './property/scenario.ts';
import { scenarioArb } from './property/arbitraries.ts';
import { minB, maxB, idOf, Model } from './property/model.ts';
import { show, specView, withoutIds, sortedWrites, holdings, sumEvents, buildTx, tryApply, expectNoncesMatch } from './property/compare.ts';

// ---------------------------------------------------------------------------------------------
// The properties
// ---------------------------------------------------------------------------------------------

describe('token economy properties (docs/protocol.md §3.4, §6, §13, §15)', () => {
  it('random multi-block scenarios agree exactly with a reference model and keep every docs/protocol.md §13.8 invariant', () => {
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
            // docs/protocol.md §6: UUIDv5("<kind>:<tx hash>:<index>"), or "<kind>:block:<height>:<index>" for block steps.
            const source = e.txHash ?? `block:${height}`;
            const candidates = Array.from({ length: 12 }, (_, i) => idOf(e.kind, source, i));
            expect(candidates, `id of ${show(e)}`).toContain(e.id);
          }

          // docs/protocol.md §13.8, asserted directly.
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

  it('fee rule (docs/protocol.md §10): sender pays amount, recipient gets amount - fee, fee = min(max(ceil(amount*bps/10^4), min_fee), amount)', () => {
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

  describe('inflation exactness (docs/protocol.md §13.1)', () => {
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
