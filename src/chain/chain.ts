/**
 * The chain of one node: the committed state in memory, its head, the mempool, and the store.
 * Every change goes through one queue, and every block is written to LevelDB in one atomic batch
 * before memory moves on, so a node killed at any moment restarts at its last committed block.
 */
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import {
  type ChainParams,
  type GenesisConfig,
  type MemoryState,
  Overlay,
  type WriteSet,
  type TokenEvent,
  type Validator,
  META_VALIDATORS,
  isTokenError,
} from '../tokenomics/index.ts';
import { produceBlock } from './block-production.ts';
import { type ImportedBlock, type ParentInfo, importBlock } from './block-import.ts';
import { type Block, type BlockHeader, decodeBlock } from './codec/block.ts';
import { bytesEqual } from './codec/msgpack.ts';
import { type SignedTx, decodeSignedTx } from './codec/tx.ts';
import { toHex } from './crypto.ts';
import { ChainError, ChainErrorCode } from './errors.ts';
import { EvidenceLog } from './evidence-log.ts';
import { checkGenesis, writeGenesis } from './genesis-start.ts';
import { finalizedHeight, isBetterHead } from './fork-choice.ts';
import { DEFAULT_MEMPOOL_LIMITS, type Dropped, Mempool } from './mempool.ts';
import { ChainStore } from './store/chain-store.ts';
import { type SignatureVerifier, VerifyPool } from './verify/pool.ts';
import { type SignatureResults, allVerified, verifyTxSignatures, verifyTxWith } from './verify/tx-signatures.ts';

export type TxStatus =
  | { readonly status: 'pending' }
  | { readonly status: 'included'; readonly height: bigint; readonly index: number }
  | { readonly status: 'rejected'; readonly code: string; readonly message: string }
  | { readonly status: 'unknown' };

export interface ChainHead {
  readonly header: BlockHeader;
  readonly hash: Uint8Array;
}

/** What the chain announces: the network gossips these, the API and metrics watch them. */
export interface ChainEvents {
  /** A block became part of the chain: `produced` here, or `imported` from a peer or sync. */
  block: [block: Block, imported: ImportedBlock, origin: 'produced' | 'imported', processMs: number];
  /** A transaction entered the mempool (from the API or a peer). */
  tx: [tx: SignedTx];
}

/** Two different headers signed by one validator for one slot: evidence the authority may slash on. */
export interface Equivocation {
  readonly slot: bigint;
  readonly proposer: string;
  readonly first: BlockHeader & { hash: Uint8Array };
  readonly second: BlockHeader & { hash: Uint8Array };
}

export interface ImportResult {
  readonly imported: ImportedBlock;
  /** `extended` the head, `reorged` to a new branch, or kept as a `side` block that did not win. */
  readonly outcome: 'extended' | 'reorged' | 'side';
  readonly depth?: number;
}

const RECENT_HEADERS_KEPT = 2_048;
/** Equivocations kept as evidence (docs/protocol.md §9): one per (slot, proposer), the newest this many. */
const EVIDENCE_KEPT = 1_024;

export interface ChainOptions {
  readonly store: ChainStore;
  readonly genesis: GenesisConfig;
  readonly logger: Logger;
  readonly mempoolLimits?: { maxTxs: number; maxPerSender: number };
  /** Threads that verify transaction signatures (default: one per core; 0 = on the main thread). */
  readonly verifyThreads?: number;
  /** A signature verifier shared with others (instead of the chain's own pool); close() leaves it open. */
  readonly verifier?: SignatureVerifier;
}

/** What `submitTxs` answers per transaction, in the order given. */
export type SubmitResult = { readonly ok: true; readonly tx: SignedTx } | { readonly ok: false; readonly error: unknown };

const MAX_REJECTED_KEPT = 10_000;

