/**
 * The chain of one node: the committed state in memory, its head, the mempool, and the store.
 * Every change goes through one queue, and every block is written to LevelDB in one atomic batch
 * before memory moves on, so a node killed at any moment restarts at its last committed block.
 */
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { type ChainParams, type GenesisConfig, type MemoryState, Overlay, type TokenEvent, type Validator, META_VALIDATORS, accountIn, genesisHeightOf, validatorsAt, walletIdFromPublicKey } from '../tokenomics/index.ts';
import { BlockError, BlockErrorCode } from './block-error.ts';
import { produceBlock } from './block-production.ts';
import type { ImportOptions, ImportedBlock, ParentInfo } from './block-import.ts';
import { type BranchPart, findBranch, replayBranch, returningTxs, stateAtAncestor } from './branch.ts';
import { type Block, type BlockHeader, decodeBlock } from './codec/block.ts';
import { bytesEqual } from './codec/msgpack.ts';
import type { SignedTx } from './codec/tx.ts';
import { toHex } from './crypto.ts';
import { ChainError, ChainErrorCode } from './errors.ts';
import { encodeStateValue } from './codec/state.ts';
import { checkGenesis, writeGenesis } from './genesis-start.ts';
import { releaseFreedHeap } from './heap-release.ts';
import { finalizedHeight, isBetterHead } from './fork-choice.ts';
import { DEFAULT_MEMPOOL_LIMITS, Mempool } from './mempool.ts';
import { proposerFor } from './poa.ts';
import { RecentHeaders } from './recent-headers.ts';
import { type Equivocation, SeenProposals } from './seen-proposals.ts';
import { ChainStore, type HistoryOptions, type HistoryPage, type ValidatorSetChange } from './store/chain-store.ts';
import { type SubmitResult, TxIntake, type TxSubmission } from './tx-intake.ts';
import { type ValidatorSchedule, validatorSchedule } from './validator-schedule.ts';
import { type SignatureVerifier, VerifyPool } from './verify/pool.ts';
import { importWithSignatures, startTxSignatureChecks } from './verify/block-signatures.ts';
import type { SignatureResults } from './verify/tx-signatures.ts';
import { type StateProofAnswer, oldestProvable, proveStateAt, proveValueAt } from './chain-tree.ts';
import type { TreeRoot } from './state-tree/index.ts';
import type { SnapshotChunk, SnapshotManifest } from './snapshot/format.ts';
import { SnapshotTree } from './snapshot/snapshot-tree.ts';
import { SnapshotValues } from './snapshot/snapshot-values.ts';
import { verifyManifest } from './snapshot/verify.ts';

export type { Equivocation } from './seen-proposals.ts';
export type { SubmitResult } from './tx-intake.ts';

/** A genesis with this many state keys or more is followed by releaseFreedHeap(). */
const LARGE_GENESIS_KEYS = 100_000;

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
  /** The head moved to another branch, abandoning `depth` blocks (emitted before the new branch's 'block' events). */
  reorg: [depth: number];
  /** A state snapshot replaced the genesis state (docs/protocol.md §20.5): the head jumped to `height`. */
  restored: [height: bigint];
}

/** What the caller already checked about a block (gossip validates at the edge): not checked again. */
export interface ImportHints {
  /** The proposer's signature over the block hash verifies. */
  readonly proposerSignatureVerified?: boolean;
  /**
   * `hasBlock` said no just before: the queue then looks for the block in memory only, since any
   * import since then put it among the recent headers (no second store lookup per block).
   */
  readonly checkedUnknown?: boolean;
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

export class Chain {
  readonly params: ChainParams;
  /** 0, or where a chain from an exported state begins (docs/protocol.md §14.3): no block below it. */
  readonly genesisHeight: bigint;
  /** See baseHeight: no block between genesis and it is held, so range sync never backtracks below it. */
  private base: bigint;
  readonly store: ChainStore;
  readonly mempool: Mempool;
  private readonly logger: Logger;
  readonly events = new EventEmitter<ChainEvents>();
  private committed: MemoryState;
  private headBlock: ChainHead;
  /** The head's state tree root (docs/protocol.md §18), read at open, moved by each commit. */
  private treeRoot: TreeRoot;
  private queue: Promise<unknown> = Promise.resolve();
  /** When the running queued change began: a block's processing time is measured from its turn. */
  private taskStartedMs = 0;
  /** Headers of the recent blocks (canonical for finality, and side ones), so known-block checks stay in memory. */
  private readonly recent = new RecentHeaders(RECENT_HEADERS_KEPT);
  private finalized: bigint;
  /** The first block per (slot, proposer), checked before a block is executed (equivocation). */
  private readonly seen: SeenProposals;
  private readonly intake: TxIntake;
  /** Checks transaction signatures on worker threads while this thread applies blocks in order. */
  private readonly verifier: SignatureVerifier;
  private readonly ownsVerifier: boolean;

