import { describe, expect, it } from 'vitest';
import { ErrorCode, type TokenEvent, accountKey, applyBlock, checkBlockInvariants } from '../../../src/tokenomics/index.ts';
import { TestChain, smallGenesis, walletOf } from './chain-harness.ts';

describe('per-block invariants from the write set (docs/protocol.md §13.8)', () => {
  const chain = new TestChain(smallGenesis({ balances: { alice: 1_000n }, inflationRateBps: 500n }));
  const position = { height: 1n, timestampMs: chain.timestampOf(1n) };
  const honest = applyBlock(chain.state, position, [chain.tx('alice', { type: 'transfer', to: walletOf('bob'), amount: 100n })]);

  it('accepts an honest block', () => {
    expect(() => checkBlockInvariants(chain.state, honest)).not.toThrow();
  });

  it('refuses writes that create tokens the supply does not account for', () => {
    const writes = new Map(honest.writes);
    const bob = writes.get(accountKey(walletOf('bob'))) as { balance: bigint };
    writes.set(accountKey(walletOf('bob')), { ...bob, balance: bob.balance + 1n } as never);
    expect(() => checkBlockInvariants(chain.state, { writes, events: honest.events })).toThrowError(
      expect.objectContaining({ code: ErrorCode.InvariantViolation, message: expect.stringContaining('sum of holdings') }),
    );
  });

  it('refuses a burn or a mint with no event in the history', () => {
    const noBurn = honest.events.filter((e) => e.kind !== 'burn');
    expect(() => checkBlockInvariants(chain.state, { writes: honest.writes, events: noBurn })).toThrowError(/every burn is in the history/);
    const noMint = honest.events.filter((e): e is TokenEvent => e.kind !== 'mint');
    expect(() => checkBlockInvariants(chain.state, { writes: honest.writes, events: noMint })).toThrowError(/every mint is in the history/);
  });
});