export class Chain {
  readonly params: ChainParams;
  readonly store: ChainStore;
  readonly mempool: Mempool;
  private readonly logger: Logger;
  readonly events = new EventEmitter<ChainEvents>();
  private committed: MemoryState;
  private headBlock: ChainHead;
  private queue: Promise<unknown> = Promise.resolve();
  /** When the running queued change began: a block's processing time is measured from its turn. */
  private taskStartedMs = 0;
  private readonly rejected = new Map<string, { code: string; message: string }>();
  /** Canonical headers of the last blocks (for finality), oldest first. */
  private recent: BlockHeader[] = [];
  private finalized = 0n;
  /** The first block seen per (slot, proposer), to catch a validator signing two blocks for one slot. */
  private readonly slotSeen = new Map<string, BlockHeader & { hash: Uint8Array }>();
  private readonly equivocations = new EvidenceLog<Equivocation>(EVIDENCE_KEPT);
  /** Checks transaction signatures on worker threads while this thread applies blocks in order. */
  private readonly verifier: SignatureVerifier;
  private readonly ownsVerifier: boolean;

  private constructor(options: ChainOptions, state: MemoryState, head: ChainHead) {
    this.params = options.genesis.params;
    this.store = options.store;
    this.logger = options.logger;
    this.ownsVerifier = options.verifier === undefined;
    this.verifier =
      options.verifier ??
      new VerifyPool({
        ...(options.verifyThreads === undefined ? {} : { threads: options.verifyThreads }),
        onWorkerError: (err) => this.logger.warn({ err }, 'a signature worker failed; its checks run on the main thread'),
      });
    this.committed = state;
    this.headBlock = head;
    this.mempool = new Mempool({ chainId: this.params.chainId, ...(options.mempoolLimits ?? DEFAULT_MEMPOOL_LIMITS) }, this.headView());
  }

  /**
   * Opens the chain in a store: writes genesis on first start (its built state becomes the chain's,
   * not re-read), else checks the stored genesis against the config and loads the last committed block.
   */
  static async open(options: ChainOptions): Promise<Chain> {
    const { store, logger } = options;
    let stored = await store.head();
    let fresh: MemoryState | null = null;
    if (stored === null) {
      const genesis = await writeGenesis(store, options.genesis);
      logger.info({ chainId: options.genesis.params.chainId, genesisHash: toHex(genesis.hash) }, 'wrote genesis');
      fresh = genesis.state;
      stored = await store.head();
    } else {
      await checkGenesis(store, options.genesis);
    }
    const headBytes = await store.blockByHash(stored!.hash);
    if (headBytes === null) throw new ChainError(ChainErrorCode.StoreCorrupt, 'The head block is missing from the store.');
    const headBlock = decodeBlock(headBytes);
    const state = fresh ?? (await store.loadState());
    const chain = new Chain(options, state, { header: headBlock.header, hash: headBlock.hash });
    await chain.loadRecentHeaders();
    await chain.restorePending();
    logger.info({ height: String(headBlock.header.height), stateRoot: toHex(headBlock.header.stateRoot), pending: chain.mempool.size }, 'chain loaded');
    return chain;
  }

  get head(): ChainHead {
    return this.headBlock;
  }

  get state(): MemoryState {
    return this.committed;
  }

  validators(): readonly Validator[] {
    return this.committed.get(META_VALIDATORS) as readonly Validator[];
  }

  /** Resolves once every queued change has finished (for a clean shutdown). */
  async idle(): Promise<void> {
    await this.queue;
  }

  /** Lets queued changes finish, then stops the signature worker threads. The store stays open. */
  async close(): Promise<void> {
    await this.idle();
    if (this.ownsVerifier) await this.verifier.close();
  }