  private constructor(options: ChainOptions, state: MemoryState, head: ChainHead, treeRoot: TreeRoot) {
    this.params = options.genesis.params;
    this.genesisHeight = genesisHeightOf(options.genesis);
    this.base = this.genesisHeight;
    // The genesis block is final by definition: finality counts up from it.
    this.finalized = this.genesisHeight;
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
    this.treeRoot = treeRoot;
    this.mempool = new Mempool({ chainId: this.params.chainId, ...(options.mempoolLimits ?? DEFAULT_MEMPOOL_LIMITS) }, this.headView());
    this.seen = new SeenProposals({ maxSeen: RECENT_HEADERS_KEPT * 4, maxEvidence: EVIDENCE_KEPT }, this.logger);
    this.intake = new TxIntake({
      store: this.store, mempool: this.mempool, verifier: this.verifier, logger: this.logger,
      exclusive: (task) => this.exclusive(task),
      head: () => this.headBlock,
      committedNonce: (tx) => accountIn(this.committed, walletIdFromPublicKey(tx.tx.signer)).nonce,
      announce: (tx) => this.events.emit('tx', tx),
    });
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
      // A large genesis leaves ~1 GB of freed heap pages pooled in V8 (heap-release.ts); a small one is not worth a full GC.
      if (fresh.size >= LARGE_GENESIS_KEYS) releaseFreedHeap();
      stored = await store.head();
    } else {
      await checkGenesis(store, options.genesis);
    }
    const headBytes = await store.blockByHash(stored!.hash);
    if (headBytes === null) throw new ChainError(ChainErrorCode.StoreCorrupt, 'The head block is missing from the store.');
    const headBlock = decodeBlock(headBytes);
    const state = fresh ?? (await store.loadState());
    const treeRoot = await store.tree.rootAt(headBlock.header.height);
    if (treeRoot === null) throw new ChainError(ChainErrorCode.StoreCorrupt, `The state tree root of the head block ${headBlock.header.height} is missing from the store.`);
    // The tree's root and the head are written in one batch: a crash at any moment leaves them equal.
    if (!bytesEqual(treeRoot.hash, headBlock.header.stateRoot)) {
      throw new ChainError(ChainErrorCode.StoreCorrupt, `The stored state tree root ${toHex(treeRoot.hash)} is not the head block's state_root ${toHex(headBlock.header.stateRoot)}.`);
    }
    const chain = new Chain(options, state, { header: headBlock.header, hash: headBlock.hash }, treeRoot);
    // A node restored from a snapshot holds no block below it; the snapshot's block was final (§20.5).
    const earliest = await store.earliestHeight();
    if (earliest !== null && earliest > chain.finalized) chain.finalized = earliest;
    if (earliest !== null && earliest > chain.base) chain.base = earliest;
    await chain.loadRecentHeaders();
    if (store.historyIndexBuiltEvents > 0) logger.info({ events: store.historyIndexBuiltEvents }, 'history index built for a data dir of an older node');
    if (store.droppedJournalEntries > 0) logger.warn({ dropped: store.droppedJournalEntries }, 'dropped undecodable mempool journal entries');
    await chain.intake.restore();
    logger.info({ height: String(headBlock.header.height), stateRoot: toHex(headBlock.header.stateRoot), pending: chain.mempool.size }, 'chain loaded');
    return chain;
  }

  get head(): ChainHead {
    return this.headBlock;
  }

  /**
   * The earliest block held besides genesis: the genesis height, the snapshot block a restored
   * node began at (docs/protocol.md §20.5), or the first block pruning kept (§20.6).
   */
  get baseHeight(): bigint {
    return this.base;
  }

