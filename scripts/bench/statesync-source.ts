/**
 * The source chain of the state sync bench (`--only=statesync`): a node of the small bench genesis
 * produces `blocks` blocks whose transfers pay `accounts` new wallets (so the state grows as a real
 * chain's does, by blocks), written to a data dir; its blocks are saved to one file and its head's
 * state is cut into a snapshot (the files a serving node holds). Shared by the suite and its children.
 */
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type SignedTx, signTx } from '../../src/chain/codec/tx.ts';
import { depthFor, encodeManifest } from '../../src/chain/snapshot/format.ts';
import { writeSnapshot } from '../../src/chain/snapshot/writer.ts';
import { CHAIN_ID, type Fixture, VALIDATOR, freshNode } from './fixtures.ts';

export const BLOCKS_FILE = 'blocks.bin';
export const SNAPSHOT_DIR = 'snapshot';
export const MANIFEST_FILE = 'manifest.bin';
/** What a finished source holds, written last: a folder with it is reused by a run of the same sizes. */
export const SOURCE_FILE = 'source.json';
export const chunkFile = (i: number): string => `chunk-${i}.bin`;

/** Wallet id of new account `i` (a UUID, spread like real ids). */
const newWallet = (i: number): string => {
  const hex = i.toString(16).padStart(12, '0');
  return `5a7e0000-0000-5000-8000-${hex}`;
};

export interface SourceChain {
  readonly dir: string;
  readonly blocks: number;
  readonly transfers: number;
  readonly stateKeys: number;
  readonly chunks: number;
  readonly snapshotBytes: number;
  readonly blockBytes: number;
  readonly buildMs: number;
}

/** The sizes a source is built for: a kept source is reused only by a run asking for the same. */
export interface SourceSizes {
  readonly blocks: number;
  readonly accounts: number;
  readonly senders: number;
}

/**
 * The source chain of `sizes` in `dir` (`--statesync-source=<dir>`): built there when the folder is
 * empty or missing, reused when it holds a finished source of the same sizes (its SOURCE_FILE);
 * anything else in it is refused rather than overwritten.
 */
export async function keptSource(f: Fixture, dir: string, sizes: SourceSizes): Promise<{ source: SourceChain; reused: boolean }> {
  await mkdir(dir, { recursive: true });
  const names = await readdir(dir);
  if (names.length === 0) {
    const source = await buildSource(f, dir, sizes.blocks, sizes.accounts);
    await writeFile(join(dir, SOURCE_FILE), JSON.stringify({ sizes, source }));
    return { source, reused: false };
  }
  if (!names.includes(SOURCE_FILE)) throw new Error(`${dir} is neither empty nor a finished state sync source (no ${SOURCE_FILE}): empty it or name another folder`);
  const kept = JSON.parse(await readFile(join(dir, SOURCE_FILE), 'utf8')) as { sizes: SourceSizes; source: SourceChain };
  const same = kept.sizes.blocks === sizes.blocks && kept.sizes.accounts === sizes.accounts && kept.sizes.senders === sizes.senders;
  if (!same) throw new Error(`${dir} holds a source of ${JSON.stringify(kept.sizes)}, not ${JSON.stringify(sizes)}: empty it or name another folder`);
  return { source: { ...kept.source, dir }, reused: true };
}

/** Builds the source chain into `dir` (blocks file, snapshot folder); the node's data dir is deleted after. */
export async function buildSource(f: Fixture, dir: string, blocks: number, accounts: number): Promise<SourceChain> {
  const started = performance.now();
  const node = await freshNode(f, { verifyThreads: 0 });
  const perBlock = Math.ceil(accounts / blocks);
  const nonces = new Map<string, bigint>();
  const frames: Buffer[] = [];
  let paid = 0;
  let transfers = 0;
  for (let h = 1; h <= blocks; h++) {
    const txs: SignedTx[] = [];
    for (let i = 0; i < perBlock && paid < accounts; i++, paid++) {
      const sender = f.senders[paid % f.senders.length]!;
      const nonce = nonces.get(sender.hex) ?? 0n;
      nonces.set(sender.hex, nonce + 1n);
      txs.push(signTx({ chainId: CHAIN_ID, signer: sender.hex, nonce, op: { type: 'transfer', to: newWallet(paid), amount: 1_000n } }, sender.secretKey));
    }
    const results = await node.chain.submitTxs(txs.map((tx) => tx.bytes));
    const refused = results.find((r) => !r.ok);
    if (refused !== undefined && !refused.ok) throw refused.error;
    const block = await node.chain.produce(BigInt(h), { publicKey: VALIDATOR.hex, secretKey: VALIDATOR.secretKey });
    if (block.txs.length !== txs.length) throw new Error(`source block ${h} took ${block.txs.length} of ${txs.length} transfers`);
    transfers += txs.length;
    const length = Buffer.alloc(4);
    length.writeUInt32BE(block.bytes.length);
    frames.push(length, Buffer.from(block.bytes));
  }
  await writeFile(join(dir, BLOCKS_FILE), Buffer.concat(frames));
  const head = node.chain.head;
  const stateKeys = node.chain.state.size;
  let snapshotBytes = 0;
  await mkdir(join(dir, SNAPSHOT_DIR), { recursive: true });
  const manifest = await writeSnapshot(node.chain.store.statePairsNow(), {
    block: { height: head.header.height, hash: head.hash, stateRoot: head.header.stateRoot },
    depth: depthFor(stateKeys, 2_048),
    pause: () => new Promise((resolve) => setImmediate(resolve)),
    writeChunk: async (index, bytes) => {
      snapshotBytes += bytes.length;
      await writeFile(join(dir, SNAPSHOT_DIR, chunkFile(index)), bytes);
    },
  });
  const manifestBytes = encodeManifest(manifest);
  await writeFile(join(dir, SNAPSHOT_DIR, MANIFEST_FILE), manifestBytes);
  const blockBytes = frames.reduce((n, b) => n + b.length, 0);
  await node.dispose();
  return { dir, blocks, transfers, stateKeys, chunks: manifest.chunks.length, snapshotBytes: snapshotBytes + manifestBytes.length, blockBytes, buildMs: performance.now() - started };
}

/** The source's blocks, in order (wire bytes). */
export async function readBlocks(dir: string): Promise<Uint8Array[]> {
  const all = await readFile(join(dir, BLOCKS_FILE));
  const out: Uint8Array[] = [];
  for (let at = 0; at < all.length;) {
    const length = all.readUInt32BE(at);
    out.push(all.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
  return out;
}