  /** Runs `task` after every earlier change has finished: one writer at a time. */
  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const timed = (): Promise<T> => {
      this.taskStartedMs = performance.now();
      return task();
    };
    const run = this.queue.then(timed, timed);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Validates a block and adds it: on top of the head, or on a side branch whose parent is known.
   * A side branch that becomes better than the head (docs/protocol.md §14.2) is switched to: the state reverts
   * exactly to the common ancestor and the branch is re-applied, all in one atomic store batch.
   * Throws a typed error and changes nothing if the block is invalid, known, or unplaceable.
   */
  importBlock(block: Block, currentSlot: bigint): Promise<ImportResult> {
    // Signatures need no state: the pool starts on them now, even while earlier changes run.
    const signatures = this.checkSignatures(block);
    return this.exclusive(async () => {
      if (await this.hasBlock(block.hash)) throw new ChainError(ChainErrorCode.KnownBlock, `Block ${toHex(block.hash)} is already known.`);
      if (bytesEqual(block.header.parentHash, this.headBlock.hash)) {
        const imported = await this.importVerified(block, this.parentInfo(), currentSlot, signatures);
        this.checkEquivocation(block);
        await this.commit(block, imported, 'imported');
        return { imported, outcome: 'extended' as const };
      }
      return this.importOnBranch(block, currentSlot, signatures);
    });
  }

  /**
   * Starts checking a block's tx signatures: those of txs our mempool holds with the same signature
   * were verified when they were accepted (a signature over a hash does not change), the others go
   * to the pool. Nothing starts for the head itself (a duplicate delivery, refused as known).
   */
  private checkSignatures(block: Block): Promise<SignatureResults> {
    const results = new Uint8Array(block.txs.length);
    if (bytesEqual(block.hash, this.headBlock.hash)) return Promise.resolve(results);
    const unchecked: number[] = [];
    const pending = this.mempool.size > 0;
    block.txs.forEach((tx, i) => {
      if (pending && this.mempool.holdsVerified(tx)) results[i] = 1;
      else unchecked.push(i);
    });
    if (unchecked.length === 0) return Promise.resolve(results);
    return verifyTxSignatures(this.verifier, unchecked.map((i) => block.txs[i]!)).then((verified) => {
      unchecked.forEach((i, j) => (results[i] = verified[j]!));
      return results;
    });
  }

  /**
   * importBlock with the tx signatures checked by the pool: the block is applied on this thread
   * while the workers verify, and the outcome is kept only once every signature is known good.
   * If the pool reports a signature as bad (or could not check it), the import runs again with the
   * checks on this thread for those txs, so the error is exactly the one a plain import gives.
   */
  private async importVerified(block: Block, parent: ParentInfo, currentSlot: bigint, signatures: Promise<SignatureResults>): Promise<ImportedBlock> {
    let imported: ImportedBlock | undefined;
    let failure: { error: unknown } | undefined;
    try {
      imported = importBlock(block, parent, currentSlot, { signaturesVerified: true });
    } catch (error) {
      failure = { error };
    }
    const results = await signatures;
    if (!allVerified(results)) return importBlock(block, parent, currentSlot, { signaturesVerified: results });
    if (failure !== undefined) throw failure.error;
    return imported!;
  }

  /** The equivocations seen so far (both headers each). */
  evidence(): readonly Equivocation[] {
    return this.equivocations.list();
  }

  get finalizedHeight(): bigint {
    return this.finalized;
  }

  /** Records the first valid block per (slot, proposer); a second, different one is an equivocation. */
  private checkEquivocation(block: Block): void {
    const key = `${block.header.slot}:${block.header.proposer}`;
    const first = this.slotSeen.get(key);
    const header = { ...block.header, hash: block.hash };
    if (first === undefined) {
      this.slotSeen.set(key, header);
      if (this.slotSeen.size > RECENT_HEADERS_KEPT * 4) this.slotSeen.delete(this.slotSeen.keys().next().value!);
      return;
    }
    if (bytesEqual(first.hash, block.hash)) return;
    this.equivocations.add({ slot: block.header.slot, proposer: block.header.proposer, first, second: header });
    this.logger.warn({ slot: String(block.header.slot), proposer: block.header.proposer, first: toHex(first.hash), second: toHex(block.hash) }, 'validator equivocated: two blocks for one slot');
    throw new ChainError(ChainErrorCode.Equivocation, `Validator ${block.header.proposer} already signed block ${toHex(first.hash)} for slot ${block.header.slot}; the later one is ignored.`);
  }

