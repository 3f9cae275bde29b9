/**
 * Takes the state snapshots a joining node restores from (docs/protocol.md §20; issue 15): at every
 * `interval`-th height the committed state is read from a LevelDB snapshot opened in the chain's
 * 'block' event (which fires right after the commit, in the chain's queue, so it is exactly that
 * block's state), cut into chunks by the snapshot writer while blocks go on, and written to
 * `<data dir>/snapshots/pending-<H>/`. Once H is final and still canonical the folder becomes
 * `snapshots/<H>/` (a snapshot of a block that a reorg dropped is deleted instead), and only the
 * newest `keep` are kept. One snapshot is cut at a time; a height that comes while one is still
 * being cut is skipped (and logged).
 */
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Chain } from '../../chain/chain.ts';
import type { Block } from '../../chain/codec/block.ts';
import { toHex } from '../../chain/crypto.ts';
import { depthFor, encodeManifest } from '../../chain/snapshot/format.ts';
import { writeSnapshot } from '../../chain/snapshot/writer.ts';
import type { SnapshotSource } from '../network/req-resp.ts';

export interface SnapshotOptions {
  /** Every this many heights (0: none). */
  readonly interval: number;
  /** Final snapshots kept (the oldest are deleted). */
  readonly keep: number;
  /**
   * About this many state pairs per chunk (§20.2; default 2,048). Nodes with the same value cut
   * identical snapshots of a height, so a joining node fetches one snapshot from all of them.
   */
  readonly pairsPerChunk?: number;
}

export const DEFAULT_PAIRS_PER_CHUNK = 2_048;

export const MANIFEST_FILE = 'manifest.bin';
export const chunkFile = (index: number): string => `chunk-${index}.bin`;

/** A cut snapshot waiting for its block to become final. */
interface Pending {
  readonly height: bigint;
  readonly hash: string;
  readonly dir: string;
}

export class SnapshotTaker implements SnapshotSource {
  private readonly chain: Chain;
  private readonly root: string;
  private readonly options: SnapshotOptions;
  private readonly logger: Logger;
  private cutting: Promise<void> | null = null;
  private readonly waiting: Pending[] = [];
  private closed = false;
  private readonly onBlock = (block: Block): void => this.blockCommitted(block);

  constructor(chain: Chain, dataDir: string, options: SnapshotOptions, logger: Logger) {
    this.chain = chain;
    this.root = join(dataDir, 'snapshots');
    this.options = options;
    this.logger = logger;
  }

  /** Subscribes to the chain; pending folders of an earlier run are deleted (their cut may be partial). */
  async start(): Promise<void> {
    if (this.options.interval <= 0) return;
    await mkdir(this.root, { recursive: true, mode: 0o700 });
    for (const name of await readdir(this.root)) if (name.startsWith('pending-')) await rm(join(this.root, name), { recursive: true, force: true });
    this.chain.events.on('block', this.onBlock);
  }

  /** Stops taking snapshots and waits for a cut in progress. */
  async close(): Promise<void> {
    this.closed = true;
    this.chain.events.off('block', this.onBlock);
    await this.cutting?.catch(() => undefined);
  }

  /** The final snapshots on disk, newest first. */
  async heights(): Promise<bigint[]> {
    const names = await readdir(this.root).catch(() => [] as string[]);
    return names.filter((n) => /^\d+$/.test(n)).map(BigInt).sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
  }

  /** The manifest of the final snapshot at `height` (null: the newest), served to peers (§20). */
  async manifest(height: bigint | null): Promise<{ height: bigint; bytes: Uint8Array } | null> {
    const at = height ?? (await this.heights())[0];
    if (at === undefined) return null;
    const bytes = await readFile(join(this.root, String(at), MANIFEST_FILE)).catch(() => null);
    return bytes === null ? null : { height: at, bytes };
  }

  /** Chunk `index` of the final snapshot at `height`, as written. */
  async chunk(height: bigint, index: number): Promise<Uint8Array | null> {
    return readFile(join(this.root, String(height), chunkFile(index))).catch(() => null);
  }

  /** Idle once no snapshot is being cut (tests). */
  async idle(): Promise<void> {
    await this.cutting?.catch(() => undefined);
  }

  private blockCommitted(block: Block): void {
    // Only once the oldest cut snapshot's block is final is there anything to settle.
    if (this.waiting.length > 0 && this.waiting[0]!.height <= this.chain.finalizedHeight) {
      void this.settleWaiting().catch((err: unknown) => this.logger.warn({ err }, 'could not finish a state snapshot'));
    }
    const height = block.header.height;
    // Only the head's state is readable now: a reorg's inner blocks are committed with their tip.
    if (height === 0n || height % BigInt(this.options.interval) !== 0n || toHex(this.chain.head.hash) !== toHex(block.hash)) return;
    if (this.cutting !== null) {
      this.logger.warn({ height: String(height) }, 'skipped a state snapshot: the previous one is still being cut');
      return;
    }
    const pairs = this.chain.store.statePairsNow();
    const keys = this.chain.state.size;
    const pending: Pending = { height, hash: toHex(block.hash), dir: join(this.root, `pending-${height}`) };
    const started = performance.now();
    this.cutting = this.cut(pending, pairs, keys, block)
      .then(() => {
        this.logger.info({ height: String(height), keys, ms: Math.round(performance.now() - started) }, 'state snapshot cut');
        this.waiting.push(pending);
        return this.settleWaiting();
      })
      .catch(async (err: unknown) => {
        this.logger.warn({ err, height: String(height) }, 'could not cut a state snapshot');
        await rm(pending.dir, { recursive: true, force: true }).catch(() => undefined);
      })
      .finally(() => {
        this.cutting = null;
      });
  }

  private async cut(pending: Pending, pairs: AsyncIterable<{ key: Uint8Array; value: Uint8Array }>, keys: number, block: Block): Promise<void> {
    await mkdir(pending.dir, { recursive: true, mode: 0o700 });
    const manifest = await writeSnapshot(pairs, {
      block: { height: block.header.height, hash: block.hash, stateRoot: block.header.stateRoot },
      depth: depthFor(keys, this.options.pairsPerChunk ?? DEFAULT_PAIRS_PER_CHUNK),
      pause: () => new Promise((resolve) => setImmediate(resolve)),
      writeChunk: (index, bytes) => writeFile(join(pending.dir, chunkFile(index)), bytes),
    });
    // Last: a folder with its manifest has all its chunks.
    await writeFile(join(pending.dir, MANIFEST_FILE), encodeManifest(manifest));
  }

  /** Cut snapshots whose block is final become snapshots/<H> if still canonical, and are deleted if not; then the oldest past `keep` go. */
  private async settleWaiting(): Promise<void> {
    const final = this.chain.finalizedHeight;
    while (this.waiting.length > 0 && this.waiting[0]!.height <= final && !this.closed) {
      const pending = this.waiting.shift()!;
      const canonical = await this.chain.blockAt(pending.height);
      if (canonical === null || toHex(canonical.hash) !== pending.hash) {
        this.logger.info({ height: String(pending.height) }, 'dropped a state snapshot of a block no longer canonical');
        await rm(pending.dir, { recursive: true, force: true });
        continue;
      }
      const done = join(this.root, String(pending.height));
      await rm(done, { recursive: true, force: true });
      await rename(pending.dir, done);
      for (const old of (await this.heights()).slice(this.options.keep)) await rm(join(this.root, String(old)), { recursive: true, force: true });
    }
  }
}
