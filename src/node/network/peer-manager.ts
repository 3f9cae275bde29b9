/**
 * Who we are connected to, and who we refuse:
 * - keeps the bootstrap peers connected: each one is redialled with a capped exponential backoff
 *   whenever its connection is gone (and at once when it drops);
 * - dials peers learned from status answers (a small peer exchange) while below the target count;
 * - disconnects and bans a peer whose gossipsub score fell below the graylist threshold (repeated
 *   REJECTs), or that earned application penalties (bad sync answers, another genesis);
 * - bans the addresses of banned peers too (address-bans.ts), so a fresh key from there stays out;
 * - offers `block`/`unblock` to cut a peer off by hand (operators, partition tests).
 * One timer drives it all; close() stops it.
 */
import type { GossipSub } from '@chainsafe/libp2p-gossipsub';
import type { IdentifyResult, PeerId } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr';
import type { Logger } from 'pino';
import { AddressBans, DEFAULT_SHARED_ADDRESS_BAN_THRESHOLD } from './address-bans.ts';
import { NetworkError, NetworkErrorCode } from './errors.ts';
import type { P2pHost } from './host.ts';
import { MAX_STATUS_PEERS } from './messages.ts';
import { DISCONNECT_SCORE, INVALID_MESSAGE_DECAY, INVALID_MESSAGE_WEIGHT } from './scoring.ts';

export interface PeerManagerOptions {
  readonly bootstrap: readonly string[];
  /** Below this many connections we dial peers learned from others. */
  readonly targetPeers: number;
  readonly tickMs: number;
  readonly banMs: number;
  readonly dialTimeoutMs: number;
  /** Banned peers from one loopback or private address before the address is refused (address-bans.ts). */
  readonly sharedAddressBanThreshold?: number;
}

export interface PeerManagerDeps {
  readonly host: P2pHost;
  readonly logger: Logger;
  /** The node clock's time in ms (bans and penalty decay). */
  readonly nowMs: () => number;
  /** Told of each new ban (not of a ban renewed while in force): the `dchat_peer_bans_total` metric. */
  readonly onBan?: () => void;
}

export interface PeerView {
  readonly peerId: string;
  readonly addresses: string[];
  readonly direction: 'inbound' | 'outbound';
  readonly score: number;
  readonly bootstrap: boolean;
}

interface Redial {
  readonly address: Multiaddr;
  /** Known from the address (/p2p/...) or from the first connection. */
  peerId: string | null;
  nextAttemptMs: number;
  backoffMs: number;
  dialing: boolean;
}

const MIN_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 10_000;
/** Penalties halve every minute, so a peer that misbehaved once is forgiven in time. */
const PENALTY_HALF_LIFE_MS = 60_000;
const MAX_CANDIDATES = 256;

/** An invalid-message count as gossipsub's P4 counter stands now: decayed once per elapsed second. */
function decayedCount(tally: { count: number; atMs: number }, nowMs: number): number {
  return tally.count * INVALID_MESSAGE_DECAY ** ((nowMs - tally.atMs) / 1_000);
}

