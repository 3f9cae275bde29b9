/**
 * The genesis when a chain opens its store. First start: the genesis is built straight into the
 * store's batch (events as they are made, then the state) and its state becomes the chain's state,
 * so no second copy is read back. Restart: a store whose fingerprint matches the config is accepted
 * without building anything; otherwise (another config, or a data dir of an older node) the genesis
 * is built and its hash compared with the stored one, as before fingerprints existed.
 */
import { type GenesisConfig, type MemoryState, genesisHeightOf, validateGenesis } from '../tokenomics/index.ts';
import { assembleBlock } from './codec/block.ts';
import { bytesEqual } from './codec/msgpack.ts';
import { toHex } from './crypto.ts';
import { ChainError, ChainErrorCode } from './errors.ts';
import { ZERO_SIGNATURE, buildGenesis } from './genesis-block.ts';
import { genesisFingerprint } from './genesis-fingerprint.ts';
import { PROTOCOL_VERSION, UNRECORDED_PROTOCOL_VERSION } from './protocol-version.ts';
import type { ChainStore, GenesisBatch, GenesisHead } from './store/chain-store.ts';

export interface WrittenGenesis {
  readonly state: MemoryState;
  readonly hash: Uint8Array;
}

/**
 * Builds the genesis into an empty store and returns its state: the block, its state, events, root
 * and head in one atomic batch, the tree's nodes written ahead of it in chunks (GenesisBatch.treeNodes);
 * nodes an earlier start left before its batch are deleted first.
 */
export async function writeGenesis(store: ChainStore, config: GenesisConfig): Promise<WrittenGenesis> {
  await store.discardGenesisTree(genesisHeightOf(config));
  const batch = store.genesisBatch(genesisHeightOf(config));
  try {
    const { state, head } = await stageGenesis(batch, config);
    await batch.commit(head);
    return { state, hash: head.hash };
  } catch (err) {
    await batch.abort();
    // The nodes written ahead go too, so the store is as empty as it was. Best effort: the error
    // to report is the build's, and the next start discards whatever is left anyway.
    await store.discardGenesisTree(genesisHeightOf(config)).catch(() => undefined);
    throw err;
  }
}

/**
 * Builds the genesis into `batch`. Apart from the state, what it builds (the write set, the
 * events) is garbage once this returns, before the batch is written.
 */
async function stageGenesis(batch: GenesisBatch, config: GenesisConfig): Promise<{ state: MemoryState; head: GenesisHead }> {
  // The tree's nodes are written in chunks as they are made: a million-key genesis never holds them all in JS.
  const genesis = await buildGenesis(config, { onEvents: (events) => batch.events(events), onTreeNodes: (puts) => batch.treeNodes(puts) });
  batch.state(genesis.writes);
  const block = assembleBlock(genesis.header, [], ZERO_SIGNATURE);
  return {
    state: genesis.state,
    head: { hash: genesis.hash, blockBytes: block.bytes, stateRoot: genesis.stateRoot, treeRoot: genesis.tree, fingerprint: genesisFingerprint(config) },
  };
}

/**
 * Refuses (InvalidConfig) a store whose genesis is not the one `config` builds, or that another
 * protocol version made (docs/protocol.md §12): its state was computed by other rules.
 */
export async function checkGenesis(store: ChainStore, config: GenesisConfig): Promise<void> {
  const storedHash = await store.hashAtHeight(genesisHeightOf(config));
  const version = (await store.protocolVersion()) ?? UNRECORDED_PROTOCOL_VERSION;
  if (storedHash !== null && version !== PROTOCOL_VERSION) {
    throw new ChainError(
      ChainErrorCode.InvalidConfig,
      `The data dir holds a chain made by protocol version ${version}; this node runs protocol version ${PROTOCOL_VERSION}, which computes blocks differently, so it cannot resume that chain. Start on an empty --data-dir, or run the node release that made it.`,
    );
  }
  const stored = await store.genesisFingerprint();
  const fingerprint = genesisFingerprint(config);
  if (storedHash !== null && stored !== null && fingerprint !== null && bytesEqual(stored, fingerprint)) {
    // Cheap, and keeps docs/protocol.md §14.1: a genesis that breaks an invariant is refused at every start.
    validateGenesis(config);
    return;
  }
  // Only the hash is needed: the events are dropped as they are made.
  const { hash } = await buildGenesis(config, { onEvents: () => undefined });
  if (storedHash === null || !bytesEqual(storedHash, hash)) {
    throw new ChainError(
      ChainErrorCode.InvalidConfig,
      `The data dir holds a chain with genesis ${storedHash === null ? 'none' : toHex(storedHash)}, but the genesis file gives ${toHex(hash)}. Use another --data-dir or the matching genesis.`,
    );
  }
  // The same genesis, checked the slow way: record the fingerprint so the next restart is quick.
  if (fingerprint !== null) await store.putGenesisFingerprint(fingerprint);
}
