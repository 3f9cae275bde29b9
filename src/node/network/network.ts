/**
 * The node's peer-to-peer network, assembled like the node itself: `start` builds the parts in
 * order (key, host, request/response handlers, gossip, peer manager, sync) and `close` stops them
 * in reverse. The rest of the node sees only this class: peers and sync status for the API,
 * `whenReady` for the block producer, `block`/`unblock` for operators and partition tests.
 */
import type { PeerId } from '@libp2p/interface';
import type { Logger } from 'pino';
import type { Chain } from '../../chain/chain.ts';
import { MAX_TX_BYTES } from '../../chain/codec/tx.ts';
import { toHex } from '../../chain/crypto.ts';
import { ChainError, ChainErrorCode } from '../../chain/errors.ts';
import type { SlotClock } from '../slot-clock.ts';
import { NetworkError, NetworkErrorCode } from './errors.ts';
import { Gossip, type GossipKind, type VerdictCounts } from './gossip.ts';
import { type P2pHost, createHost } from './host.ts';
import type { RangeRequest, Status } from './messages.ts';
import type { Block } from '../../chain/codec/block.ts';
import { OversizedFrames, watchGossipFrames } from './oversized-frames.ts';
import { loadOrCreateP2pKey, p2pKeyPath } from './p2p-key.ts';
import { PeerManager, type PeerView } from './peer-manager.ts';
import { type ProtocolNames, protocolNames } from './protocols.ts';
import { RateLimiter } from './rate-limiter.ts';
import { ReqResp, type SnapshotSource } from './req-resp.ts';
import type { SnapshotManifest } from '../../chain/snapshot/format.ts';
import { SyncManager, type SyncStatus } from './sync.ts';
import type { PeerTxCounts, TxBudgetOptions } from './tx-budget.ts';
import { listenFailure } from '../listen-error.ts';
import { StateSync, type StateSyncOptions } from '../statesync/state-sync.ts';
import { CodedError } from '../../tokenomics/errors.ts';

export interface NetworkOptions {
  readonly dataDir: string;
  /** Listen address: 0.0.0.0 (all interfaces), 127.0.0.1 (this machine only), or an IPv6 address. */
  readonly host: string;
  /** TCP port; 0 picks a free one. */
  readonly port: number;
  readonly announce: readonly string[];
  readonly bootstrap: readonly string[];
  readonly targetPeers?: number;
  /** How long `whenReady` waits for a peer to answer before the node goes on alone. */
  readonly readyTimeoutMs?: number;
  /** Banned peers from one loopback or private address before the address is refused (address-bans.ts; default 3). */
  readonly sharedAddressBanThreshold?: number;
  /** What a peer's gossiped txs may cost (tx-budget.ts; default DEFAULT_TX_BUDGET). */
  readonly txBudget?: TxBudgetOptions;
  /** The final state snapshots this node serves (docs/protocol.md §20), if any. */
  readonly snapshots?: SnapshotSource | null;
  /** Pages of this node's validator set changes with their anchors (§19.1), served to joining nodes. */
  readonly validatorSets?: ((after: bigint, limit: number) => Promise<unknown>) | null;
  /** Restore the state from a peer's snapshot before range sync (docs/protocol.md §20.5): only for a chain at its genesis. */
  readonly stateSync?: StateSyncOptions | null;
}

export interface NetworkDeps {
  readonly chain: Chain;
  readonly clock: SlotClock;
  readonly logger: Logger;
  /** Told the number of connected peers whenever it changes (metrics). */
  readonly onPeerCount?: (count: number) => void;
  /** Called on each new peer ban (metrics). */
  readonly onPeerBan?: () => void;
}

/** A penalty that bans at once: a peer of another chain (another genesis) has nothing for us. */
const PENALTY_OTHER_CHAIN = 1_000;
/** A peer that sends nothing but failing txs (tx-budget.ts) is banned at once. */
const PENALTY_TX_FLOOD = 1_000;

/** The largest gossipsub frame we read: a whole block plus the envelope; each topic checks its own, smaller, bound. */
function gossipFrameLimit(maxBlockBytes: number): number {
  return maxBlockBytes + 64 * 1024 + MAX_TX_BYTES;
}

