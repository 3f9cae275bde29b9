/**
 * The one shape of a signing command: parse the flags into an operation (usage errors come before
 * any request), sign it with the chosen key, submit, wait, print the outcome. Every tx command of
 * `dchat token`, `dchat stake` and `dchat market` runs through `txAction`.
 */
import type { Operation } from '../../tokenomics/index.ts';
import { type Context, makeContext } from '../context.ts';
import type { CliIo } from '../io.ts';
import type { UnlockedKey } from '../keystore/keystore.ts';
import { type TxFlags, printOutcome, sendOptions } from '../token/command.ts';
import { type SignerDefault, resolveSigner } from './signer.ts';
import { type TxEvents, type TxResult, sendTx } from './submit.ts';

/** What `printOutcome` prints: the title, the JSON details and the terminal lines. */
export interface Outcome {
  readonly title: string;
  readonly details?: Record<string, unknown>;
  readonly lines?: (events: TxEvents) => string[];
}

/** A submitted transaction as an outcome sees it; `before` is what `prepare` read. */
export interface Sent<O extends Operation, B, P> {
  readonly ctx: Context;
  readonly parsed: P;
  readonly signer: UnlockedKey;
  readonly op: O;
  readonly result: TxResult;
  readonly before: B;
}

/**
 * A signing command. `parse` turns the flags into what the command needs (default: the flags
 * themselves) and `op` that into the operation; both throw usage errors only.
 */
export interface TxSpec<F extends TxFlags, O extends Operation, B = undefined, P = F> {
  readonly parse?: (flags: F) => P;
  /** Fills in, from the node, what the flags left to a default that depends on the chain (an activation height after the head). */
  readonly complete?: (ctx: Context, parsed: P) => Promise<P>;
  readonly op: (parsed: P) => O;
  /** Whether the key named "authority" signs when --from is not given (may depend on the command). */
  readonly signer: SignerDefault | ((parsed: P) => SignerDefault);
  /** The key to sign with when --from is not given, if the command names one (a wallet's own burn). */
  readonly defaultKey?: (parsed: P) => string | undefined;
  /** Checks the unlocked signer before anything is sent. */
  readonly authorize?: (signer: UnlockedKey, parsed: P) => void;
  /** Reads the node before the submission (for an outcome that compares before and after). */
  readonly prepare?: (ctx: Context, signer: UnlockedKey) => Promise<B>;
  readonly outcome: (sent: Sent<O, B, P>) => Outcome | Promise<Outcome>;
}

export function txAction<F extends TxFlags, O extends Operation, B = undefined, P = F>(io: CliIo, spec: TxSpec<F, O, B, P>): (flags: F) => Promise<void> {
  return async (flags) => {
    const given = spec.parse === undefined ? (flags as unknown as P) : spec.parse(flags);
    const options = sendOptions(flags);
    const ctx = makeContext(io, flags);
    const parsed = spec.complete === undefined ? given : await spec.complete(ctx, given);
    const op = spec.op(parsed);
    const fallback = typeof spec.signer === 'function' ? spec.signer(parsed) : spec.signer;
    const signer = await resolveSigner(ctx, flags.from ?? spec.defaultKey?.(parsed), fallback);
    spec.authorize?.(signer, parsed);
    const before = (spec.prepare === undefined ? undefined : await spec.prepare(ctx, signer)) as B;
    const result = await sendTx(ctx, signer, op, options);
    printOutcome(ctx, result, await spec.outcome({ ctx, parsed, signer, op, result, before }));
  };
}

/** A record the transaction touched, read once its block is in (null for a --no-wait submission, which has none yet). */
export async function readAfter<T = Record<string, unknown>>(ctx: Context, result: TxResult, path: string): Promise<T | null> {
  return result.status === 'included' ? ctx.client.get<T>(path) : null;
}

export interface SimpleTx<F> {
  readonly signer: SignerDefault;
  readonly op: (flags: F) => Operation;
  readonly title: string;
  readonly lines?: (events: TxEvents, op: Operation) => string[];
}

/** A command whose outcome is its title, the signer and the operation type, and optional lines. */
export function simpleTxAction<F extends TxFlags>(io: CliIo, spec: SimpleTx<F>): (flags: F) => Promise<void> {
  return txAction<F, Operation>(io, {
    signer: spec.signer,
    op: spec.op,
    outcome: ({ signer, op }) => ({
      title: spec.title,
      details: { signer: signer.walletId, op: op.type },
      ...(spec.lines === undefined ? {} : { lines: (events: TxEvents) => spec.lines!(events, op) }),
    }),
  });
}
