/**
 * Range sync (docs/protocol.md §14.2): a node that starts late or falls behind fetches the missing blocks from the
 * peer with the highest head, in batches of blocks-by-range, and imports them in order with
 * chain.importBlock (full validation, fork choice included); then gossip takes over. Peers' heads
 * are learned from status exchanges (on connect and every few slots) and from gossip blocks whose
 * parent we lack.
 *
 * When the first block of a batch does not connect to anything we hold, we are on another branch
 * than that peer: the start steps back a batch at a time (at most MAX_BACKTRACK_BATCHES) until it
 * does, and the chain's fork choice decides which branch is the head.
 *
 * One loop runs at a time; close() stops it between two requests.
 */
import type { PeerId } from '@libp2p/interface';
import type { Logger } from 'pino';
import type { Chain } from '../../chain/chain.ts';
import type { Block } from '../../chain/codec/block.ts';
import { toHex } from '../../chain/crypto.ts';
import { importInOrder } from '../../chain/import-in-order.ts';
import type { SlotClock } from '../slot-clock.ts';
import { NetworkErrorCode, isNetworkError } from './errors.ts';
import { MAX_RANGE_COUNT, type RangeRequest, type Status } from './messages.ts';
import { Verdict, classifyError } from './verdict.ts';
import type { StateSyncProgress } from '../statesync/state-sync.ts';

export interface SyncStatus {
  readonly syncing: boolean;
  readonly headHeight: bigint;
  readonly targetHeight: bigint;
  readonly blocksPerSecond: number;
  /** Blocks imported by sync since the node started (gossip imports not counted). */
  readonly blocksSynced: number;
  /** `snapshot` while a state sync fetches and installs a snapshot (docs/protocol.md §20.5), then `blocks` while range sync runs. */
  readonly phase?: 'snapshot' | 'blocks' | 'idle';
  /** The state sync's progress while phase is `snapshot`. */
  readonly snapshot?: StateSyncProgress | null;
}

export interface SyncDeps {
  readonly chain: Chain;
  readonly clock: SlotClock;
  readonly logger: Logger;
  readonly requestBlocks: (peer: PeerId, request: RangeRequest) => Promise<Block[]>;
  /** A peer sent blocks that are provably invalid, or broke the protocol. */
  readonly penalize: (peer: PeerId, amount: number, reason: string) => void;
}

const MAX_BACKTRACK_BATCHES = 16;
const RATE_WINDOW_MS = 10_000;
/** A peer that failed us is not asked again for this long (another peer may serve meanwhile). */
const PEER_COOLDOWN_MS = 5_000;
export const PENALTY_INVALID_BLOCK = 100;
export const PENALTY_BAD_RESPONSE = 30;

interface PeerHead {
  readonly peer: PeerId;
  height: bigint;
  hash: Uint8Array | null;
  coolDownUntilMs: number;
}

export class SyncManager {
  private readonly deps: SyncDeps;
  private readonly heads = new Map<string, PeerHead>();
  private loop: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private syncing = false;
  private target = 0n;
  /** Sync import times (ms), for blocks per second over the last RATE_WINDOW_MS. */
  private readonly importTimes: number[] = [];
  private synced = 0;
  private caughtUpOnce = false;
  /** While a snapshot state sync runs (docs/protocol.md §20.5), range sync waits: there is no state to import onto yet. */
  private held = false;
  private readonly caughtUpWaiters: (() => void)[] = [];

  constructor(deps: SyncDeps) {
    this.deps = deps;
  }

  status(): SyncStatus {
    const headHeight = this.deps.chain.head.header.height;
    const best = this.bestHead();
    let targetHeight = headHeight;
    if (best !== null && best.height > targetHeight) targetHeight = best.height;
    if (this.syncing && this.target > targetHeight) targetHeight = this.target;
    return { syncing: this.syncing, headHeight, targetHeight, blocksPerSecond: this.rate(), blocksSynced: this.synced };
  }

  /** Resolves once we have heard from a peer and hold at least its head (or stop() was called). */
  caughtUp(): Promise<void> {
    if (this.caughtUpOnce || this.stopped) return Promise.resolve();
    return new Promise((resolve) => this.caughtUpWaiters.push(resolve));
  }