export class Network {
  readonly names: ProtocolNames;
  private readonly options: NetworkOptions;
  private readonly deps: NetworkDeps;
  private readonly host: P2pHost;
  private readonly peerManager: PeerManager;
  private readonly reqResp: ReqResp;
  private readonly gossip: Gossip;
  private readonly sync: SyncManager;
  private readonly oversized: OversizedFrames;
  private readonly genesisHash: Uint8Array;
  private readonly closing = new AbortController();
  private statusTimer: NodeJS.Timeout | null = null;
  private readonly stateSync: StateSync | null;
  /** Settles once the state sync (if any) has installed a snapshot or given way to range sync. */
  private stateSyncDone: Promise<void> = Promise.resolve();

  private constructor(options: NetworkOptions, deps: NetworkDeps, parts: { host: P2pHost; peerManager: PeerManager; genesisHash: Uint8Array; names: ProtocolNames }) {
    this.options = options;
    this.deps = deps;
    this.host = parts.host;
    this.peerManager = parts.peerManager;
    this.genesisHash = parts.genesisHash;
    this.names = parts.names;
    const { chain, clock, logger } = deps;
    const nowMs = (): number => Number(clock.nowMs());
    const maxBlockBytes = Number(chain.params.maxBlockBytes);
    this.oversized = new OversizedFrames({ logger, nowMs, penalize: (peer, amount, reason, how) => this.peerManager.penalize(peer, amount, reason, how) });
    this.reqResp = new ReqResp(
      { requestTimeoutMs: 15_000, maxBlockBytes },
      {
        host: this.host, chain, names: this.names, logger,
        localStatus: () => this.localStatus(),
        onStatus: (peer, status) => this.onStatus(peer, status),
        limits: {
          status: new RateLimiter({ capacity: 10, refillPerSecond: 2 }, nowMs),
          blocks: new RateLimiter({ capacity: 1_024, refillPerSecond: 256 }, nowMs),
          // A chunk costs 4: 64 chunks at once, 16 a second after (~2,048 pairs each).
          snapshots: new RateLimiter({ capacity: 256, refillPerSecond: 64 }, nowMs),
        },
        snapshots: options.snapshots ?? null,
        validatorSets: options.validatorSets ?? null,
        onOversizedFrame: (peer, protocol, limit) => this.oversized.report(peer, protocol, limit),
      },
    );
    this.sync = new SyncManager({
      chain, clock, logger,
      requestBlocks: (peer, request) => this.reqResp.blocksByRange(peer, request),
      penalize: (peer, amount, reason) => this.peerManager.penalize(peer, amount, reason),
    });
    this.gossip = new Gossip({
      pubsub: this.host.services.pubsub, chain, clock, names: this.names, logger,
      onUnknownParent: (block, from) => this.sync.onUnknownParent(block, from),
      onRejected: (from) => this.peerManager.invalidMessage(from.toString()),
      txBudget: options.txBudget,
      isBehind: () => {
        const sync = this.sync.status();
        return sync.syncing || sync.targetHeight > sync.headHeight + 1n;
      },
      onTxFlood: (from, counts) => this.peerManager.penalize(from, PENALTY_TX_FLOOD, `its last gossiped txs all failed (${counts.failed} failed, ${counts.accepted} accepted, ${counts.throttled} dropped unread)`),
    });
    const stateSync = options.stateSync ?? null;
    this.stateSync = stateSync === null || chain.head.header.height !== chain.genesisHeight ? null : new StateSync(
      {
        chain, logger: logger.child({ part: 'statesync' }), nowMs,
        peers: () => this.host.getPeers(),
        manifest: (peer, height) => this.reqResp.snapshotManifest(peer, height),
        chunk: (peer, height, index) => this.reqResp.snapshotChunk(peer, height, index),
        blocks: (peer, request) => this.reqResp.blocksByRange(peer, request),
        validatorSets: (peer, after, limit) => this.reqResp.validatorSets(peer, after, limit),
        ban: (peer, reason) => this.peerManager.penalize(peer, PENALTY_OTHER_CHAIN, reason),
      },
      // No longer than the wait for a first peer that block production allows.
      { ...stateSync, discoverMs: stateSync.discoverMs ?? options.readyTimeoutMs ?? 10_000 },
    );
    const maxMessageBytes = gossipFrameLimit(maxBlockBytes);
    watchGossipFrames(this.host.services.pubsub, (peer) => this.oversized.report(peer, 'gossip', maxMessageBytes));
  }

  /** What `peerId`'s gossiped txs have cost us: validated (decoded and signature-checked), accepted, failed, throttled. */
  txCounts(peerId: string): PeerTxCounts {
    return this.gossip.txCounts(peerId);
  }

