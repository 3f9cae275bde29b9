/**
 * `dchat export-state` (docs/protocol.md §14.3): the state of a stopped node at a canonical height,
 * as a genesis for a new chain that continues its heights. The state at that height is the head
 * state with the undo records above it applied; its tree root is checked against that block's
 * state_root before anything is rewritten, so the export is the state the chain committed to.
 * Only the keys the new chain must differ in are rewritten: `meta:params` (chain id, genesis
 * time), `meta:head`, and, when asked, `meta:validators` and the authority keys.
 */
import {
  type AuthorityState, type ChainParams, type GenesisConfig, type MemoryState, type Validator, type WriteSet,
  META_AUTHORITY, META_HEAD, META_PARAMS, META_VALIDATORS,
} from '../tokenomics/index.ts';
import { stateAtAncestor } from './branch.ts';
import { decodeBlock } from './codec/block.ts';
import { bytesEqual } from './codec/msgpack.ts';
import { encodeStateValue, stateKeyBytes } from './codec/state.ts';
import { toHex } from './crypto.ts';
import { ChainError, ChainErrorCode } from './errors.ts';
import { finalizedHeight } from './fork-choice.ts';
import { buildGenesis } from './genesis-block.ts';
import { buildTree } from './state-tree/index.ts';
import type { ChainStore, StoredHead } from './store/chain-store.ts';

export interface ExportOptions {
  /** The canonical height to export (default: the last final block). */
  readonly height?: bigint;
  /** The new chain's id: must differ from the exported chain's, so no old transaction replays on it. */
  readonly chainId: string;
  readonly genesisTimeMs: bigint;
  /** The new chain's validator set (default: the state's `meta:validators`). */
  readonly validators?: readonly Validator[];
  /** The new chain's authority keys (default: the state's; a pending change is kept either way). */
  readonly authority?: readonly string[];
}

export interface ExportedState {
  readonly genesis: GenesisConfig;
  /** The exported block: its height, hash and state_root (the root of the pairs before the rewrite). */
  readonly height: bigint;
  readonly blockHash: Uint8Array;
  readonly exportedStateRoot: Uint8Array;
  /** The new genesis block's hash and state_root (the root of the genesis file's pairs). */
  readonly genesisHash: Uint8Array;
  readonly genesisStateRoot: Uint8Array;
}

/** Blocks read back from the head to find the last final one: as many as the chain keeps in memory. */
const FINALITY_WINDOW = 2_048n;

const notRetained = (message: string): never => {
  throw new ChainError(ChainErrorCode.HeightNotRetained, message);
};

/** The last final height of a stopped store (docs/protocol.md §14.2), counted as the chain counts it. */
async function lastFinal(store: ChainStore, headHeight: bigint, validators: readonly Validator[]): Promise<bigint> {
  const from = headHeight > FINALITY_WINDOW ? headHeight - FINALITY_WINDOW : 0n;
  const headers = [];
  for (let h = from; h <= headHeight; h++) {
    const bytes = await store.blockByHeight(h);
    if (bytes !== null) headers.push(decodeBlock(bytes).header);
  }
  // The lowest stored block, when it is this chain's genesis, is final by definition.
  const floor = headers.length > 0 && headers[0]!.parentHash.every((b) => b === 0) ? headers[0]!.height : -1n;
  const final = finalizedHeight(headers.filter((h) => h.height > floor), validators, floor);
  if (final < 0n) notRetained(`No block among the last ${FINALITY_WINDOW} is final: name one with --height.`);
  return final;
}

/** `state` (the head's, loaded) moved back to `height`, and that block's hash and state_root. */
async function moveBack(store: ChainStore, head: StoredHead, state: MemoryState, height: bigint): Promise<{ blockHash: Uint8Array; stateRoot: Uint8Array }> {
  if (height > head.height) notRetained(`Height ${height} is above the head ${head.height} of this data dir.`);
  const bytes = await store.blockByHeight(height);
  if (bytes === null) notRetained(`This data dir holds no block at height ${height} (its chain begins above it).`);
  const block = decodeBlock(bytes!);
  // The state walks back through the undo record of every block above `height`; old ones are trimmed (docs/protocol.md §20.6).
  const undoFloor = await store.historyFloor('undo');
  if (undoFloor !== null && height + 1n < undoFloor) notRetained(`This data dir keeps undo records from height ${undoFloor} only: height ${height} needs the one of block ${height + 1n}; export a height of ${undoFloor - 1n} or above.`);
  state.commit((await stateAtAncestor(state, head.height, height, store)).writes);
  return { blockHash: block.hash, stateRoot: block.header.stateRoot };
}

/** The state's pairs as the tree hashes them (docs/protocol.md §18.3), keys ascending in byte order. */
function encodedPairs(state: MemoryState): [string, Uint8Array][] {
  // sortedEntries sorts by UTF-16 code units, which for ASCII keys is byte order.
  return state.sortedEntries().map(([key, value]) => [key, encodeStateValue(key, value)]);
}

async function rootOf(pairs: readonly (readonly [string, Uint8Array])[], version: bigint): Promise<Uint8Array> {
  return (await buildTree(version, pairs.map(([key, value]) => [stateKeyBytes(key), value] as const), () => undefined)).hash;
}

/** Exports the state of `store` at a canonical height as a genesis (see the file comment). */
export async function exportState(store: ChainStore, options: ExportOptions): Promise<ExportedState> {
  const head = await store.head();
  if (head === null) throw new ChainError(ChainErrorCode.InvalidConfig, 'The data dir holds no chain (not even a genesis block).');
  const state = await store.loadState();
  const height = options.height ?? (await lastFinal(store, head.height, state.get(META_VALIDATORS) as readonly Validator[]));
  const { blockHash, stateRoot } = await moveBack(store, head, state, height);
  if (!bytesEqual(await rootOf(encodedPairs(state), height), stateRoot)) {
    throw new ChainError(ChainErrorCode.StoreCorrupt, `The state rebuilt at height ${height} does not have block ${height}'s state_root ${toHex(stateRoot)}.`);
  }
  const old = state.get(META_PARAMS) as ChainParams;
  if (options.chainId === old.chainId) {
    throw new ChainError(ChainErrorCode.InvalidConfig, `The new chain needs another chain id than "${old.chainId}": transactions signed for the old chain would be valid on it.`);
  }
  const params: ChainParams = { ...old, chainId: options.chainId, genesisTimeMs: options.genesisTimeMs };
  const validators = options.validators ?? (state.get(META_VALIDATORS) as readonly Validator[]);
  const authority = state.get(META_AUTHORITY) as AuthorityState;
  const keys = options.authority ?? authority.keys;
  const rewrite: WriteSet = new Map();
  rewrite.set(META_PARAMS, params);
  rewrite.set(META_HEAD, { height, timestampMs: options.genesisTimeMs });
  rewrite.set(META_VALIDATORS, validators.map((v) => ({ publicKey: v.publicKey, rewardWallet: v.rewardWallet })));
  rewrite.set(META_AUTHORITY, { keys: [...keys], pending: authority.pending });
  state.commit(rewrite);
  const genesis: GenesisConfig = {
    params,
    validators: [...validators],
    authority: [...keys],
    distribution: [],
    pools: [],
    schedules: [],
    initialState: { initialHeight: height + 1n, pairs: encodedPairs(state) },
  };
  // Built once here, so a file that would be refused at start (a bad override) is never written.
  const built = await buildGenesis(genesis, { onEvents: () => undefined });
  return { genesis, height, blockHash, exportedStateRoot: stateRoot, genesisHash: built.hash, genesisStateRoot: built.stateRoot };
}
