/**
 * How transactions enter the mempool (docs/protocol.md §15; tx validity, §2.3): ONE admission path for a single API
 * submission, a batch, and a gossiped tx. Each is decoded once (gossip hands over the tx it decoded
 * already), its signature starts on the verify pool before its turn of the chain's queue, and in
 * that turn the mempool checks it (signature result, chain id, included already, then the token
 * economy on the pending state). Accepted txs are journaled to the store, then announced; refused
 * ones are remembered in a bounded cache for the status route.
 */
import type { Logger } from 'pino';
import { isTokenError } from '../tokenomics/index.ts';
import { type SignedTx, decodeSignedTx } from './codec/tx.ts';
import { bytesEqual } from './codec/msgpack.ts';
import { toHex } from './crypto.ts';
import { ChainError } from './errors.ts';
import type { Dropped, Mempool } from './mempool.ts';
import { RejectedTxs, type Rejection } from './rejected-txs.ts';
import type { ChainStore } from './store/chain-store.ts';
import type { SignatureVerifier } from './verify/pool.ts';
import { type SignatureResults, verifyTxSignatures } from './verify/tx-signatures.ts';

/** What a submission answers per transaction, in the order given. */
export type SubmitResult =
  | { readonly ok: true; readonly tx: SignedTx }
  /** `tx` is set when the bytes decoded (the refusal came later), so the caller can name its hash. */
  | { readonly ok: false; readonly error: unknown; readonly tx?: SignedTx };

/** Raw bytes (the API) or a tx decoded already (gossip decodes once to bound and key it). */
export type TxSubmission = Uint8Array | SignedTx;

export interface TxIntakeDeps {
  readonly store: Pick<ChainStore, 'txLocations' | 'putPendingAll' | 'deletePending' | 'loadPending'>;
  readonly mempool: Mempool;
  readonly verifier: SignatureVerifier;
  /** Runs a task in the chain's queue (one writer at a time). */
  readonly exclusive: <T>(task: () => Promise<T>) => Promise<T>;
  /** The chain's head block now: the same object until a commit, reorg or snapshot moves the head. */
  readonly head: () => object;
  /** The signer's account nonce at the head (its next tx's nonce, pending ones aside). */
  readonly committedNonce: (tx: SignedTx) => bigint;
  /** Called for each tx once it is pending and journaled (the chain emits its 'tx' event). */
  readonly announce: (tx: SignedTx) => void;
  readonly logger: Logger;
}

const isTyped = (err: unknown): boolean => isTokenError(err) || err instanceof ChainError;

/** Single submissions gathered into one admission at most (a gossip burst is cut into parts of this). */
const MAX_GATHERED = 1_000;

interface Gathered {
  readonly submission: TxSubmission;
  readonly resolve: (tx: SignedTx) => void;
  readonly reject: (err: unknown) => void;
}

export class TxIntake {
  readonly rejected = new RejectedTxs();
  private readonly deps: TxIntakeDeps;
  /** The last admission in line: admissions run in arrival order (a sender's nonces arrive in order). */
  private admissions: Promise<unknown> = Promise.resolve();
  /** Single submissions of this turn of the event loop, admitted together at its end. */
  private gathered: Gathered[] = [];
  /** Signature checks of txs not yet through their admission's turn, by tx hash (signatureInFlight). */
  private readonly checking = new Map<string, { readonly signature: Uint8Array; readonly verified: Promise<number> }>();

  constructor(deps: TxIntakeDeps) {
    this.deps = deps;
  }

  /**
   * One transaction: the tx once pending, or its typed error. Those that arrive in the same turn
   * of the event loop (gossiped txs come hundreds a second, each on its own) are admitted as one
   * batch: one queue turn, one signature round on the pool, one store read and one journal write
   * for all of them, instead of one each.
   */
  submitOne(submission: TxSubmission): Promise<SignedTx> {
    return new Promise((resolve, reject) => {
      this.gathered.push({ submission, resolve, reject });
      if (this.gathered.length >= MAX_GATHERED) this.flushGathered();
      else if (this.gathered.length === 1) setImmediate(() => this.flushGathered());
    });
  }

  private flushGathered(): void {
    const batch = this.gathered;
    if (batch.length === 0) return;
    this.gathered = [];
    this.submit(batch.map((g) => g.submission)).then(
      (results) => results.forEach((r, i) => (r.ok ? batch[i]!.resolve(r.tx) : batch[i]!.reject(r.error))),
      (err: unknown) => batch.forEach((g) => g.reject(err)),
    );
  }

  /**
   * Transactions in order, in one turn of the queue, their signatures checked together on the
   * pool: one answer per transaction (the tx, or its typed error). An untyped error (a store
   * failure) rejects the whole call. Admissions keep their arrival order, but the chain's queue
   * (block import and production) is entered only once the pool has checked the signatures, so a
   * block never waits behind a pool round trip.
   */
  submit(submissions: readonly TxSubmission[]): Promise<SubmitResult[]> {
    const decoded = submissions.map(decodeOnce);
    const txs = decoded.flatMap((d) => (d.ok ? [d.tx] : []));
    const signatures = verifyTxSignatures(this.deps.verifier, txs);
    const checked = this.shareChecks(txs, signatures);
    // Whether the txs are included, read beside the signature checks, outside the queue: in it, each
    // admission's store read was one LevelDB round trip (~10 ms under load) during which no other
    // admission, block import or production ran. The read stands if the head has not moved by the
    // admission's turn (a commit moves it only in the queue); otherwise it is read again there.
    const readAt = this.deps.head();
    const included = this.includedAtHead(txs);
    included.catch(() => undefined);
    const turn = this.admissions.then(() => signatures).then((verified) => this.deps.exclusive(async () => {
      const fresh = this.deps.head() === readAt ? await included : await this.includedAtHead(txs);
      return this.admitAll(decoded, txs, verified, fresh);
    }));
    this.admissions = turn.then(
      () => undefined,
      () => undefined,
    );
    // Once through the turn an accepted tx is in the mempool (which says it is verified), a refused one nowhere.
    void this.admissions.then(() => checked.forEach((key) => this.checking.delete(key)));
    // Answered once journaled; the queue was released when the journal write was issued.
    return turn.then(async ({ results, journaled }) => {
      await journaled;
      return results;
    });
  }

