/**
 * The one shape of a simple signing command: parse the flags into an operation (usage errors
 * come before any request), sign it with the chosen key, submit, wait, print the outcome.
 */
import type { Operation } from '../../tokenomics/index.ts';
import { makeContext } from '../context.ts';
import type { CliIo } from '../io.ts';
import { type TxFlags, printOutcome, sendOptions } from '../token/command.ts';
import { type SignerDefault, resolveSigner } from './signer.ts';
import { type TxEvents, sendTx } from './submit.ts';

export interface SimpleTx<F> {
  readonly signer: SignerDefault;
  readonly op: (flags: F) => Operation;
  readonly title: string;
  readonly lines?: (events: TxEvents, op: Operation) => string[];
}

export function simpleTxAction<F extends TxFlags>(io: CliIo, spec: SimpleTx<F>): (flags: F) => Promise<void> {
  return async (flags) => {
    const op = spec.op(flags);
    const options = sendOptions(flags);
    const ctx = makeContext(io, flags);
    const signer = await resolveSigner(ctx, flags.from, spec.signer);
    const result = await sendTx(ctx, signer, op, options);
    printOutcome(ctx, result, {
      title: spec.title,
      details: { signer: signer.walletId, op: op.type },
      ...(spec.lines === undefined ? {} : { lines: (events: TxEvents) => spec.lines!(events, op) }),
    });
  };
}
