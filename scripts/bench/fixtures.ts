/**
 * What the benchmarks replay: a genesis with funded senders, signed transfers, and chains of
 * blocks built in memory (produceBlock on a MemoryState, no store), kept as their wire bytes.
 * Everything is deterministic (keys from seeds), so two runs replay the same bytes.
 */
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { produceBlock } from '../../src/chain/block-production.ts';
import { Chain } from '../../src/chain/chain.ts';
import { type SignedTx, signTx } from '../../src/chain/codec/tx.ts';
import { type KeyPair, keyPairFromSeed, toHex } from '../../src/chain/crypto.ts';
import { type Genesis, genesisParent } from '../../src/chain/genesis-block.ts';
import type { ParentInfo } from '../../src/chain/block-import.ts';
import { BranchNodeReader } from '../../src/chain/chain-tree.ts';
import { ChainStore } from '../../src/chain/store/chain-store.ts';
import type { SignatureVerifier } from '../../src/chain/verify/pool.ts';
import { type GenesisConfig, MemoryState, defaultGenesis, walletIdFromPublicKey } from '../../src/tokenomics/index.ts';

export const CHAIN_ID = 'dchat-bench';
export const GENESIS_TIME = 1_767_225_600_000n;

export interface BenchKey extends KeyPair {
  readonly hex: string;
  readonly wallet: string;
}

/** A deterministic key: the seed is `tag` and `index` spelled into 32 bytes. */
export function benchKey(tag: number, index: number): BenchKey {
  const seed = new Uint8Array(32);
  const view = new DataView(seed.buffer);
  view.setUint32(0, tag);
  view.setUint32(4, index);
  seed[31] = 0x5a;
  const pair = keyPairFromSeed(seed);
  const hex = toHex(pair.publicKey);
  return { ...pair, hex, wallet: walletIdFromPublicKey(hex) };
}

export const VALIDATOR = benchKey(1, 0);
export const AUTHORITY = benchKey(2, 0);
const REWARD_WALLET = benchKey(3, 0).wallet;

export interface Fixture {
  readonly config: GenesisConfig;
  readonly genesis: Genesis;
  /** The genesis as block 1's parent, its state tree in memory. */
  readonly parent: ParentInfo;
  readonly senders: readonly BenchKey[];
}

/** A genesis whose validators' share is split among `senderCount` funded senders. */
export async function fixture(senderCount: number): Promise<Fixture> {
  const senders = Array.from({ length: senderCount }, (_, i) => benchKey(10, i));
  const base = defaultGenesis({
    chainId: CHAIN_ID,
    genesisTimeMs: GENESIS_TIME,
    validators: [{ publicKey: VALIDATOR.hex, rewardWallet: REWARD_WALLET }],
    authority: [AUTHORITY.hex],
    params: { blockTimeMs: 1_000n },
  });
  const pot = base.distribution[0]!.amount;
  const share = pot / BigInt(senderCount);
  const distribution = [
    ...base.distribution.slice(1),
    ...senders.map((s, i) => ({ account: s.wallet, amount: i === 0 ? share + (pot - share * BigInt(senderCount)) : share })),
  ];
  const config: GenesisConfig = { ...base, distribution };
  const { genesis, parent } = await genesisParent(config);
  return { config, genesis, parent, senders };
}

/**
 * `count` signed transfers, round-robin over the senders (so senders repeat, as in real traffic),
 * each to the next sender's wallet; `nonces` carries each sender's next nonce across calls.
 */
export function signTransfers(f: Fixture, count: number, nonces: Map<string, bigint>): SignedTx[] {
  const txs: SignedTx[] = [];
  for (let i = 0; i < count; i++) {
    const k = i % f.senders.length;
    const sender = f.senders[k]!;
    const to = f.senders[(k + 1) % f.senders.length]!.wallet;
    const nonce = nonces.get(sender.hex) ?? 0n;
    nonces.set(sender.hex, nonce + 1n);
    txs.push(signTx({ chainId: CHAIN_ID, signer: sender.hex, nonce, op: { type: 'transfer', to, amount: 1_000n + BigInt(i % 7) } }, sender.secretKey));
  }
  return txs;
}

export interface BuiltChain {
  readonly fixture: Fixture;
  /** Wire bytes of blocks 1..n, in order. */
  readonly blocks: readonly Uint8Array[];
  readonly txCount: number;
}

/** Blocks 1..`blockCount` with `txsPerBlock` transfers each (or as many as it says for each height), built on an in-memory state. */
export async function buildChain(f: Fixture, blockCount: number, txsPerBlock: number | ((height: number) => number)): Promise<BuiltChain> {
  const state = new MemoryState(f.genesis.state.sortedEntries());
  // The blocks' tree nodes, over the genesis tree's.
  const nodes = new BranchNodeReader(f.parent.tree.reader);
  let parent: ParentInfo = { ...f.parent, state, tree: { reader: nodes, root: f.parent.tree.root } };
  const nonces = new Map<string, bigint>();
  const blocks: Uint8Array[] = [];
  let txCount = 0;
  for (let height = 1; height <= blockCount; height++) {
    const count = typeof txsPerBlock === 'number' ? txsPerBlock : txsPerBlock(height);
    const txs = signTransfers(f, count, nonces);
    const produced = await produceBlock(parent, f.config.params, BigInt(height), { publicKey: VALIDATOR.hex, secretKey: VALIDATOR.secretKey }, txs);
    if (produced.block.txs.length !== count) throw new Error(`Block ${height} took ${produced.block.txs.length} of ${count} transfers.`);
    state.commit(produced.outcome.writes);
    blocks.push(produced.block.bytes);
    txCount += produced.block.txs.length;
    nodes.add(produced.outcome.tree);
    parent = { header: produced.block.header, hash: produced.block.hash, state, tree: { reader: nodes, root: produced.outcome.tree.root } };
  }
  return { fixture: f, blocks, txCount };
}

export const silentLogger = pino({ level: 'silent' });

export interface FreshNode {
  readonly dir: string;
  readonly store: ChainStore;
  readonly chain: Chain;
  /** Duration of every ChainStore.commitBlock (ms), in order. */
  readonly commitMs: number[];
  /** Closes the chain and the store (the data dir stays, to be measured). */
  close(): Promise<void>;
  /** Closes (if still open) and deletes the data dir. */
  dispose(): Promise<void>;
}

/** A node's chain on an empty data dir (genesis written), its store commits timed. */
export async function freshNode(f: Fixture, options: { verifyThreads?: number; verifier?: SignatureVerifier } = {}): Promise<FreshNode> {
  const dir = await mkdtemp(join(tmpdir(), 'dchat-bench-'));
  const store = await ChainStore.open(dir);
  const commitMs: number[] = [];
  const commitBlock = store.commitBlock.bind(store);
  store.commitBlock = async (input) => {
    const start = performance.now();
    await commitBlock(input);
    commitMs.push(performance.now() - start);
  };
  const chain = await Chain.open({ store, genesis: f.config, logger: silentLogger, ...options });
  commitMs.length = 0; // the genesis commit is not a block commit
  let open = true;
  const close = async (): Promise<void> => {
    if (!open) return;
    open = false;
    await chain.close();
    await store.close();
  };
  return {
    dir,
    store,
    chain,
    commitMs,
    close,
    async dispose() {
      await close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Bytes of the files under `dir` (measure a closed store: LevelDB renames and deletes files while open). */
export async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += await dirBytes(path);
    else total += await stat(path).then((s) => s.size, () => 0);
  }
  return total;
}