  /**
   * The pool's check of this exact tx (same hash and signature) for an admission still on its way
   * to the mempool: a block that includes it waits for that answer instead of asking again.
   */
  signatureInFlight(tx: SignedTx): Promise<number> | undefined {
    const entry = this.checking.get(toHex(tx.hash));
    return entry !== undefined && bytesEqual(entry.signature, tx.signature) ? entry.verified : undefined;
  }

  /** Offers each tx's check to signatureInFlight until its admission's turn is over; the keys this admission registered. */
  private shareChecks(txs: readonly SignedTx[], signatures: Promise<SignatureResults>): string[] {
    const keys: string[] = [];
    txs.forEach((tx, i) => {
      const key = toHex(tx.hash);
      if (this.checking.has(key)) return;
      this.checking.set(key, { signature: tx.signature, verified: signatures.then((results) => results[i]!) });
      keys.push(key);
    });
    return keys;
  }

  /**
   * Per tx, whether the canonical chain up to the head includes it. Only a tx whose nonce is below
   * its signer's account nonce can be: including a tx takes the nonce it names and moves the
   * account past it, for good on this chain. So a fresh tx (the whole load of a busy node) costs
   * no store read; an old one (a replay, a copy relayed after its block) is looked up, to be
   * refused as a duplicate rather than for its nonce.
   */
  private async includedAtHead(txs: readonly SignedTx[]): Promise<boolean[]> {
    const included = txs.map(() => false);
    const old = txs.flatMap((tx, i) => (tx.tx.nonce < this.deps.committedNonce(tx) ? [i] : []));
    if (old.length === 0) return included;
    const locations = await this.deps.store.txLocations(old.map((i) => txs[i]!.hash));
    old.forEach((i, j) => (included[i] = locations[j] !== null));
    return included;
  }

  /**
   * In the chain's queue: each decoded tx checked and admitted in order (`included`: whether the
   * chain includes each already), and the accepted journaled together, then announced. The journal
   * write is issued here, so journal writes keep the order of admission, but not awaited here: it
   * was a LevelDB round trip (~10 ms under load) during which no other admission, block import or
   * production ran. The store issues a later write (a block deleting these entries) only once it
   * has settled, so announcements come before the block that includes the txs.
   */
  private admitAll(decoded: readonly SubmitResult[], txs: readonly SignedTx[], verified: SignatureResults, included: readonly boolean[]): { results: SubmitResult[]; journaled: Promise<void> } {
    const accepted: SignedTx[] = [];
    let next = 0;
    const results = decoded.map((d): SubmitResult => {
      if (!d.ok) return d;
      const i = next++;
      try {
        this.admit(d.tx, verified[i] === 1, included[i] === true);
        accepted.push(d.tx);
        return d;
      } catch (error) {
        if (!isTyped(error)) throw error;
        return { ok: false, error, tx: d.tx };
      }
    });
    // Journaled together in one write, numbered in the order of acceptance.
    const journaled = this.deps.store.putPendingAll(accepted).then(() => {
      for (const tx of accepted) {
        this.rejected.forget(toHex(tx.hash));
        this.deps.announce(tx);
      }
    });
    journaled.catch(() => undefined);
    return { results, journaled };
  }

  /** Re-admits journaled transactions in the order they were accepted (one sender's tx may fund another's). */
  async restore(): Promise<void> {
    const journaled: SignedTx[] = [];
    for (const bytes of await this.deps.store.loadPending()) {
      try {
        journaled.push(decodeSignedTx(bytes));
      } catch (err) {
        if (!(err instanceof ChainError)) throw err;
        this.deps.logger.warn({ err }, 'dropped an undecodable journaled tx');
      }
    }
    const signatures = await verifyTxSignatures(this.deps.verifier, journaled);
    for (const [i, tx] of journaled.entries()) {
      try {
        this.admit(tx, signatures[i] === 1, false);
      } catch (err) {
        if (!isTyped(err)) throw err;
        await this.deps.store.deletePending(tx.hash);
      }
    }
  }

  /** Txs the mempool dropped (a new head, a producer's refusals): remembered, and their journal entries deleted. */
  recordDropped(dropped: readonly (Dropped | { tx: SignedTx; error: Rejection })[]): void {
    for (const d of dropped) {
      this.rejected.remember(toHex(d.tx.hash), d.error);
      void this.deps.store.deletePending(d.tx.hash).catch((err: unknown) => this.deps.logger.warn({ err }, 'could not drop a journaled tx'));
    }
  }

  /** The mempool's checks and admission, or the typed error (remembered for the status route). */
  private admit(tx: SignedTx, signatureVerified: boolean, included: boolean): void {
    try {
      this.deps.mempool.add(tx, { signatureVerified, included });
    } catch (err) {
      if (isTyped(err)) this.rejected.remember(toHex(tx.hash), err as Rejection);
      throw err;
    }
  }
}

function decodeOnce(submission: TxSubmission): SubmitResult {
  if (!(submission instanceof Uint8Array)) return { ok: true, tx: submission };
  try {
    return { ok: true, tx: decodeSignedTx(submission) };
  } catch (error) {
    return { ok: false, error };
  }
}