  static async start(options: NetworkOptions, deps: NetworkDeps): Promise<Network> {
    const { chain, clock, logger } = deps;
    const names = protocolNames(chain.params.chainId);
    const privateKey = await loadOrCreateP2pKey(p2pKeyPath(options.dataDir));
    const genesis = await chain.blockAt(chain.genesisHeight);
    if (genesis === null) throw new ChainError(ChainErrorCode.StoreCorrupt, 'The chain has no genesis block.');
    let peerManager: PeerManager | null = null;
    const ip = options.host.includes(':') ? 'ip6' : 'ip4';
    const host = await createHost({
      privateKey,
      listen: [`/${ip}/${options.host}/tcp/${options.port}`],
      announce: options.announce,
      topics: [names.blocksTopic, names.txsTopic],
      maxMessageBytes: gossipFrameLimit(Number(chain.params.maxBlockBytes)),
      isDenied: (peer) => peerManager?.isDenied(peer) ?? false,
      isAddressDenied: (address, direction) => peerManager?.isAddressDenied(address, direction) ?? false,
      appScore: (peer) => peerManager?.appScore(peer) ?? 0,
    });
    peerManager = new PeerManager(
      {
        bootstrap: options.bootstrap, targetPeers: options.targetPeers ?? 16, tickMs: 1_000, banMs: 10 * 60_000, dialTimeoutMs: 5_000,
        sharedAddressBanThreshold: options.sharedAddressBanThreshold,
      },
      { host, logger, nowMs: () => Number(clock.nowMs()), ...(deps.onPeerBan === undefined ? {} : { onBan: deps.onPeerBan }) },
    );
    const network = new Network(options, deps, { host, peerManager, genesisHash: genesis.hash, names });
    await network.open();
    return network;
  }

  /** Handlers are registered before the host listens, so no peer finds a protocol missing. */
  private async open(): Promise<void> {
    // Before any peer's status can start range sync.
    if (this.stateSync !== null) this.startStateSync(this.stateSync);
    await this.reqResp.start();
    try {
      await this.host.start();
    } catch (err) {
      this.stateSync?.stop();
      await Promise.resolve(this.host.stop()).catch(() => undefined);
      throw new NetworkError(NetworkErrorCode.InvalidConfig, listenFailure('peers', this.options.host, this.options.port, 'p2p', err), { cause: err });
    }
    this.gossip.start();
    this.host.addEventListener('peer:identify', this.onIdentify);
    this.host.addEventListener('peer:connect', this.onPeerCountChange);
    this.host.addEventListener('peer:disconnect', this.onDisconnect);
    this.peerManager.start();
    this.scheduleStatusPoll();
    this.deps.logger.info({ peerId: this.peerId, addresses: this.multiaddrs(), bootstrap: this.options.bootstrap.length }, 'p2p network started');
  }

  get peerId(): string {
    return this.host.peerId.toString();
  }

  /** Where peers can reach us, each with /p2p/<peerId> (what `--bootstrap` takes). */
  multiaddrs(): string[] {
    return this.host.getMultiaddrs().map((a) => a.toString());
  }

  peers(): PeerView[] {
    return this.peerManager.peers();
  }

  syncStatus(): SyncStatus {
    const status = this.sync.status();
    const snapshot = this.stateSync?.progress() ?? null;
    if (snapshot !== null && (snapshot.phase === 'discovering' || snapshot.phase === 'chunks' || snapshot.phase === 'installing')) {
      return { ...status, syncing: true, phase: 'snapshot', snapshot };
    }
    return { ...status, phase: status.syncing ? 'blocks' : 'idle', snapshot };
  }

  /**
   * Range sync waits while the snapshot is restored; if no peer offers one that can be trusted,
   * the node replays from genesis instead (full sync), as it would have without one.
   */
  private startStateSync(stateSync: StateSync): void {
    this.sync.hold();
    this.stateSyncDone = stateSync.run().then(
      () => undefined,
      (err: unknown) => {
        const known = err instanceof CodedError;
        this.deps.logger[known ? 'warn' : 'error']({ err: known ? (err as Error).message : err, code: known ? (err as CodedError<string>).code : undefined }, 'state sync did not complete: replaying blocks from genesis instead');
      },
    ).finally(() => this.sync.release());
  }

  gossipCounts(): Record<GossipKind, VerdictCounts> {
    return this.gossip.counts;
  }

  isBanned(peerId: string): boolean {
    return this.peerManager.isBanned(peerId);
  }

  /** Disconnects a peer and refuses it until `unblock` (operators; partition tests). */
  block(peerId: string): Promise<void> {
    return this.peerManager.block(peerId);
  }

  unblock(peerId: string): void {
    this.peerManager.unblock(peerId);
  }