export class PeerManager {
  private readonly options: PeerManagerOptions;
  private readonly host: P2pHost;
  private readonly logger: Logger;
  private readonly nowMs: () => number;
  private readonly onBan: () => void;
  private readonly redials: Redial[];
  private readonly bans = new Map<string, number>();
  private readonly blocked = new Set<string>();
  private readonly addressBans: AddressBans;
  private readonly penalties = new Map<string, { value: number; atMs: number }>();
  /** Decaying count of REJECTed gossip messages per peer (see invalidMessage). */
  private readonly invalid = new Map<string, { count: number; atMs: number }>();
  /** Listen addresses that peers announced (identify), for the status answer's peer list. */
  private readonly listenAddrs = new Map<string, Multiaddr[]>();
  /** Peers learned from status answers, not yet dialled. */
  private readonly candidates = new Map<string, Multiaddr[]>();
  private timer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(options: PeerManagerOptions, deps: PeerManagerDeps) {
    this.options = options;
    this.host = deps.host;
    this.logger = deps.logger;
    this.nowMs = deps.nowMs;
    this.onBan = deps.onBan ?? (() => undefined);
    this.addressBans = new AddressBans({ sharedThreshold: options.sharedAddressBanThreshold ?? DEFAULT_SHARED_ADDRESS_BAN_THRESHOLD }, deps.nowMs);
    this.redials = options.bootstrap.map((text) => {
      let address: Multiaddr;
      try {
        address = multiaddr(text);
      } catch (err) {
        throw new NetworkError(NetworkErrorCode.InvalidConfig, `Bootstrap address "${text}" is not a multiaddr: ${(err as Error).message}`);
      }
      const peerId = address.getPeerId();
      try {
        if (peerId !== null) peerIdFromString(peerId);
      } catch {
        throw new NetworkError(NetworkErrorCode.InvalidConfig, `Bootstrap address "${text}" has an invalid peer id.`);
      }
      return { address, peerId, nextAttemptMs: 0, backoffMs: MIN_BACKOFF_MS, dialing: false };
    });
  }

  start(): void {
    this.running = true;
    this.host.addEventListener('peer:disconnect', this.onDisconnect);
    this.host.addEventListener('peer:identify', this.onIdentify);
    this.tick();
  }

  stop(): void {
    this.running = false;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.host.removeEventListener('peer:disconnect', this.onDisconnect);
    this.host.removeEventListener('peer:identify', this.onIdentify);
  }

  /** The connection gater's question: do we refuse this peer? */
  isDenied(peerId: PeerId | string): boolean {
    const id = peerId.toString();
    if (this.blocked.has(id)) return true;
    const until = this.bans.get(id);
    if (until === undefined) return false;
    if (until > this.nowMs()) return true;
    this.bans.delete(id);
    return false;
  }

  /**
   * The connection gater's question for an address: is it one banned peers came from? Our own
   * bootstrap peers are still dialled there (the operator named them; their ids can still be banned).
   */
  isAddressDenied(address: Multiaddr, direction: 'inbound' | 'outbound'): boolean {
    if (direction === 'outbound' && this.isBootstrapAddress(address)) return false;
    return this.addressBans.isDenied(address);
  }

  private isBootstrapAddress(address: Multiaddr): boolean {
    const id = address.getPeerId();
    return this.redials.some((r) => r.address.equals(address) || (id !== null && r.peerId === id));
  }

  /** P5 of the gossipsub score: minus the peer's decayed application penalties. */
  appScore(peerId: string): number {
    const penalty = this.penalties.get(peerId);
    if (penalty === undefined) return 0;
    const value = penalty.value * 0.5 ** ((this.nowMs() - penalty.atMs) / PENALTY_HALF_LIFE_MS);
    if (value < 0.1) {
      this.penalties.delete(peerId);
      return 0;
    }
    return -value;
  }

  /**
   * Lowers a peer's score for misbehaviour seen outside gossip; the next tick bans it if that is
   * enough. `quiet`: the caller logs (once per window, for offences a peer can repeat per frame).
   */
  penalize(peerId: PeerId | string, amount: number, reason: string, options: { quiet?: boolean } = {}): void {
    const id = peerId.toString();
    const value = -this.appScore(id) + amount;
    this.penalties.set(id, { value, atMs: this.nowMs() });
    if (options.quiet !== true) this.logger.warn({ peer: id, reason, penalty: Math.round(value) }, 'penalized a peer');
    if (value >= -DISCONNECT_SCORE) this.ban(id, reason);
  }

  /** Cuts a peer off until unblock(): the gater refuses it both ways. For operators and partition tests. */
  async block(peerId: string): Promise<void> {
    this.blocked.add(peerId);
    await this.hangUp(peerId);
  }

  unblock(peerId: string): void {
    this.blocked.delete(peerId);
    // Let the bootstrap redial (if it is one) try again right away.
    for (const r of this.redials) if (r.peerId === peerId) r.nextAttemptMs = 0;
  }

  isBanned(peerId: string): boolean {
    return this.bans.has(peerId) && this.isDenied(peerId);
  }