  /** A block whose parent is not the head: rebuild its parent's state, validate, then choose. */
  private async importOnBranch(block: Block, currentSlot: bigint, signatures: Promise<SignatureResults>): Promise<ImportResult> {
    const branch = await this.branchTo(block.header.parentHash);
    if (branch.ancestor.height < this.finalized) {
      throw new ChainError(ChainErrorCode.BelowFinality, `Block ${block.header.height} forks below the last final block ${this.finalized}.`);
    }
    // The state at the common ancestor: the head's state with the undo records of the blocks above it.
    const view = new Overlay(this.committed);
    for (let h = this.headBlock.header.height; h > branch.ancestor.height; h--) {
      const undo = await this.store.undoRecord(h);
      if (undo === null) throw new ChainError(ChainErrorCode.StoreCorrupt, `The undo record of block ${h} is missing.`);
      applyWrites(view, undo);
    }
    let parent: ParentInfo = { header: branch.ancestor.header, hash: branch.ancestor.hash, state: view };
    const parts: { block: Block; imported: ImportedBlock; undo: WriteSet }[] = [];
    const blocks = [...branch.blocks, block];
    const checks = blocks.map((b) => (b === block ? signatures : this.checkSignatures(b)));
    for (const [i, b] of blocks.entries()) {
      const imported = await this.importVerified(b, parent, currentSlot, checks[i]!);
      const undo: WriteSet = new Map([...imported.writes.keys()].map((key) => [key, view.get(key) ?? null]));
      applyWrites(view, imported.writes);
      parts.push({ block: b, imported, undo });
      parent = { header: b.header, hash: b.hash, state: view };
    }
    const imported = parts.at(-1)!.imported;
    // Only a block that validated can be evidence: a forged header proves nothing against its key.
    this.checkEquivocation(block);
    if (!isBetterHead({ height: block.header.height, hash: block.hash }, { height: this.headBlock.header.height, hash: this.headBlock.hash })) {
      await this.store.putSideBlock(block.hash, block.bytes);
      this.logger.info({ height: String(block.header.height), hash: toHex(block.hash).slice(0, 16) }, 'side block kept');
      return { imported, outcome: 'side' };
    }
    return this.switchBranch(branch.ancestor.height, parts, view.writes);
  }

  private async switchBranch(ancestorHeight: bigint, parts: { block: Block; imported: ImportedBlock; undo: WriteSet }[], writes: WriteSet): Promise<ImportResult> {
    const abandoned: Block[] = [];
    for (let h = ancestorHeight + 1n; h <= this.headBlock.header.height; h++) {
      const old = await this.blockAt(h);
      if (old !== null) abandoned.push(old);
    }
    const tip = parts.at(-1)!;
    await this.store.commitBranch({
      abandoned: abandoned.map((b) => ({ height: b.header.height, txHashes: b.txs.map((t) => t.hash) })),
      blocks: parts.map((p) => ({
        height: p.block.header.height, hash: p.block.hash, blockBytes: p.block.bytes, undo: p.undo, events: p.imported.events, txHashes: p.block.txs.map((t) => t.hash),
      })),
      writes,
      head: { height: tip.block.header.height, hash: tip.block.hash, stateRoot: tip.imported.stateRoot },
    });
    this.committed.commit(writes);
    this.headBlock = { header: tip.block.header, hash: tip.block.hash };
    this.recent = this.recent.filter((h) => h.height <= ancestorHeight).concat(parts.map((p) => p.block.header));
    this.updateFinality();
    // Transactions of the abandoned blocks go back to the mempool if they are still valid, ahead of
    // the pending ones that were accepted on top of them; those re-admitted are journaled again.
    const included = new Set(parts.flatMap((p) => p.block.txs.map((t) => toHex(t.hash))));
    const returning = abandoned.flatMap((b) => b.txs).filter((tx) => !included.has(toHex(tx.hash)));
    this.recordDropped(this.mempool.reset(this.headView(), included, returning));
    for (const tx of returning) if (this.mempool.has(toHex(tx.hash))) await this.store.putPending(tx.hash, tx.bytes);
    this.logger.warn(
      { from: String(ancestorHeight), depth: abandoned.length, newHead: String(tip.block.header.height), hash: toHex(tip.block.hash).slice(0, 16) },
      'reorg: switched to a better branch',
    );
    const processMs = performance.now() - this.taskStartedMs;
    for (const p of parts) this.events.emit('block', p.block, p.imported, 'imported', processMs);
    return { imported: tip.imported, outcome: 'reorged', depth: abandoned.length };
  }