  /** Canonical blocks of `peer` from a height (range sync's request; tools and tests). */
  blocksByRange(peer: PeerId, request: RangeRequest): Promise<Block[]> {
    return this.reqResp.blocksByRange(peer, request);
  }

  /** The manifest of `peer`'s final state snapshot at `height` (null: its newest); a state sync checks it (§20.3). */
  snapshotManifest(peer: PeerId, height: bigint | null): Promise<SnapshotManifest> {
    return this.reqResp.snapshotManifest(peer, height);
  }

  /** Chunk `index` of `peer`'s snapshot at `height`, unchecked. */
  snapshotChunk(peer: PeerId, height: bigint, index: number): Promise<Uint8Array> {
    return this.reqResp.snapshotChunk(peer, height, index);
  }

  /**
   * Resolves when the node may produce blocks without forking off its peers: at once if it has no
   * bootstrap peers (it is the first node), else once a peer has answered and we hold its head, or
   * after `readyTimeoutMs` with no answer (the node then goes on alone, and syncs when peers come).
   */
  async whenReady(): Promise<void> {
    if (this.options.bootstrap.length === 0) return;
    // No block is produced on the genesis state while the snapshot's state is on its way.
    await this.stateSyncDone;
    const timeoutMs = this.options.readyTimeoutMs ?? 10_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), timeoutMs);
      this.closing.signal.addEventListener('abort', () => resolve(false), { once: true });
    });
    const outcome = await Promise.race([this.sync.caughtUp().then(() => false), timedOut]);
    clearTimeout(timer);
    if (outcome) this.deps.logger.warn({ timeoutMs }, 'no peer answered in time: going on from our own head, will sync when peers come');
  }

  async close(): Promise<void> {
    this.closing.abort();
    this.stateSync?.stop();
    if (this.statusTimer !== null) clearTimeout(this.statusTimer);
    this.statusTimer = null;
    this.host.removeEventListener('peer:identify', this.onIdentify);
    this.host.removeEventListener('peer:connect', this.onPeerCountChange);
    this.host.removeEventListener('peer:disconnect', this.onDisconnect);
    this.gossip.stop();
    this.peerManager.stop();
    // The sync loop stops at its next step; stopping the host first fails its request in flight.
    const syncStopped = this.sync.stop();
    await this.reqResp.stop().catch(() => undefined);
    await this.host.stop();
    await syncStopped;
    await this.stateSyncDone;
    this.deps.logger.info('p2p network stopped');
  }

  private localStatus(): Status {
    const head = this.deps.chain.head;
    return {
      genesisHash: this.genesisHash,
      headHeight: head.header.height,
      headHash: head.hash,
      finalizedHeight: this.deps.chain.finalizedHeight,
      peers: this.peerManager.sharedAddresses(),
    };
  }

  private onStatus(peer: PeerId, status: Status): void {
    if (Buffer.compare(status.genesisHash, this.genesisHash) !== 0) {
      this.peerManager.penalize(peer, PENALTY_OTHER_CHAIN, `another genesis (${toHex(status.genesisHash).slice(0, 16)})`);
      return;
    }
    this.peerManager.learn(status.peers);
    this.sync.onStatus(peer, status);
  }

  private requestStatus(peer: PeerId): void {
    if (this.closing.signal.aborted) return;
    this.reqResp.status(peer).then(
      (status) => this.onStatus(peer, status),
      (err: unknown) => this.deps.logger.debug({ err: (err as Error).message, peer: peer.toString() }, 'status request failed'),
    );
  }

  /** Peers' heads are polled every few slots, in case a gossip block was missed. */
  private scheduleStatusPoll(): void {
    const blockTime = Number(this.deps.chain.params.blockTimeMs);
    const every = Math.min(30_000, Math.max(2_000, 2 * blockTime));
    this.statusTimer = setTimeout(() => {
      for (const peer of this.host.getPeers()) this.requestStatus(peer);
      if (!this.closing.signal.aborted) this.scheduleStatusPoll();
    }, every);
  }

  private readonly onIdentify = (event: CustomEvent<{ peerId: PeerId; protocols: string[] }>): void => {
    if (event.detail.protocols.includes(this.names.status)) this.requestStatus(event.detail.peerId);
  };

  private readonly onPeerCountChange = (): void => {
    this.deps.onPeerCount?.(this.host.getPeers().length);
  };

  private readonly onDisconnect = (event: CustomEvent<PeerId>): void => {
    this.sync.onDisconnect(event.detail);
    this.onPeerCountChange();
  };
}