  /** Remembers peers another node told us about (status answers), to dial while we have too few. */
  learn(addresses: readonly string[]): void {
    for (const text of addresses.slice(0, MAX_STATUS_PEERS)) {
      try {
        const address = multiaddr(text);
        const id = address.getPeerId();
        if (id === null || id === this.host.peerId.toString()) continue;
        peerIdFromString(id); // throws on an id that is not one
        if (this.candidates.size >= MAX_CANDIDATES && !this.candidates.has(id)) continue;
        this.candidates.set(id, [...(this.candidates.get(id) ?? []), address].slice(-2));
      } catch {
        // A peer's bad address is skipped; it cannot hurt us.
      }
    }
  }

  /** Up to MAX_STATUS_PEERS addresses (with /p2p/) of peers we are connected to, for our status. */
  sharedAddresses(): string[] {
    const pubsub = this.host.services.pubsub as unknown as GossipSub;
    const out: string[] = [];
    for (const peer of this.host.getPeers()) {
      const id = peer.toString();
      // Only peers in good standing are recommended to others.
      if (pubsub.getScore(id) < 0 || this.isDenied(id)) continue;
      for (const address of (this.listenAddrs.get(id) ?? []).slice(0, 2)) {
        if (out.length >= MAX_STATUS_PEERS) return out;
        out.push(address.getPeerId() === null ? address.encapsulate(`/p2p/${id}`).toString() : address.toString());
      }
    }
    return out;
  }

  peers(): PeerView[] {
    const pubsub = this.host.services.pubsub as unknown as GossipSub;
    const bootstrapIds = new Set(this.redials.map((r) => r.peerId).filter((id) => id !== null));
    const byPeer = new Map<string, PeerView>();
    for (const connection of this.host.getConnections()) {
      const id = connection.remotePeer.toString();
      const known = byPeer.get(id);
      if (known !== undefined) {
        known.addresses.push(connection.remoteAddr.toString());
        continue;
      }
      byPeer.set(id, {
        peerId: id,
        addresses: [connection.remoteAddr.toString()],
        direction: connection.direction,
        score: Math.round(pubsub.getScore(id) * 100) / 100,
        bootstrap: bootstrapIds.has(id),
      });
    }
    return [...byPeer.values()];
  }

  private ban(peerId: string, reason: string): void {
    if (this.blocked.has(peerId)) return;
    const fresh = !this.isBanned(peerId);
    const until = this.nowMs() + this.options.banMs;
    this.bans.set(peerId, until);
    const from = this.host.getConnections().filter((c) => c.remotePeer.toString() === peerId).map((c) => c.remoteAddr);
    const refused = this.addressBans.ban(peerId, from, until);
    if (fresh) {
      this.logger.warn({ peer: peerId, reason, banMs: this.options.banMs, addresses: from.map(String) }, 'banned a peer');
      this.onBan();
    }
    if (refused.length > 0) this.logger.warn({ peer: peerId, ips: refused, banMs: this.options.banMs }, 'refusing connections from the addresses of banned peers');
    void this.hangUp(peerId);
  }

  /**
   * Drops every connection to the peer at once. A misbehaving peer gets no graceful close: a
   * graceful close waits for its streams, and a hostile peer need never finish them.
   */
  private async hangUp(peerId: string): Promise<void> {
    for (const connection of this.host.getConnections()) {
      if (connection.remotePeer.toString() !== peerId) continue;
      try {
        connection.abort(new Error('peer banned or blocked'));
      } catch (err) {
        this.logger.debug({ err, peer: peerId }, 'hang up failed');
      }
    }
  }