  /** Pruning removed the blocks below `height` (src/node/pruning/): they are no longer served. */
  advanceBase(height: bigint): void {
    if (height > this.base) this.base = height;
  }

  get state(): MemoryState {
    return this.committed;
  }

  /** The validator set in force at the head (the one that made the head block). */
  validators(): readonly Validator[] {
    return this.committed.get(META_VALIDATORS) as readonly Validator[];
  }

  /**
   * The set in force for a block at `height` on the canonical chain, from the head's state
   * (docs/protocol.md §17.7): exact for the next block, and for any height before a change the
   * head's successors could still schedule (at least 2n + 1 blocks away).
   */
  validatorsFor(height: bigint): readonly Validator[] {
    return validatorsAt(this.committed, height);
  }

  /** The set in force at the head and the pending one, if any (GET /v1/node). */
  validatorSchedule(): ValidatorSchedule {
    return validatorSchedule(this.committed);
  }

  /** Resolves once every queued change has finished (for a clean shutdown). */
  async idle(): Promise<void> {
    await this.queue;
    // An admission's journal write outlives its turn of the queue (tx-intake.ts).
    await this.store.journalSettled();
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
   * Throws a typed error (a BlockError for a refused block) and changes nothing if the block is
   * invalid, known, or unplaceable. `hints` name what the caller verified already.
   */
  importBlock(block: Block, currentSlot: bigint, hints: ImportHints = {}): Promise<ImportResult> {
    // Signatures need no state: the pool starts on them now, even while earlier changes run.
    const signatures = this.checkSignatures(block);
    return this.exclusive(async () => {
      const known = hints.checkedUnknown === true ? this.recent.get(block.hash) !== undefined : await this.hasBlock(block.hash);
      if (known) throw new BlockError({ code: BlockErrorCode.KnownBlock, hash: toHex(block.hash) }, `Block ${toHex(block.hash)} is already known.`);
      const checks: BlockChecks = { proposerSignatureVerified: hints.proposerSignatureVerified === true, beforeExecution: () => this.seen.check(block) };
      if (bytesEqual(block.header.parentHash, this.headBlock.hash)) {
        const imported = await importWithSignatures(block, this.headParent(), currentSlot, signatures, checks);
        this.seen.remember(block);
        await this.commit(block, imported, 'imported');
        return { imported, outcome: 'extended' as const };
      }
      return this.importOnBranch(block, currentSlot, signatures, checks);
    });
  }

  /** Starts checking a block's tx signatures (block-signatures.ts); nothing for the head itself (refused as known). */
  private checkSignatures(block: Block): Promise<SignatureResults> {
    if (bytesEqual(block.hash, this.headBlock.hash)) return Promise.resolve(new Uint8Array(block.txs.length));
    return startTxSignatureChecks(block, this.verifier, this.mempool, (tx) => this.intake.signatureInFlight(tx));
  }

  /** The equivocations seen so far (both headers each). */
  evidence(): readonly Equivocation[] {
    return this.seen.list();
  }

  get finalizedHeight(): bigint {
    return this.finalized;
  }

  /** A block whose parent is not the head: rebuild its parent's state, validate, then choose (branch.ts). */
  private async importOnBranch(block: Block, currentSlot: bigint, signatures: Promise<SignatureResults>, checks: BlockChecks): Promise<ImportResult> {
    const branch = await findBranch(block.header.parentHash, this.recent, this.store);
    const ancestorHeight = branch.ancestor.header.height;
    if (ancestorHeight < this.finalized) {
      throw new BlockError(
        { code: BlockErrorCode.BelowFinality, ancestorHeight, finalizedHeight: this.finalized },
        `Block ${block.header.height} forks below the last final block ${this.finalized}.`,
      );
    }
    const view = await stateAtAncestor(this.committed, this.headBlock.header.height, ancestorHeight, this.store);
    const ancestorRoot = await this.store.tree.rootAt(ancestorHeight);
    if (ancestorRoot === null) throw new ChainError(ChainErrorCode.StoreCorrupt, `The state tree root of block ${ancestorHeight} is missing from the store.`);
    const blocks = [...branch.blocks, block];
    const pending = blocks.map((b) => (b === block ? signatures : this.checkSignatures(b)));
    const parts = await replayBranch(branch.ancestor, view, { reader: this.store.tree.reader, root: ancestorRoot }, blocks, (b, parent) =>
      importWithSignatures(b, parent, currentSlot, pending[blocks.indexOf(b)]!, b === block ? checks : {}),
    );
    const imported = parts.at(-1)!.imported;
    this.seen.remember(block);
    if (!isBetterHead({ height: block.header.height, hash: block.hash }, { height: this.headBlock.header.height, hash: this.headBlock.hash })) {
      await this.store.putSideBlock(block.header.height, block.hash, block.bytes);
      this.recent.addSide({ header: block.header, hash: block.hash });
      this.logger.info({ height: String(block.header.height), hash: toHex(block.hash).slice(0, 16) }, 'side block kept');
      return { imported, outcome: 'side' };
    }
    return this.switchBranch(ancestorHeight, parts, view);
  }

  private async switchBranch(ancestorHeight: bigint, parts: readonly BranchPart[], view: Overlay): Promise<ImportResult> {
    // The abandoned blocks' bodies are read back: their txs return to the mempool.
    const abandoned: Block[] = [];
    for (let h = ancestorHeight + 1n; h <= this.headBlock.header.height; h++) {
      const old = await this.blockAt(h);
      if (old !== null) abandoned.push(old);
    }
    const tip = parts.at(-1)!;
    await this.store.commitBranch({
      abandoned: abandoned.map((b) => ({ height: b.header.height, txHashes: b.txs.map((t) => t.hash) })),
      blocks: parts.map((p) => ({
        height: p.block.header.height, hash: p.block.hash, blockBytes: p.block.bytes, writes: p.imported.writes, undo: p.undo, events: p.imported.events, txHashes: p.block.txs.map((t) => t.hash), txBytes: p.block.txs.map((t) => t.bytes), timestampMs: p.block.header.timestampMs,
        tree: p.imported.tree,
      })),
      writes: view.writes,
      head: { height: tip.block.header.height, hash: tip.block.hash, stateRoot: tip.imported.stateRoot },
    });
    this.committed.commit(view.writes);
    this.treeRoot = tip.imported.tree.root;
    this.headBlock = { header: tip.block.header, hash: tip.block.hash };
    this.recent.switchTo(ancestorHeight, parts.map((p) => ({ header: p.block.header, hash: p.block.hash })));
    this.updateFinality();
    // Transactions of the abandoned blocks go back to the mempool if they are still valid, ahead of
    // the pending ones that were accepted on top of them; those re-admitted are journaled again.
    const { included, returning } = returningTxs(abandoned, parts);
    this.intake.recordDropped(this.mempool.reset(this.headView(), included, returning));
    await this.store.putPendingAll(returning.filter((tx) => this.mempool.has(toHex(tx.hash))));
    this.logger.warn(
      {
        from: String(ancestorHeight), depth: abandoned.length, newHead: String(tip.block.header.height), hash: toHex(tip.block.hash).slice(0, 16),
        // Whose blocks left the chain, and from when: an operator (and the testnet test) tells a
        // lost race at the tip from a validator that built on a stale head.
        dropped: abandoned.map((b) => ({ height: String(b.header.height), proposer: b.header.proposer.slice(0, 16), timestampMs: String(b.header.timestampMs) })),
      },
      'reorg: switched to a better branch',
    );
    const processMs = performance.now() - this.taskStartedMs;
    this.events.emit('reorg', abandoned.length);
    for (const p of parts) this.events.emit('block', p.block, p.imported, 'imported', processMs);
    return { imported: tip.imported, outcome: 'reorged', depth: abandoned.length };
  }

  /**
   * Replaces the genesis state with the state snapshot of the final block `block` (docs/protocol.md
   * §20.5): `manifest` is checked against the block, then each chunk of `chunks` (every non-empty
   * one, any order) as it is read, and its pairs and tree nodes go into one atomic store batch
   * (ChainStore.snapshotBatch) written once the tree's root is the block's state_root; then memory
   * moves to it as after a commit, its state decoded from the pairs, not read back. Only a chain
   * still at its genesis block takes one (a typed InvalidSnapshot otherwise, as for any failed
   * check, with nothing written); range sync then goes on from the block after it.
   */
  adoptSnapshot(block: Block, manifest: SnapshotManifest, chunks: Iterable<SnapshotChunk> | AsyncIterable<SnapshotChunk>): Promise<void> {
    return this.exclusive(async () => {
      const height = block.header.height;
      if (this.headBlock.header.height !== this.genesisHeight) {
        throw new ChainError(ChainErrorCode.InvalidSnapshot, `A state snapshot is installed only on a chain at its genesis block; this one is at height ${this.headBlock.header.height}.`);
      }
      if (height <= this.genesisHeight) throw new ChainError(ChainErrorCode.InvalidSnapshot, `A snapshot of block ${height} is not above the genesis block ${this.genesisHeight}.`);
      verifyManifest(manifest, { height, hash: block.hash, stateRoot: block.header.stateRoot });
      const tree = new SnapshotTree(manifest);
      const decoded = new SnapshotValues();
      const batch = await this.store.snapshotBatch({ height, hash: block.hash, blockBytes: block.bytes, stateRoot: block.header.stateRoot });
      let state: MemoryState;
      try {
        for await (const chunk of chunks) {
          const { pairs, nodes } = tree.add(chunk.index, chunk.bytes);
          decoded.add(pairs);
          batch.pairs(pairs);
          batch.treeNodes(nodes);
        }
        const { root, nodes } = tree.root(block.header.stateRoot);
        batch.treeNodes(nodes);
        const set = decoded.validators;
        if (set === undefined) throw new ChainError(ChainErrorCode.InvalidSnapshot, `The snapshot of block ${height} holds no ${META_VALIDATORS}.`);
        const genesisSet = encodeStateValue(META_VALIDATORS, this.validators());
        const validators = bytesEqual(set.bytes, genesisSet) ? null : { key: META_VALIDATORS, value: set.value };
        const written = batch.commit(root, validators);
        // The memory state's map is made while the store writes the batch on its own thread.
        await new Promise<void>((resolve) => setImmediate(resolve));
        state = decoded.state();
        await written;
      } catch (err) {
        await batch.abort();
        throw err;
      }
      const root = await this.store.tree.rootAt(height);
      if (root === null) throw new ChainError(ChainErrorCode.StoreCorrupt, `The state tree root of the restored block ${height} is missing from the store.`);
      this.committed = state;
      this.treeRoot = root;
      this.headBlock = { header: block.header, hash: block.hash };
      this.recent.switchTo(-1n, [{ header: block.header, hash: block.hash }]);
      this.finalized = height;
      this.base = height;
      this.intake.recordDropped(this.mempool.reset(this.headView()));
      this.logger.info({ height: String(height), hash: toHex(block.hash).slice(0, 16), stateRoot: toHex(block.header.stateRoot).slice(0, 16), keys: state.size }, 'state snapshot installed');
      this.events.emit('restored', height);
    });
  }

  /**
   * The proof of one state key at a canonical height (default: the last final one) against that
   * block (docs/protocol.md §18.4). In the queue, so no block commits while it reads.
   */
  proveState(keyBytes: Uint8Array, height?: bigint): Promise<StateProofAnswer> {
    return this.exclusive(() =>
      proveStateAt(
        {
          reader: this.store.tree.reader,
          rootAt: (h) => this.store.tree.rootAt(h),
          headerAt: async (h) => this.recent.canonicalAt(h) ?? (await this.blockAt(h)),
          undoRecord: (h) => this.store.undoRecord(h),
        },
        // Nothing below the base is held (pruned, or before a restored snapshot): its headers and undo records are gone.
        { state: this.committed, height: this.headBlock.header.height, oldestProvable: maxHeight(oldestProvable(this.headBlock.header.height, this.finalized), this.base) },
        keyBytes,
        height ?? this.finalized,
      ),
    );
  }

  /** The proof that `keyBytes` holds the known `value` at canonical `height` (chain-tree.ts proveValueAt), in the queue. */
  proveValueAt(keyBytes: Uint8Array, value: Uint8Array | null, height: bigint): Promise<Uint8Array> {
    return this.exclusive(() => proveValueAt({ reader: this.store.tree.reader, rootAt: (h) => this.store.tree.rootAt(h) }, keyBytes, value, height));
  }

  /** The validator sets the canonical chain put in force above `after`, ascending, at most `limit` (docs/protocol.md §19.1). */
  validatorSetChanges(after: bigint, limit: number): Promise<ValidatorSetChange[]> {
    return this.store.validatorSets.changesAfter(after, limit);
  }

  /** The validator set in force for the canonical block at `height` (≤ the head), with its activation height. */
  async validatorSetAt(height: bigint): Promise<ValidatorSetChange> {
    const change = await this.store.validatorSets.inForceAt(height);
    if (change === null) throw new ChainError(ChainErrorCode.StoreCorrupt, 'The validator set log holds no entry, not even the genesis set.');
    return change;
  }

  private async loadRecentHeaders(): Promise<void> {
    const head = this.headBlock.header.height;
    const first = this.genesisHeight + 1n;
    const from = head - first > BigInt(RECENT_HEADERS_KEPT) ? head - BigInt(RECENT_HEADERS_KEPT) : first;
    for (let h = from; h <= head; h++) {
      const block = await this.blockAt(h);
      if (block !== null) this.recent.extend({ header: block.header, hash: block.hash });
    }
    this.updateFinality();
  }

  private updateFinality(): void {
    this.finalized = finalizedHeight(this.recent.canonicalHeaders(), this.validators(), this.finalized);
  }

  /** Builds, signs and commits the block of `slot` from the mempool. */
  produce(slot: bigint, proposer: { publicKey: string; secretKey: Uint8Array }): Promise<Block> {
    return this.exclusive(async () => {
      this.checkOwnSlot(slot, proposer.publicKey);
      const produced = await produceBlock(this.headParent(), this.params, slot, proposer, this.mempool.pending());
      this.intake.recordDropped(produced.rejected);
      this.seen.check(produced.block);
      this.seen.remember(produced.block);
      this.mempool.remove(produced.rejected.map((r) => toHex(r.tx.hash)));
      try {
        await this.commit(produced.block, produced.outcome, 'produced');
      } catch (err) {
        // A block that never got committed never left this node: a retry in the same slot may sign
        // another one (the mempool may have changed) without equivocating.
        if (!bytesEqual(this.headBlock.hash, produced.block.hash)) this.seen.forget(produced.block);
        throw err;
      }
      return produced.block;
    });
  }

  /** A block signed for someone else's slot would be refused by every node: never built (docs/protocol.md §3.3). */
  private checkOwnSlot(slot: bigint, publicKey: string): void {
    const expected = proposerFor(slot, this.validatorsFor(this.headBlock.header.height + 1n)).publicKey;
    if (expected !== publicKey) throw new ChainError(ChainErrorCode.WrongProposer, `Slot ${slot} of block ${this.headBlock.header.height + 1n} belongs to validator ${expected}, not ${publicKey}.`);
  }

  /**
   * Accepts a signed transaction (its bytes, or the tx gossip decoded already) into the mempool,
   * journaled to disk first, or throws its typed error (tx-intake.ts).
   */
  submitTx(tx: TxSubmission): Promise<SignedTx> {
    return this.intake.submitOne(tx);
  }

  /**
   * Accepts a batch of signed transactions in order, in one turn of the queue, their signatures
   * checked together on the pool: one answer per transaction (the tx, or its typed error).
   */
  submitTxs(list: readonly TxSubmission[]): Promise<SubmitResult[]> {
    return this.intake.submit(list);
  }

  async txStatus(hashHex: string): Promise<TxStatus> {
    if (!/^[0-9a-f]{64}$/.test(hashHex)) return { status: 'unknown' };
    if (this.mempool.has(hashHex)) return { status: 'pending' };
    const location = await this.store.txLocation(Buffer.from(hashHex, 'hex'));
    if (location !== null) return { status: 'included', ...location };
    const rejected = this.intake.rejected.get(hashHex);
    return rejected === undefined ? { status: 'unknown' } : { status: 'rejected', ...rejected };
  }

  /** Whether a block with this hash is stored (canonical or not): from memory when recent, else a keys-only store lookup. */
  async hasBlock(hash: Uint8Array): Promise<boolean> {
    return this.recent.get(hash) !== undefined || (await this.store.hasBlock(hash));
  }

  async blockAt(height: bigint): Promise<Block | null> {
    const bytes = await this.store.blockByHeight(height);
    return bytes === null ? null : decodeBlock(bytes);
  }

  history(kind: TokenEvent['kind'], options: { limit: number; reason?: string; account?: string }): Promise<TokenEvent[]> {
    return this.store.history(kind, options);
  }

  /** The head as the parent of the next block: its header, state and state tree (tools and tests build blocks on it too). */
  headParent(): ParentInfo & { readonly state: MemoryState } {
    return { header: this.headBlock.header, hash: this.headBlock.hash, state: this.committed, tree: { reader: this.store.tree.reader, root: this.treeRoot } };
  }

  private headView(): { state: MemoryState; height: bigint; timestampMs: bigint } {
    return { state: this.committed, height: this.headBlock.header.height, timestampMs: this.headBlock.header.timestampMs };
  }

  private async commit(block: Block, imported: ImportedBlock, origin: 'produced' | 'imported'): Promise<void> {
    // The undo record (what reverts this block in a reorg) is what committing its writes returns;
    // committed on an overlay first, as memory moves only once the store holds the block.
    const undo = new Overlay(this.committed).commit(imported.writes);
    // Only txs the mempool holds were journaled (a stale entry left by a failed delete is dropped
    // by the intake's restore at the next start, as an included tx).
    const hashes = block.txs.map((t) => toHex(t.hash));
    const journaled = this.mempool.size === 0 ? [] : block.txs.filter((_, i) => this.mempool.has(hashes[i]!)).map((t) => t.hash);
    const { tree } = imported;
    await this.store.commitBlock({
      height: block.header.height, hash: block.hash, blockBytes: block.bytes, stateRoot: imported.stateRoot,
      writes: imported.writes, undo, events: imported.events, txHashes: block.txs.map((t) => t.hash), txBytes: block.txs.map((t) => t.bytes), timestampMs: block.header.timestampMs, journaled, tree,
    });
    this.committed.commit(imported.writes);
    this.treeRoot = tree.root;
    this.headBlock = { header: block.header, hash: block.hash };
    this.recent.extend({ header: block.header, hash: block.hash });
    this.updateFinality();
    this.intake.recordDropped(this.mempool.reset(this.headView(), hashes));
    const processMs = performance.now() - this.taskStartedMs;
    this.logger.info(
      { height: String(block.header.height), slot: String(block.header.slot), txs: block.txs.length, hash: toHex(block.hash).slice(0, 16), ms: Math.round(processMs) },
      'block committed',
    );
    this.events.emit('block', block, imported, origin, processMs);
  }
  /** One page of stored event history, newest first (readers get it through ChainView, not the store). */
  historyPage(kind: TokenEvent['kind'], options: HistoryOptions): Promise<HistoryPage> {
    return this.store.historyPage(kind, options);
  }

  /** Every stored event of `kind` in the block at `height`. */
  eventsAt(kind: TokenEvent['kind'], height: bigint): Promise<TokenEvent[]> {
    return this.store.eventsAt(kind, height);
  }

  /** The events of `kinds` (in that order) in the block at `height`, read from one store snapshot. */
  blockEventsAt(height: bigint, kinds: readonly TokenEvent['kind'][]): Promise<TokenEvent[]> {
    return this.store.blockEventsAt(height, kinds);
  }

  /** The canonical block at `height`, its events of `kinds` and, with `keys`, the state keys it wrote (its undo record), read together from one store snapshot. */
  async blockRecordsAt(height: bigint, kinds: readonly TokenEvent['kind'][], keys = false): Promise<BlockRecords | null> {
    const records = await this.store.blockRecordsAt(height, kinds, keys);
    return records === null ? null : { block: decodeBlock(records.bytes), keys: records.keys, events: records.events };
  }
}

/** A retained canonical block read together with its records (Chain.blockRecordsAt); `keys` null: not asked, or no undo record (genesis, or trimmed). */
export interface BlockRecords {
  readonly block: Block;
  readonly keys: readonly string[] | null;
  readonly events: readonly TokenEvent[];
}

const maxHeight = (a: bigint, b: bigint): bigint => (a > b ? a : b);

/** What block-import.ts is told: the proposer signature hint, and the seen-proposals check before execution. */
type BlockChecks = Pick<ImportOptions, 'proposerSignatureVerified' | 'beforeExecution'>;