  /** The stored blocks from the canonical common ancestor (exclusive) up to `tipHash` (inclusive). */
  private async branchTo(tipHash: Uint8Array): Promise<{ ancestor: { height: bigint; hash: Uint8Array; header: BlockHeader }; blocks: Block[] }> {
    const blocks: Block[] = [];
    let hash = tipHash;
    for (;;) {
      const bytes = await this.store.blockByHash(hash);
      if (bytes === null) throw new ChainError(ChainErrorCode.UnknownParent, `Parent block ${toHex(hash)} is unknown; fetch it first.`);
      const block = decodeBlock(bytes);
      const canonical = await this.store.hashAtHeight(block.header.height);
      if (canonical !== null && bytesEqual(canonical, hash)) {
        return { ancestor: { height: block.header.height, hash, header: block.header }, blocks: blocks.reverse() };
      }
      blocks.push(block);
      hash = block.header.parentHash;
    }
  }

  private async loadRecentHeaders(): Promise<void> {
    const head = this.headBlock.header.height;
    const from = head > BigInt(RECENT_HEADERS_KEPT) ? head - BigInt(RECENT_HEADERS_KEPT) : 1n;
    this.recent = [];
    for (let h = from; h <= head; h++) {
      const block = await this.blockAt(h);
      if (block !== null) this.recent.push(block.header);
    }
    this.updateFinality();
  }

  private updateFinality(): void {
    if (this.recent.length > RECENT_HEADERS_KEPT) this.recent = this.recent.slice(-RECENT_HEADERS_KEPT);
    this.finalized = finalizedHeight(this.recent, this.validators().length, this.finalized);
  }

  /** Builds, signs and commits the block of `slot` from the mempool. */
  produce(slot: bigint, proposer: { publicKey: string; secretKey: Uint8Array }): Promise<Block> {
    return this.exclusive(async () => {
      const produced = produceBlock(this.parentInfo(), this.params, slot, proposer, this.mempool.pending());
      this.recordDropped(produced.rejected);
      this.checkEquivocation(produced.block);
      this.mempool.remove(produced.rejected.map((r) => toHex(r.tx.hash)));
      try {
        await this.commit(produced.block, produced.outcome, 'produced');
      } catch (err) {
        // A block that never got committed never left this node: a retry in the same slot may sign
        // another one (the mempool may have changed) without equivocating.
        if (!bytesEqual(this.headBlock.hash, produced.block.hash)) this.slotSeen.delete(`${produced.block.header.slot}:${produced.block.header.proposer}`);
        throw err;
      }
      return produced.block;
    });
  }

  /** Accepts a signed transaction into the mempool (journaled to disk first), or throws its typed error. */
  submitTx(bytes: Uint8Array): Promise<SignedTx> {
    let tx: SignedTx;
    try {
      tx = decodeSignedTx(bytes);
    } catch (err) {
      return Promise.reject(err);
    }
    // Checked on the pool before this tx's turn; concurrent submissions share a worker batch.
    const signature = verifyTxSignatures(this.verifier, [tx]);
    return this.exclusive(async () => this.admit(tx, (await signature)[0] === 1));
  }