  /** A peer told us its head. */
  onStatus(peer: PeerId, status: Status): void {
    const entry = this.entry(peer);
    entry.height = status.headHeight;
    entry.hash = status.headHash;
    this.kick();
  }

  /** A gossip block whose parent we lack: its sender holds at least that block's parent. */
  onUnknownParent(block: Block, from: PeerId): void {
    const entry = this.entry(from);
    if (block.header.height > entry.height) {
      entry.height = block.header.height;
      entry.hash = block.hash;
    }
    this.kick();
  }

  onDisconnect(peer: PeerId): void {
    this.heads.delete(peer.toString());
  }

  stop(): Promise<void> {
    this.stopped = true;
    this.resolveCaughtUp();
    return this.loop ?? Promise.resolve();
  }

  /** Range sync waits until release(): heads learned meanwhile are kept. */
  hold(): void {
    this.held = true;
  }

  release(): void {
    this.held = false;
    this.kick();
  }

  /** Starts the sync loop if it is not running; if it is, makes it look again when it finishes. */
  kick(): void {
    if (this.stopped || this.held) return;
    if (this.loop !== null) {
      this.again = true;
      return;
    }
    this.loop = this.run()
      .catch((err: unknown) => this.deps.logger.error({ err }, 'sync loop failed'))
      .finally(() => {
        this.loop = null;
        if (this.again && !this.stopped) {
          this.again = false;
          this.kick();
        }
      });
  }

  private entry(peer: PeerId): PeerHead {
    const id = peer.toString();
    let entry = this.heads.get(id);
    if (entry === undefined) {
      entry = { peer, height: 0n, hash: null, coolDownUntilMs: 0 };
      this.heads.set(id, entry);
    }
    return entry;
  }

  private bestHead(): PeerHead | null {
    const now = Number(this.deps.clock.nowMs());
    let best: PeerHead | null = null;
    for (const entry of this.heads.values()) {
      if (entry.coolDownUntilMs > now) continue;
      if (best === null || entry.height > best.height) best = entry;
    }
    return best;
  }

  private async run(): Promise<void> {
    for (;;) {
      this.again = false;
      const best = this.stopped ? null : await this.nextTarget();
      if (best === null) break;
      const head = this.deps.chain.head.header;
      if (!this.syncing) this.deps.logger.info({ head: String(head.height), target: String(best.height), peer: best.peer.toString() }, 'sync started');
      this.syncing = true;
      this.target = best.height;
      const ok = await this.syncFrom(best);
      if (!ok) best.coolDownUntilMs = Number(this.deps.clock.nowMs()) + PEER_COOLDOWN_MS;
      // The head hash a peer announced is fetched at most once per announcement (see nextTarget).
      best.hash = null;
    }
    if (this.syncing) {
      this.deps.logger.info({ head: String(this.deps.chain.head.header.height), blocksPerSecond: this.rate() }, 'sync done: following gossip');
    }
    this.syncing = false;
    const best = this.bestHead();
    // A peer is known and none is ahead: this node is caught up (block production may begin).
    if (this.heads.size > 0 && (best === null || best.height <= this.deps.chain.head.header.height)) this.resolveCaughtUp();
    else if (this.heads.size > 0 && !this.stopped) {
      // Every peer ahead of us is cooling down after a failure: look again once that has passed.
      setTimeout(() => this.kick(), PEER_COOLDOWN_MS).unref();
    }
  }

  /**
   * The peer to sync from: the highest head above ours; else a head at our height that we lack and
   * that would win the tie (lower hash, docs/protocol.md §14.2), as after a partition whose sides grew alike.
   */
  private async nextTarget(): Promise<PeerHead | null> {
    const { chain } = this.deps;
    const best = this.bestHead();
    if (best === null) return null;
    if (best.height > chain.head.header.height) return best;
    const now = Number(this.deps.clock.nowMs());
    for (const entry of this.heads.values()) {
      if (entry.coolDownUntilMs > now || entry.hash === null || entry.height !== chain.head.header.height) continue;
      if (Buffer.compare(entry.hash, chain.head.hash) < 0 && !(await chain.hasBlock(entry.hash))) return entry;
    }
    return null;
  }

