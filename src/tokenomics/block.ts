/**
 * The one entry point of the token economy: a block's system steps and transactions applied to a
 * state, in the order of docs/protocol.md §3.4, producing the block's writes and events. Nothing is
 * committed here; the caller commits the writes (or drops them) as one unit.
 */
import { ErrorCode, TokenError, isTokenError } from './errors.ts';
import type { TokenEvent } from './events.ts';
import { IdSource, walletIdFromPublicKey } from './ids.ts';
import { checkBlockInvariants } from './invariants.ts';
import { Ledger } from './ledger.ts';
import { handlerFor } from './ops/index.ts';
import type { TxContext } from './ops/context.ts';
import type { TxInput } from './operations.ts';
import type { BlockPosition } from './records.ts';
import type { StateView, WriteSet } from './state/store.ts';
import { runAutoReplenish } from './steps/auto-replenish.ts';
import { runDeadlines } from './steps/deadlines.ts';
import { fixProvisionIfYearEnds, runInflation } from './steps/inflation.ts';
import { runSchedules } from './steps/schedules.ts';
import { runProposals } from './steps/proposals.ts';
import { activatePendingValidators } from './gov/validator-set.ts';

export interface BlockOutcome {
  /** Final value of every key the block wrote (null = deleted). */
  readonly writes: WriteSet;
  /** Mint, burn and distribution events in the order they happened. */
  readonly events: readonly TokenEvent[];
}

/**
 * One block in progress. The constructor runs the system steps (inflation, due schedules,
 * deadlines, auto-replenish); `applyTx` then adds transactions one at a time, each all-or-nothing;
 * `finish` closes the block. A block producer uses it directly to drop failing transactions;
 * `applyBlock` is the importer's all-or-nothing form.
 */
export class BlockExecution {
  private readonly ledger: Ledger;
  private readonly before: StateView;
  private finished = false;

  constructor(state: StateView, position: BlockPosition) {
    this.before = state;
    this.ledger = new Ledger(state, position, IdSource.forBlock(position.height));
    const head = this.ledger.head();
    if (position.height !== head.height + 1n) {
      throw new TokenError(ErrorCode.InvalidBlock, `Block height ${position.height} does not follow the head at ${head.height}.`);
    }
    if (position.timestampMs < head.timestampMs) {
      throw new TokenError(ErrorCode.InvalidBlock, `Block timestamp ${position.timestampMs} is before its parent's ${head.timestampMs}.`);
    }
    this.ledger.setHead(position);
    activatePendingAuthority(this.ledger);
    activatePendingValidators(this.ledger);
    runInflation(this.ledger);
    runSchedules(this.ledger);
    runDeadlines(this.ledger);
    runProposals(this.ledger);
    runAutoReplenish(this.ledger);
  }

  get position(): BlockPosition {
    return this.ledger.position;
  }

  /**
   * Applies one transaction; on any error it leaves the block exactly as it was and throws a
   * TokenError (one that is not a token rule becomes TxFailed). The block invariants of docs/protocol.md §13.8
   * are checked on this transaction's own writes and events, O(its writes): a transaction that
   * would make `finish` fail is refused here instead, so the producer and the mempool drop it.
   */
  applyTx(tx: TxInput): readonly TokenEvent[] {
    if (this.finished) throw new TokenError(ErrorCode.InvalidBlock, 'The block is already finished.');
    const txLedger = this.ledger.forTx(tx.hash);
    try {
      executeTx(txLedger, tx);
      checkBlockInvariants(this.ledger.overlay, { writes: txLedger.overlay.writes, events: txLedger.events });
    } catch (err) {
      if (isTokenError(err)) throw err;
      throw new TokenError(ErrorCode.TxFailed, `Transaction ${tx.hash} cannot be applied: ${describeFailure(err)}`, { cause: err });
    }
    txLedger.commitInto(this.ledger);
    return txLedger.events;
  }

  /** Closes the block: fixes the next inflation year's provision if one starts, checks invariants. */
  finish(): BlockOutcome {
    if (this.finished) throw new TokenError(ErrorCode.InvalidBlock, 'The block is already finished.');
    this.finished = true;
    fixProvisionIfYearEnds(this.ledger);
    const outcome = { writes: this.ledger.overlay.writes, events: this.ledger.events };
    checkBlockInvariants(this.before, outcome);
    return outcome;
  }
}

/**
 * Applies a whole block: if any transaction fails, the block is invalid (InvalidBlock, with the
 * transaction's own error as `cause`) and nothing of it is kept.
 */
export function applyBlock(state: StateView, position: BlockPosition, txs: readonly TxInput[]): BlockOutcome {
  const block = new BlockExecution(state, position);
  txs.forEach((tx, index) => {
    try {
      block.applyTx(tx);
    } catch (err) {
      if (!isTokenError(err)) throw err;
      throw new TokenError(
        ErrorCode.InvalidBlock,
        `Transaction ${index} (${tx.hash}) of block ${position.height} is invalid: ${err.code}: ${err.message}`,
        { cause: err },
      );
    }
  });
  return block.finish();
}

/** A thrown value as a short sentence: its class and message (anything can be thrown in JS). */
export function describeFailure(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : `${String(err)}.`;
}

function activatePendingAuthority(l: Ledger): void {
  const authority = l.authority();
  if (authority.pending !== null && authority.pending.fromHeight <= l.position.height) {
    l.setAuthority({ keys: authority.pending.keys, pending: null });
  }
}

/** Nonce, signer rules of docs/protocol.md §13.7, the operation, then its fee; then the nonce moves on. */
function executeTx(l: Ledger, tx: TxInput): void {
  const signerId = walletIdFromPublicKey(tx.signer);
  if (l.validators().some((v) => v.publicKey === tx.signer)) {
    throw new TokenError(ErrorCode.Unauthorized, 'A validator key signs blocks only, never transactions.');
  }
  const expected = l.account(signerId).nonce;
  if (tx.nonce !== expected) {
    throw new TokenError(ErrorCode.InvalidNonce, `Nonce ${tx.nonce} is not the next nonce ${expected} of ${signerId}.`);
  }
  const handler = handlerFor(tx.op);
  if (handler === undefined) {
    throw new TokenError(ErrorCode.InvalidParameter, `Unknown operation type "${String((tx.op as { type: unknown }).type)}".`);
  }
  const context: TxContext = {
    hash: tx.hash,
    signerKey: tx.signer,
    signerId,
    isAuthority: l.authority().keys.includes(tx.signer),
  };
  const role = handler.authorize(l, context, tx.op);
  handler.apply(l, context, tx.op);
  const minFee = l.params().minFee;
  if (role === 'user' && !handler.paysTransferFee && minFee > 0n) {
    // The fee comes after the operation, so claiming rewards into an empty balance can pay for itself.
    l.debitBalance(signerId, minFee);
    l.burn(minFee, 'fee', signerId);
  }
  const account = l.account(signerId);
  l.putAccount(signerId, { ...account, nonce: account.nonce + 1n });
}