  /**
   * Accepts a batch of signed transactions in order, in one turn of the queue, their signatures
   * checked together on the pool: one answer per transaction (the tx, or its typed error).
   */
  submitTxs(list: readonly Uint8Array[]): Promise<SubmitResult[]> {
    const decoded = list.map((bytes): SubmitResult => {
      try {
        return { ok: true, tx: decodeSignedTx(bytes) };
      } catch (error) {
        return { ok: false, error };
      }
    });
    const txs = decoded.flatMap((d) => (d.ok ? [d.tx] : []));
    const signatures = verifyTxSignatures(this.verifier, txs);
    return this.exclusive(async () => {
      const verified = await signatures;
      const locations = await Promise.all(txs.map((tx) => this.store.txLocation(tx.hash)));
      const accepted: SignedTx[] = [];
      let next = 0;
      const results = decoded.map((d): SubmitResult => {
        if (!d.ok) return d;
        const i = next++;
        try {
          this.accept(d.tx, verified[i] === 1, locations[i] !== null);
          accepted.push(d.tx);
          return d;
        } catch (error) {
          if (!(isTokenError(error) || error instanceof ChainError)) throw error;
          return { ok: false, error };
        }
      });
      // Journaled together: putPending numbers them in call order, which is the order of acceptance.
      await Promise.all(accepted.map((tx) => this.store.putPending(tx.hash, tx.bytes)));
      for (const tx of accepted) this.announce(tx);
      return results;
    });
  }

  /** One decoded transaction into the mempool and its journal (inside the queue). */
  private async admit(tx: SignedTx, signatureVerified: boolean): Promise<SignedTx> {
    this.accept(tx, signatureVerified, (await this.store.txLocation(tx.hash)) !== null);
    await this.store.putPending(tx.hash, tx.bytes);
    this.announce(tx);
    return tx;
  }

  /** The mempool's checks and admission, or the typed error (remembered for txStatus). */
  private accept(tx: SignedTx, signatureVerified: boolean, included: boolean): void {
    const hash = toHex(tx.hash);
    try {
      // The signature first: a copy of an included tx with a forged signature (same hash: the
      // signature is not hashed) is an invalid message, and its sender is penalized for it.
      verifyTxWith(tx, this.params.chainId, signatureVerified);
      if (included) throw new ChainError(ChainErrorCode.DuplicateTx, `Transaction ${hash} is already included.`);
      this.mempool.add(tx, { signatureVerified });
    } catch (err) {
      if (isTokenError(err) || err instanceof ChainError) this.remember(hash, err);
      throw err;
    }
  }

  private announce(tx: SignedTx): void {
    this.rejected.delete(toHex(tx.hash));
    this.events.emit('tx', tx);
  }

  async txStatus(hashHex: string): Promise<TxStatus> {
    if (!/^[0-9a-f]{64}$/.test(hashHex)) return { status: 'unknown' };
    if (this.mempool.has(hashHex)) return { status: 'pending' };
    const location = await this.store.txLocation(Buffer.from(hashHex, 'hex'));
    if (location !== null) return { status: 'included', ...location };
    const rejected = this.rejected.get(hashHex);
    return rejected === undefined ? { status: 'unknown' } : { status: 'rejected', ...rejected };
  }

  /** Whether a block with this hash is stored (on the canonical chain or not). */
  async hasBlock(hash: Uint8Array): Promise<boolean> {
    return (await this.store.blockByHash(hash)) !== null;
  }

  async blockAt(height: bigint): Promise<Block | null> {
    const bytes = await this.store.blockByHeight(height);
    return bytes === null ? null : decodeBlock(bytes);
  }

  history(kind: TokenEvent['kind'], options: { limit: number; reason?: string; account?: string }): Promise<TokenEvent[]> {
    return this.store.history(kind, options);
  }

