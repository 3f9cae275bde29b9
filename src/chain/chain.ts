/**
 * The chain of one node: the committed state in memory, its head, the mempool, and the store.
 * Every change goes through one queue, and every block is written to LevelDB in one atomic batch
 * before memory moves on, so a node killed at any moment restarts at its last committed block.
 */
import type { Logger } from 'pino';
import {
  type ChainParams,
  type GenesisConfig,
  type MemoryState,
  type TokenEvent,
  type Validator,
  META_VALIDATORS,
  isTokenError,
} from '../tokenomics/index.ts';
import { produceBlock } from './block-production.ts';
import { type ImportedBlock, importBlock } from './block-import.ts';
import { type Block, type BlockHeader, assembleBlock, decodeBlock } from './codec/block.ts';
import { bytesEqual } from './codec/msgpack.ts';
import { type SignedTx, decodeSignedTx } from './codec/tx.ts';
import { toHex } from './crypto.ts';
import { ChainError, ChainErrorCode } from './errors.ts';
import { ZERO_SIGNATURE, buildGenesis } from './genesis-block.ts';
import { DEFAULT_MEMPOOL_LIMITS, type Dropped, Mempool } from './mempool.ts';
import { ChainStore } from './store/chain-store.ts';

export type TxStatus =
  | { readonly status: 'pending' }
  | { readonly status: 'included'; readonly height: bigint; readonly index: number }
  | { readonly status: 'rejected'; readonly code: string; readonly message: string }
  | { readonly status: 'unknown' };

export interface ChainHead {
  readonly header: BlockHeader;
  readonly hash: Uint8Array;
}

export interface ChainOptions {
  readonly store: ChainStore;
  readonly genesis: GenesisConfig;
  readonly logger: Logger;
  readonly mempoolLimits?: { maxTxs: number; maxPerSender: number };
  /** Called after every committed block (metrics, API caches, gossip later). */
  readonly onBlock?: (block: Block, imported: ImportedBlock) => void;
}

const MAX_REJECTED_KEPT = 10_000;

export class Chain {
  readonly params: ChainParams;
  readonly store: ChainStore;
  readonly mempool: Mempool;
  private readonly logger: Logger;
  private readonly onBlock: ChainOptions['onBlock'];
  private committed: MemoryState;
  private headBlock: ChainHead;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly rejected = new Map<string, { code: string; message: string }>();

  private constructor(options: ChainOptions, state: MemoryState, head: ChainHead) {
    this.params = options.genesis.params;
    this.store = options.store;
    this.logger = options.logger;
    this.onBlock = options.onBlock;
    this.committed = state;
    this.headBlock = head;
    this.mempool = new Mempool({ chainId: this.params.chainId, ...(options.mempoolLimits ?? DEFAULT_MEMPOOL_LIMITS) }, this.headView());
  }