  private readonly onDisconnect = (event: CustomEvent<PeerId>): void => {
    const id = event.detail.toString();
    this.listenAddrs.delete(id);
    for (const r of this.redials) {
      if (r.peerId === id) {
        r.nextAttemptMs = 0;
        r.backoffMs = MIN_BACKOFF_MS;
      }
    }
    if (this.running && this.timer !== null) {
      // Redial a dropped bootstrap peer soon rather than at the next tick.
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.tick(), 100);
    }
  };

  private readonly onIdentify = (event: CustomEvent<IdentifyResult>): void => {
    this.listenAddrs.set(event.detail.peerId.toString(), event.detail.listenAddrs.slice(0, 4));
  };

  private tick(): void {
    if (!this.running) return;
    try {
      this.dropLowScores();
      this.redialBootstrap();
      this.dialCandidates();
    } catch (err) {
      this.logger.error({ err }, 'peer manager tick failed');
    }
    this.timer = setTimeout(() => this.tick(), this.options.tickMs);
  }

  private dropLowScores(): void {
    for (const peer of this.host.getPeers()) this.checkScore(peer.toString());
    // Forget invalid-message counts that have decayed to nothing.
    const now = this.nowMs();
    for (const [id, tally] of this.invalid) if (decayedCount(tally, now) < 0.1) this.invalid.delete(id);
  }

  /** Bans a peer whose gossip score (every penalty and reward together) fell below the disconnect line. */
  /**
   * A gossip message from `peerId` was REJECTed. Gossipsub's own P4 penalty is the rule (three
   * invalid messages in a short while: -90, below the disconnect line), but its score is cached for
   * a heartbeat and decays back above the line within about two seconds, so a periodic look can
   * miss it; the same counter kept here bans on the spot.
   */
  invalidMessage(peerId: string): void {
    const now = this.nowMs();
    const last = this.invalid.get(peerId);
    const count = (last === undefined ? 0 : decayedCount(last, now)) + 1;
    this.invalid.set(peerId, { count, atMs: now });
    const score = INVALID_MESSAGE_WEIGHT * count * count;
    if (score < DISCONNECT_SCORE) this.ban(peerId, `${Math.round(count)} invalid gossip messages (score ${score.toFixed(1)} below ${DISCONNECT_SCORE})`);
  }

  private checkScore(peerId: string): void {
    const score = (this.host.services.pubsub as unknown as GossipSub).getScore(peerId);
    if (score < DISCONNECT_SCORE) this.ban(peerId, `gossip score ${score.toFixed(1)} below ${DISCONNECT_SCORE}`);
  }

  private redialBootstrap(): void {
    const now = this.nowMs();
    for (const r of this.redials) {
      if (r.dialing || now < r.nextAttemptMs) continue;
      if (r.peerId !== null && (r.peerId === this.host.peerId.toString() || this.isDenied(r.peerId))) continue;
      if (r.peerId !== null && this.connected(r.peerId)) continue;
      r.dialing = true;
      this.host
        .dial(r.address, { signal: AbortSignal.timeout(this.options.dialTimeoutMs) })
        .then((connection) => {
          r.peerId = connection.remotePeer.toString();
          r.backoffMs = MIN_BACKOFF_MS;
          r.nextAttemptMs = 0;
          this.logger.info({ peer: r.peerId, address: r.address.toString() }, 'connected to bootstrap peer');
        })
        .catch((err: unknown) => {
          r.nextAttemptMs = this.nowMs() + r.backoffMs;
          this.logger.debug({ err, address: r.address.toString(), retryInMs: r.backoffMs }, 'bootstrap dial failed');
          r.backoffMs = Math.min(MAX_BACKOFF_MS, r.backoffMs * 2);
        })
        .finally(() => {
          r.dialing = false;
        });
    }
  }

  private dialCandidates(): void {
    let missing = this.options.targetPeers - this.host.getPeers().length;
    for (const [id, addresses] of this.candidates) {
      if (missing <= 0) break;
      this.candidates.delete(id);
      if (this.isDenied(id) || this.connected(id)) continue;
      missing--;
      this.host.dial(addresses, { signal: AbortSignal.timeout(this.options.dialTimeoutMs) }).then(
        () => this.logger.debug({ peer: id }, 'connected to a peer learned from status'),
        (err: unknown) => this.logger.debug({ err, peer: id }, 'could not dial a learned peer'),
      );
    }
  }

  private connected(id: string): boolean {
    return this.host.getConnections(peerIdFromString(id)).length > 0;
  }
}