  private parentInfo(): { header: BlockHeader; hash: Uint8Array; state: MemoryState } {
    return { header: this.headBlock.header, hash: this.headBlock.hash, state: this.committed };
  }

  private headView(): { state: MemoryState; height: bigint; timestampMs: bigint } {
    return { state: this.committed, height: this.headBlock.header.height, timestampMs: this.headBlock.header.timestampMs };
  }

  private async commit(block: Block, imported: ImportedBlock, origin: 'produced' | 'imported'): Promise<void> {
    // Undo values are read before the batch so the store can revert this block later (reorgs).
    const undo = new Map([...imported.writes.keys()].map((key) => [key, this.committed.get(key) ?? null]));
    // Only txs the mempool holds were journaled (a stale entry left by a failed delete is dropped
    // by restorePending at the next start, as an included tx).
    const hashes = block.txs.map((t) => toHex(t.hash));
    const journaled = this.mempool.size === 0 ? [] : block.txs.filter((_, i) => this.mempool.has(hashes[i]!)).map((t) => t.hash);
    await this.store.commitBlock({
      height: block.header.height, hash: block.hash, blockBytes: block.bytes, stateRoot: imported.stateRoot,
      writes: imported.writes, undo, events: imported.events, txHashes: block.txs.map((t) => t.hash), journaled,
    });
    this.committed.commit(imported.writes);
    this.headBlock = { header: block.header, hash: block.hash };
    this.recent.push(block.header);
    this.updateFinality();
    const dropped = this.mempool.reset(this.headView(), hashes);
    this.recordDropped(dropped);
    const processMs = performance.now() - this.taskStartedMs;
    this.logger.info(
      { height: String(block.header.height), slot: String(block.header.slot), txs: block.txs.length, hash: toHex(block.hash).slice(0, 16), ms: Math.round(processMs) },
      'block committed',
    );
    this.events.emit('block', block, imported, origin, processMs);
  }

  /** Re-admits journaled transactions in the order they were accepted (one sender's tx may fund another's). */
  private async restorePending(): Promise<void> {
    if (this.store.historyIndexBuiltEvents > 0) this.logger.info({ events: this.store.historyIndexBuiltEvents }, 'history index built for a data dir of an older node');
    if (this.store.droppedJournalEntries > 0) {
      this.logger.warn({ dropped: this.store.droppedJournalEntries }, 'dropped undecodable mempool journal entries');
    }
    const journaled: SignedTx[] = [];
    for (const bytes of await this.store.loadPending()) {
      try {
        journaled.push(decodeSignedTx(bytes));
      } catch (err) {
        if (!(err instanceof ChainError)) throw err;
        this.logger.warn({ err }, 'dropped an undecodable journaled tx');
      }
    }
    const signatures = await verifyTxSignatures(this.verifier, journaled);
    for (const [i, tx] of journaled.entries()) {
      try {
        this.mempool.add(tx, { signatureVerified: signatures[i] === 1 });
      } catch (err) {
        if (!(isTokenError(err) || err instanceof ChainError)) throw err;
        this.remember(toHex(tx.hash), err);
        await this.store.deletePending(tx.hash);
      }
    }
  }

  private recordDropped(dropped: readonly Dropped[] | readonly { tx: SignedTx; error: { code: string; message: string } }[]): void {
    for (const d of dropped) {
      this.remember(toHex(d.tx.hash), d.error);
      void this.store.deletePending(d.tx.hash).catch((err: unknown) => this.logger.warn({ err }, 'could not drop a journaled tx'));
    }
  }

  private remember(hash: string, error: { code: string; message: string }): void {
    this.rejected.set(hash, { code: error.code, message: error.message });
    if (this.rejected.size > MAX_REJECTED_KEPT) this.rejected.delete(this.rejected.keys().next().value!);
  }
}


function applyWrites(view: Overlay, writes: WriteSet): void {
  for (const [key, value] of writes) {
    if (value === null) view.delete(key);
    else view.set(key, value);
  }
}