  /** Fetches and imports from one peer until we reach its head; false if the peer failed us. */
  private async syncFrom(peerHead: PeerHead): Promise<boolean> {
    const { chain, clock, logger } = this.deps;
    const { peer } = peerHead;
    // From the block after our head; from the peer's head itself when it stands at our height.
    let start = chain.head.header.height + 1n;
    if (start > peerHead.height) start = peerHead.height;
    let backtracked = 0;
    while (!this.stopped && start <= peerHead.height) {
      const remaining = peerHead.height - start + 1n;
      const count = remaining < BigInt(MAX_RANGE_COUNT) ? remaining : BigInt(MAX_RANGE_COUNT);
      let blocks: Block[];
      try {
        blocks = await this.deps.requestBlocks(peer, { startHeight: start, count });
      } catch (err) {
        if (isNetworkError(err, NetworkErrorCode.BadResponse)) this.deps.penalize(peer, PENALTY_BAD_RESPONSE, err.message);
        if (isNetworkError(err, NetworkErrorCode.RateLimited)) {
          await sleep(1_000);
          continue;
        }
        logger.info({ err: (err as Error).message, peer: peer.toString() }, 'sync request failed');
        return false;
      }
      if (blocks.length === 0) {
        // The peer's head is lower than it said (it reorged, or it lied): believe the answer.
        peerHead.height = start - 1n;
        return true;
      }
      const first = blocks[0]!;
      if (!(await chain.hasBlock(first.header.parentHash))) {
        // No block below the one after our base: genesis (docs/protocol.md §14.3: a chain may begin
        // above 0) or the snapshot a restored node began at (§20.5), whose block is final.
        const first = chain.baseHeight + 1n;
        if (start <= first || backtracked >= MAX_BACKTRACK_BATCHES) {
          logger.warn({ peer: peer.toString(), start: String(start) }, 'sync: no common ancestor with this peer within reach');
          return false;
        }
        backtracked++;
        start = start - first > BigInt(MAX_RANGE_COUNT) ? start - BigInt(MAX_RANGE_COUNT) : first;
        continue;
      }
      // A few blocks in flight: the pool verifies the next blocks while this one applies and commits.
      const { failure } = await importInOrder(chain, blocks, {
        currentSlot: () => clock.currentSlot(),
        stopped: () => this.stopped,
        onImported: () => this.recordImport(),
      });
      if (this.stopped) return true;
      if (failure !== undefined) {
        const { block, error } = failure;
        const { verdict, reason } = classifyError(error);
        if (verdict === Verdict.Reject) this.deps.penalize(peer, PENALTY_INVALID_BLOCK, `sync served an invalid block (${reason})`);
        logger.warn({ peer: peer.toString(), height: String(block.header.height), hash: toHex(block.hash).slice(0, 16), reason }, 'sync: block not imported');
        return false;
      }
      start = blocks.at(-1)!.header.height + 1n;
      logger.info({ head: String(chain.head.header.height), target: String(peerHead.height), blocksPerSecond: this.rate() }, 'sync progress');
    }
    return true;
  }

  private recordImport(): void {
    const now = Number(this.deps.clock.nowMs());
    this.synced++;
    this.importTimes.push(now);
    while (this.importTimes.length > 0 && this.importTimes[0]! < now - RATE_WINDOW_MS) this.importTimes.shift();
  }

  private rate(): number {
    const now = Number(this.deps.clock.nowMs());
    const recent = this.importTimes.filter((t) => t >= now - RATE_WINDOW_MS);
    if (recent.length < 2) return recent.length;
    const spanMs = Math.max(1_000, now - recent[0]!);
    return Math.round((recent.length / spanMs) * 1000 * 10) / 10;
  }

  private resolveCaughtUp(): void {
    if (this.caughtUpOnce) return;
    this.caughtUpOnce = true;
    for (const resolve of this.caughtUpWaiters.splice(0)) resolve();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
