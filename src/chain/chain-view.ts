/**
 * What readers of the chain may see, and nothing more (least permission, as Cosmos x/bank hands
 * its invariants a read-only `ViewKeeper`): the API's read routes, the dashboard and the metrics
 * get a `ChainView`, never the `Chain` with its store and its mutating methods. The few routes
 * that change something get one narrow interface each (`TxIntake`, `DevBlockSource`).
 *
 * This file imports the chain's types but `chain.ts` does not import it (no cycle): `Chain` fits
 * the view structurally, and the node checks that where it hands the chain out.
 */
import type { EventEmitter } from 'node:events';
import type { ChainParams, StateView, TokenEvent, Validator } from '../tokenomics/index.ts';
import type { BlockRecords, ChainEvents, ChainHead, Equivocation, SubmitResult, TxStatus } from './chain.ts';
import type { Block } from './codec/block.ts';
import type { StateProofAnswer } from './chain-tree.ts';
import type { SignedTx } from './codec/tx.ts';
import type { HistoryOptions, HistoryPage, ValidatorSetChange } from './store/chain-store.ts';
import type { HistoryKind } from './store/history-index.ts';

/** The committed state, read-only: single keys and prefix scans (no `commit`). */
export interface ReadonlyState extends StateView {
  keysWithPrefix(prefix: string): string[];
}

/** Counts from the mempool; its contents and admission stay with the chain. */
export interface MempoolView {
  readonly size: number;
  /** Transactions of this wallet still pending (the API's next nonce adds them). */
  pendingOf(walletId: string): number;
}

export interface ChainView {
  readonly params: ChainParams;
  /** 0, or where a chain from an exported state begins (docs/protocol.md §14.3). */
  readonly genesisHeight: bigint;
  /** The earliest block held besides genesis (a restored node's snapshot block, or the first kept by pruning; docs/protocol.md §20.5–20.6). */
  readonly baseHeight: bigint;
  /** The canonical head; a new object after each block, so read it once per answer. */
  readonly head: ChainHead;
  /** The state at the head. */
  readonly state: ReadonlyState;
  readonly finalizedHeight: bigint;
  readonly mempool: MempoolView;
  /** Subscribe and unsubscribe only: emitting belongs to the chain. */
  readonly events: Pick<EventEmitter<ChainEvents>, 'on' | 'off'>;
  validators(): readonly Validator[];
  evidence(): readonly Equivocation[];
  txStatus(hashHex: string): Promise<TxStatus>;
  blockAt(height: bigint): Promise<Block | null>;
  /** One page of the event history, newest first (history events: docs/protocol.md §11). */
  historyPage(kind: HistoryKind, options: HistoryOptions): Promise<HistoryPage>;
  /** The events of `kinds` (in that order) in the block at `height`, from one store snapshot. */
  blockEventsAt(height: bigint, kinds: readonly HistoryKind[]): Promise<TokenEvent[]>;
  /** The canonical block at `height` with its events of `kinds` and, with `keys`, the state keys it wrote, from one store snapshot (null: not retained). */
  blockRecordsAt(height: bigint, kinds: readonly HistoryKind[], keys?: boolean): Promise<BlockRecords | null>;
  /**
   * The value of one state key (its bytes, docs/protocol.md §8) at a canonical height (default: the
   * last final one) with its proof against that block (docs/protocol.md §18.4, §19). Errors: UnknownHeight above the
   * head, HeightNotRetained below chain-tree.ts oldestProvable or for a tree this node does not keep.
   */
  proveState(keyBytes: Uint8Array, height?: bigint): Promise<StateProofAnswer>;
  /** The proof of a value the caller knows at a canonical height whose tree is retained (HeightNotRetained otherwise). */
  proveValueAt(keyBytes: Uint8Array, value: Uint8Array | null, height: bigint): Promise<Uint8Array>;
  /** The validator sets put in force above `after` (activation heights ascending), at most `limit` (docs/protocol.md §19.1). */
  validatorSetChanges(after: bigint, limit: number): Promise<ValidatorSetChange[]>;
  /** The set in force for the canonical block at `height` (≤ the head). */
  validatorSetAt(height: bigint): Promise<ValidatorSetChange>;
}

export type { StateProofAnswer } from './chain-tree.ts';

/** POST /v1/txs and /v1/txs/batch: the only ways the API adds to the chain. */
export interface TxIntake {
  submitTx(bytes: Uint8Array): Promise<SignedTx>;
  /** In order, in one turn of the chain's queue: one answer per tx (docs/protocol.md §15). */
  submitTxs(list: readonly Uint8Array[]): Promise<SubmitResult[]>;
}

/** POST /v1/dev/produce-block: a dev node's producer, asked for one block now. */
export interface DevBlockSource {
  produceNow(): Promise<Block>;
}
