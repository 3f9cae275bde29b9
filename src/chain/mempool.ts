/**
 * The mempool (docs/protocol.md §15). A transaction is accepted only if it applies, in arrival order, on top of
 * the head state and every transaction accepted before it: the same checks a block will make
 * (nonce, balance, authority, ...), run on a scratch block that is never committed; applyTx also
 * checks the block invariants on the tx's own writes, so a tx whose block could not be finished is
 * refused here (issue 12), at O(its writes), never by re-checking the whole mempool. It is bounded
 * in total and per sender (MempoolFull). On a new head, the remaining transactions are re-applied
 * on the new state and those that no longer fit are dropped with their reason.
 */
import { BlockExecution, type StateView, type TokenError, isTokenError, walletIdFromPublicKey } from '../tokenomics/index.ts';
import type { SignedTx } from './codec/tx.ts';
import { bytesEqual } from './codec/msgpack.ts';
import { toTxInput } from './codec/tx.ts';
import { toHex } from './crypto.ts';
import { ChainError, ChainErrorCode } from './errors.ts';
import { verifyTxWith } from './verify/tx-signatures.ts';

export interface MempoolOptions {
  readonly chainId: string;
  readonly maxTxs: number;
  readonly maxPerSender: number;
}

export const DEFAULT_MEMPOOL_LIMITS = { maxTxs: 50_000, maxPerSender: 256 } as const;

export interface HeadView {
  readonly state: StateView;
  readonly height: bigint;
  readonly timestampMs: bigint;
}

export interface AddOptions {
  /** The signature was already verified (by the verify pool, or when the tx was first accepted). */
  readonly signatureVerified?: boolean;
  /** The tx is already in a block (the store knows it): refused as DuplicateTx, after the signature check. */
  readonly included?: boolean;
}

export interface Dropped {
  readonly tx: SignedTx;
  readonly error: TokenError | ChainError;
}

export class Mempool {
  private readonly options: MempoolOptions;
  /** Accepted transactions in arrival order, keyed by hex hash. */
  private readonly txs = new Map<string, SignedTx>();
  private readonly perSender = new Map<string, number>();
  private scratch!: BlockExecution;
  private head!: HeadView;

  constructor(options: MempoolOptions, head: HeadView) {
    this.options = options;
    this.reset(head);
  }

  get size(): number {
    return this.txs.size;
  }

  has(hashHex: string): boolean {
    return this.txs.has(hashHex);
  }

  /** Whether this exact tx (same hash, same signature) is pending: its signature was verified on the way in. */
  holdsVerified(tx: SignedTx): boolean {
    const held = this.txs.get(toHex(tx.hash));
    return held !== undefined && bytesEqual(held.signature, tx.signature);
  }

  /** How many transactions of this wallet are pending (what its next nonce must skip). */
  pendingOf(walletId: string): number {
    return this.perSender.get(walletId) ?? 0;
  }

  /** Accepted transactions in the order a block should include them. */
  pending(): IterableIterator<SignedTx> {
    return this.txs.values();
  }

  /**
   * Validates and accepts a transaction, or throws its typed error and changes nothing. With
   * `signatureVerified` the signature is not checked again (the chain id still is).
   */
  add(tx: SignedTx, options: AddOptions = {}): void {
    const hash = toHex(tx.hash);
    // The signature before the duplicate check: a pending tx's copy with a forged signature has the
    // same hash, and must be refused as invalid (its gossip sender penalized), not as a duplicate.
    verifyTxWith(tx, this.options.chainId, options.signatureVerified === true);
    if (options.included === true) throw new ChainError(ChainErrorCode.DuplicateTx, `Transaction ${hash} is already included.`);
    if (this.txs.has(hash)) throw new ChainError(ChainErrorCode.DuplicateTx, `Transaction ${hash} is already pending.`);
    if (this.txs.size >= this.options.maxTxs) {
      throw new ChainError(ChainErrorCode.MempoolFull, `The mempool holds its limit of ${this.options.maxTxs} transactions; try again later.`);
    }
    const sender = walletIdFromPublicKey(tx.tx.signer);
    const count = this.perSender.get(sender) ?? 0;
    if (count >= this.options.maxPerSender) {
      throw new ChainError(ChainErrorCode.MempoolFull, `Sender ${sender} already has ${count} pending transactions, the limit.`);
    }
    this.scratch.applyTx(toTxInput(tx));
    this.txs.set(hash, tx);
    this.perSender.set(sender, count + 1);
  }

  /**
   * Moves to a new head: included transactions leave, the rest are re-applied in order on the new
   * state; those that fail now are dropped and returned with their reason. After a reorg,
   * `returning` holds the abandoned blocks' transactions in block order: they go in first, because
   * the pending ones were accepted on top of them (a wallet's next nonce follows its abandoned tx).
   */
  reset(head: HeadView, included: Iterable<string> = [], returning: readonly SignedTx[] = []): Dropped[] {
    this.head = head;
    const gone = new Set(included);
    for (const hash of gone) this.txs.delete(hash);
    const back = returning.filter((tx) => !gone.has(toHex(tx.hash)) && !this.txs.has(toHex(tx.hash)));
    const remaining = [...back, ...this.txs.values()];
    this.txs.clear();
    this.perSender.clear();
    this.scratch = new BlockExecution(head.state, { height: head.height + 1n, timestampMs: head.timestampMs });
    const dropped: Dropped[] = [];
    for (const tx of remaining) {
      try {
        // Every remaining tx had its signature verified when it was accepted; it cannot change.
        this.add(tx, { signatureVerified: true });
      } catch (err) {
        if (!(isTokenError(err) || err instanceof ChainError)) throw err;
        dropped.push({ tx, error: err });
      }
    }
    return dropped;
  }

  /** Removes transactions a block producer found invalid. */
  remove(hashes: Iterable<string>): Dropped[] {
    const gone = new Set(hashes);
    if (gone.size === 0) return [];
    const before = this.txs.size;
    for (const hash of gone) this.txs.delete(hash);
    return this.txs.size === before ? [] : this.reset(this.head);
  }
}