  /** Opens the chain in a store: writes genesis on first start, else loads the last committed block. */
  static async open(options: ChainOptions): Promise<Chain> {
    const genesis = buildGenesis(options.genesis);
    const { store, logger } = options;
    let stored = await store.head();
    if (stored === null) {
      const block = assembleBlock(genesis.header, [], ZERO_SIGNATURE);
      await store.commitBlock({
        height: 0n, hash: genesis.hash, blockBytes: block.bytes, stateRoot: genesis.stateRoot,
        writes: genesis.writes, undo: new Map(), events: genesis.events, txHashes: [],
      });
      logger.info({ chainId: options.genesis.params.chainId, genesisHash: toHex(genesis.hash) }, 'wrote genesis');
      stored = await store.head();
    }
    const storedGenesis = await store.hashAtHeight(0n);
    if (storedGenesis === null || !bytesEqual(storedGenesis, genesis.hash)) {
      throw new ChainError(
        ChainErrorCode.InvalidConfig,
        `The data dir holds a chain with genesis ${storedGenesis === null ? 'none' : toHex(storedGenesis)}, but the genesis file gives ${toHex(genesis.hash)}. Use another --data-dir or the matching genesis.`,
      );
    }
    const headBytes = await store.blockByHash(stored!.hash);
    if (headBytes === null) throw new ChainError(ChainErrorCode.StoreCorrupt, 'The head block is missing from the store.');
    const headBlock = decodeBlock(headBytes);
    const state = await store.loadState();
    const chain = new Chain(options, state, { header: headBlock.header, hash: headBlock.hash });
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

  /** Runs `task` after every earlier change has finished: one writer at a time. */
  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Validates a block on top of the head and commits it. Throws a typed error and changes nothing if it is invalid. */
  importBlock(block: Block, currentSlot: bigint): Promise<ImportedBlock> {
    return this.exclusive(async () => {
      const imported = importBlock(block, this.parentInfo(), currentSlot);
      await this.commit(block, imported);
      return imported;
    });
  }

  /** Builds, signs and commits the block of `slot` from the mempool. */
  produce(slot: bigint, proposer: { publicKey: string; secretKey: Uint8Array }): Promise<Block> {
    return this.exclusive(async () => {
      const produced = produceBlock(this.parentInfo(), this.params, slot, proposer, this.mempool.pending());
      this.recordDropped(produced.rejected);
      this.mempool.remove(produced.rejected.map((r) => toHex(r.tx.hash)));
      await this.commit(produced.block, produced.outcome);
      return produced.block;
    });
  }

  /** Accepts a signed transaction into the mempool (journaled to disk first), or throws its typed error. */
  submitTx(bytes: Uint8Array): Promise<SignedTx> {
    return this.exclusive(async () => {
      const tx = decodeSignedTx(bytes);
      const hash = toHex(tx.hash);
      if ((await this.store.txLocation(tx.hash)) !== null) {
        throw new ChainError(ChainErrorCode.DuplicateTx, `Transaction ${hash} is already included.`);
      }
      try {
        this.mempool.add(tx);
      } catch (err) {
        if (isTokenError(err) || err instanceof ChainError) this.remember(hash, err);
        throw err;
      }
      await this.store.putPending(tx.hash, tx.bytes);
      this.rejected.delete(hash);
      return tx;
    });
  }

  async txStatus(hashHex: string): Promise<TxStatus> {
    if (!/^[0-9a-f]{64}$/.test(hashHex)) return { status: 'unknown' };
    if (this.mempool.has(hashHex)) return { status: 'pending' };
    const location = await this.store.txLocation(Buffer.from(hashHex, 'hex'));
    if (location !== null) return { status: 'included', ...location };
    const rejected = this.rejected.get(hashHex);
    return rejected === undefined ? { status: 'unknown' } : { status: 'rejected', ...rejected };
  }

  async blockAt(height: bigint): Promise<Block | null> {
    const bytes = await this.store.blockByHeight(height);
    return bytes === null ? null : decodeBlock(bytes);
  }

  history(kind: TokenEvent['kind'], options: { limit: number; reason?: string }): Promise<TokenEvent[]> {
    return this.store.history(kind, options);
  }

  private parentInfo(): { header: BlockHeader; hash: Uint8Array; state: MemoryState } {
    return { header: this.headBlock.header, hash: this.headBlock.hash, state: this.committed };
  }

  private headView(): { state: MemoryState; height: bigint; timestampMs: bigint } {
    return { state: this.committed, height: this.headBlock.header.height, timestampMs: this.headBlock.header.timestampMs };
  }

  private async commit(block: Block, imported: ImportedBlock): Promise<void> {
    // Undo values are read before the batch so the store can revert this block later (reorgs).
    const undo = new Map([...imported.writes.keys()].map((key) => [key, this.committed.get(key) ?? null]));
    await this.store.commitBlock({
      height: block.header.height, hash: block.hash, blockBytes: block.bytes, stateRoot: imported.stateRoot,
      writes: imported.writes, undo, events: imported.events, txHashes: block.txs.map((t) => t.hash),
    });
    this.committed.commit(imported.writes);
    this.headBlock = { header: block.header, hash: block.hash };
    const dropped = this.mempool.reset(this.headView(), block.txs.map((t) => toHex(t.hash)));
    this.recordDropped(dropped);
    this.logger.info(
      { height: String(block.header.height), slot: String(block.header.slot), txs: block.txs.length, hash: toHex(block.hash).slice(0, 16) },
      'block committed',
    );
    this.onBlock?.(block, imported);
  }

  /** Re-admits journaled transactions in the order they were accepted (one sender's tx may fund another's). */
  private async restorePending(): Promise<void> {
    const journaled: SignedTx[] = [];
    for (const bytes of await this.store.loadPending()) {
      try {
        journaled.push(decodeSignedTx(bytes));
      } catch (err) {
        if (!(err instanceof ChainError)) throw err;
        this.logger.warn({ err }, 'dropped an undecodable journaled tx');
      }
    }
    for (const tx of journaled) {
      try {
        this.mempool.add(tx);
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
