/** Helpers of the property test: state views, events and writes compared, transactions built and tried. */
import { expect } from 'vitest';
import {
  type Account,
  type BlockOutcome,
  type Pool,
  type Schedule,
  type StateValue,
  type TokenEvent,
  type TxInput,
  BlockExecution,
  TokenError,
} from '../../../../src/tokenomics/index.ts';
import { TestChain, walletOf } from '../chain-harness.ts';
import { SIGNERS, type Cmd } from './scenario.ts';
import { type Reader, toOperation } from './commands.ts';
import { type ExpectedEvent } from './model.ts';

// ---------------------------------------------------------------------------------------------
// Helpers for comparing states, outcomes and events
// ---------------------------------------------------------------------------------------------

export const show = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x));

export function isEmptyAccount(a: Account): boolean {
  return a.balance === 0n && a.staked === 0n && a.pendingRewards === 0n && a.nonce === 0n && a.unbonding.length === 0;
}

/**
 * A state as the spec sees it: deadline index keys and bookkeeping fields the spec does not define
 * (a pool's last replenish height, a schedule's last run) left out, and empty accounts equal to absent.
 */
export function specView(entries: Iterable<[string, StateValue]>): [string, unknown][] {
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

export function withoutIds(events: readonly TokenEvent[]): ExpectedEvent[] {
  return events.map((e) => {
    const { id: _id, ...rest } = e;
    return rest as ExpectedEvent;
  });
}

export function sortedWrites(outcome: BlockOutcome): [string, StateValue | null][] {
  return [...outcome.writes.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The docs/protocol.md §13.8 figures walked by hand (independently of checkStateInvariants). */
export function holdings(chain: TestChain): bigint {
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

export function sumEvents(events: readonly TokenEvent[], kind: 'mint' | 'burn'): bigint {
  return events.reduce((s, e) => (e.kind === kind ? s + e.amount : s), 0n);
}

export interface BuiltTx {
  readonly tx: TxInput;
  readonly cmd: Cmd;
}

/** Builds the tx for a command with the signer's tracked nonce (plus its deliberate skew). */
export function buildTx(chain: TestChain, cmd: Cmd, reader: Reader, nonces: Map<string, bigint>): BuiltTx {
  const op = toOperation(cmd, reader, chain.height + 1n, walletOf(cmd.by));
  const nonce = (nonces.get(cmd.by) ?? 0n) + BigInt(cmd.nonceSkew);
  return { tx: chain.tx(cmd.by, op, nonce), cmd };
}

export function tryApply(block: BlockExecution, tx: TxInput): TokenError | null {
  try {
    block.applyTx(tx);
    return null;
  } catch (err) {
    if (err instanceof TokenError) return err;
    throw err; // anything else is a crash, never a refusal
  }
}

export function expectNoncesMatch(chain: TestChain, nonces: Map<string, bigint>): void {
  for (const signer of SIGNERS) expect(chain.account(signer).nonce, `nonce of ${signer}`).toBe(nonces.get(signer) ?? 0n);
}
