/**
 * Snapshot state sync (docs/protocol.md §20.5): a node whose chain is still at its genesis block
 * asks its peers for their newest final snapshot, trusts the snapshot's block by a finality check
 * against the genesis file and the validator set changes since, each checked as the light client
 * checks them (or by an operator's --trusted-hash), checks the manifest against that
 * block's state_root, fetches the chunks from every peer offering the same snapshot (each checked
 * on arrival, forgers banned), stages them on disk, and installs the state in one atomic batch
 * (Chain.adoptSnapshot). Range sync then fetches the blocks after the snapshot.
 *
 * A node killed during a restore starts again at its genesis store: the staged chunks that still
 * verify are reused, the rest fetched again; nothing of the state is half-installed.
 */
import type { PeerId } from '@libp2p/interface';
import type { Logger } from 'pino';
import type { Chain } from '../../chain/chain.ts';
import type { Block } from '../../chain/codec/block.ts';
import { toHex } from '../../chain/crypto.ts';
import { RefKind, type SnapshotManifest, encodeManifest } from '../../chain/snapshot/format.ts';
import { verifyManifest } from '../../chain/snapshot/verify.ts';
import { LightValidatorSets, type TrustedGenesis, learnValidatorSets } from '../../light/index.ts';
import { ChainErrorCode } from '../../chain/errors.ts';
import { CodedError } from '../../tokenomics/errors.ts';
import { NetworkErrorCode, isNetworkError } from '../network/errors.ts';
import { MAX_RANGE_COUNT, type RangeRequest } from '../network/messages.ts';
import { ChunkStaging, stagedSnapshot } from './chunk-staging.ts';
import { fetchChunks } from './chunk-fetch.ts';
import { StateSyncError, StateSyncErrorCode } from './errors.ts';
import { trustBlock } from './trusted-block.ts';

export interface StateSyncDeps {
  readonly chain: Chain;
  readonly logger: Logger;
  /** The peers connected now. */
  readonly peers: () => readonly PeerId[];
  readonly manifest: (peer: PeerId, height: bigint | null) => Promise<SnapshotManifest>;
  readonly chunk: (peer: PeerId, height: bigint, index: number) => Promise<Uint8Array>;
  readonly blocks: (peer: PeerId, request: RangeRequest) => Promise<Block[]>;
  /** A page of a peer's validator set changes (the validator-sets protocol); absent: only the genesis set is known. */
  readonly validatorSets?: (peer: PeerId, after: bigint, limit: number) => Promise<unknown>;
  /** A peer proved to lie (a forged chunk or manifest): banned. */
  readonly ban: (peer: PeerId, reason: string) => void;
  readonly nowMs: () => number;
}

export interface StateSyncOptions {
  readonly dataDir: string;
  readonly genesis: TrustedGenesis;
  /** A block hash the operator trusts, at or above the snapshot's height (--trusted-hash). */
  readonly trustedHash: Uint8Array | null;
  /** How long to wait for peers that offer a snapshot. */
  readonly discoverMs?: number;
  /** Blocks fetched on top of the snapshot's block to find its proof (finality, or the trusted hash). */
  readonly proofBlocks?: number;
}

export interface StateSyncProgress {
  readonly phase: 'discovering' | 'chunks' | 'installing' | 'done' | 'failed';
  readonly height: bigint | null;
  readonly chunksDone: number;
  readonly chunksTotal: number;
  /** Chunks found staged on disk by an earlier, interrupted restore and reused. */
  readonly chunksReused: number;
  readonly chunksPerSecond: number;
  readonly bytes: number;
}

interface Offer {
  readonly manifest: SnapshotManifest;
  readonly peers: PeerId[];
}

export class StateSync {
  private readonly deps: StateSyncDeps;
  private readonly options: StateSyncOptions;
  private stopped = false;
  private state: { phase: StateSyncProgress['phase']; height: bigint | null; done: number; total: number; reused: number; bytes: number; startedMs: number } = {
    phase: 'discovering', height: null, done: 0, total: 0, reused: 0, bytes: 0, startedMs: 0,
  };

  constructor(deps: StateSyncDeps, options: StateSyncOptions) {
    this.deps = deps;
    this.options = options;
  }

  progress(): StateSyncProgress {
    const { phase, height, done, total, reused, bytes, startedMs } = this.state;
    const seconds = Math.max(0.001, (this.deps.nowMs() - startedMs) / 1000);
    return { phase, height, chunksDone: done, chunksTotal: total, chunksReused: reused, chunksPerSecond: phase === 'chunks' ? Math.round(((done - reused) / seconds) * 10) / 10 : 0, bytes };
  }

  stop(): void {
    this.stopped = true;
  }

  /**
   * Restores the newest trustworthy snapshot; resolves true once installed, false when stopped.
   * Throws StateSyncError when no peer offers one, none can be trusted, or its servers all failed.
   */
  async run(): Promise<boolean> {
    try {
      const offers = await this.discover();
      let lastFailure: StateSyncError | null = null;
      for (const offer of offers) {
        if (this.stopped) return false;
        const trusted = await this.trusted(offer);
        if (trusted === null) continue;
        try {
          return await this.restore(offer, trusted);
        } catch (err) {
          // Its servers all failed or lied: an older snapshot other peers offer may still do.
          if (!(err instanceof StateSyncError) || err.code !== StateSyncErrorCode.NoPeersLeft) throw err;
          this.deps.logger.warn({ height: String(offer.manifest.height), err: err.message }, 'state sync: trying the next snapshot offered');
          lastFailure = err;
        }
      }
      if (lastFailure !== null) throw lastFailure;
      throw new StateSyncError(StateSyncErrorCode.UntrustedSnapshot, `None of the ${offers.length} snapshots offered could be trusted: their blocks are not proven final against the genesis file and the validator set changes their peers served${this.options.trustedHash === null ? '' : ', nor lead to --trusted-hash'}.`);
    } catch (err) {
      this.state.phase = 'failed';
      throw err;
    }
  }

  /** The snapshots offered above our head, newest first, each with the peers offering the same manifest. */
  private async discover(): Promise<Offer[]> {
    const { chain, logger } = this.deps;
    const deadline = this.deps.nowMs() + (this.options.discoverMs ?? 10_000);
    const offers = new Map<string, Offer>();
    const asked = new Set<string>();
    // An interrupted restore's snapshot is asked for too, and preferred: its staged chunks are reused.
    const staged = stagedSnapshot(this.options.dataDir);
    const heights: (bigint | null)[] = staged === null ? [null] : [null, staged.height];
    while (!this.stopped) {
      const fresh = this.deps.peers().filter((p) => !asked.has(p.toString()));
      await Promise.all(fresh.map(async (peer) => {
        try {
          for (const height of heights) {
            const manifest = await this.deps.manifest(peer, height).catch((err: unknown) => {
              // Only the newest is required of a peer; the staged one may be gone.
              if (height !== null && isNetworkError(err, NetworkErrorCode.NotFound)) return null;
              throw err;
            });
            if (manifest === null || manifest.height <= chain.head.header.height) continue;
            const key = toHex(encodeManifest(manifest));
            const offer = offers.get(key) ?? { manifest, peers: [] };
            if (!offer.peers.some((p) => p.toString() === peer.toString())) offer.peers.push(peer);
            offers.set(key, offer);
          }
          asked.add(peer.toString());
        } catch (err) {
          if (!(err instanceof CodedError)) throw err;
          // A peer that has none says so; one not ready yet (unreachable, rate limited) is asked again.
          if (isNetworkError(err, NetworkErrorCode.NotFound) || isNetworkError(err, NetworkErrorCode.BadResponse)) asked.add(peer.toString());
          logger.debug({ peer: peer.toString(), err: err.message }, 'no snapshot from this peer');
        }
      }));
      // Once someone offers one, a short wait lets the other peers' identical offers join it; when
      // every connected peer has answered and none offers one (a young network), there is none to wait for.
      const connected = this.deps.peers().length;
      if (offers.size > 0 && (this.deps.nowMs() >= deadline || asked.size >= Math.min(2, connected))) break;
      if (offers.size === 0 && connected > 0 && asked.size >= connected) break;
      if (this.deps.nowMs() >= deadline) break;
      await sleep(250);
    }
    if (offers.size === 0) throw new StateSyncError(StateSyncErrorCode.NoSnapshot, `No peer offered a state snapshot above height ${chain.head.header.height} (${asked.size} answered).`);
    const resumes = (o: Offer): boolean => staged !== null && o.manifest.height === staged.height && toHex(o.manifest.blockHash).startsWith(staged.hashPrefix);
    return [...offers.values()].sort((a, b) => {
      if (resumes(a) !== resumes(b)) return resumes(a) ? -1 : 1;
      return a.manifest.height === b.manifest.height ? b.peers.length - a.peers.length : a.manifest.height > b.manifest.height ? -1 : 1;
    });
  }

  /** The offer's block, fetched with the blocks on top and trusted (trusted-block.ts), with the manifest checked against it; null if not. */
  private async trusted(offer: Offer): Promise<Block | null> {
    const { manifest } = offer;
    const { genesis, trustedHash } = this.options;
    for (const peer of offer.peers) {
      try {
        const sets = trustedHash === null ? await this.validatorSetsUpTo(peer, manifest.height + BigInt(MAX_RANGE_COUNT)) : undefined;
        // A trusted hash may name any block up to a range above the snapshot; finality needs 2n + 1 at most.
        const proof = sets === undefined ? MAX_RANGE_COUNT : 2 * sets.at(manifest.height).keys.length + 2;
        const wanted = BigInt(Math.min(MAX_RANGE_COUNT, this.options.proofBlocks ?? proof));
        const blocks = await this.deps.blocks(peer, { startHeight: manifest.height, count: wanted });
        await trustBlock(genesis, blocks, trustedHash, sets);
        verifyManifest(manifest, { height: blocks[0]!.header.height, hash: blocks[0]!.hash, stateRoot: blocks[0]!.header.stateRoot });
        return blocks[0]!;
      } catch (err) {
        if (!(err instanceof CodedError)) throw err;
        this.deps.logger.warn({ peer: peer.toString(), height: String(manifest.height), code: err.code, err: err.message }, 'snapshot block not trusted');
        // A manifest that does not match its trusted block is a forgery: every peer that offered it is banned.
        if (err.code === ChainErrorCode.InvalidSnapshot) {
          for (const p of offer.peers) this.deps.ban(p, `offered a snapshot manifest of height ${manifest.height} that does not match its block: ${err.message}`);
          return null;
        }
        // Otherwise this peer's blocks proved nothing (too few, unreachable, forged): ask the next one.
      }
    }
    return null;
  }

  /**
   * The validator sets in force up to `upTo`, from the genesis set and `peer`'s changes, each
   * checked as the light client checks them (docs/protocol.md §19.1): a peer can withhold a change
   * (the finality check then fails on the new set's blocks) but not make us trust a set.
   */
  private async validatorSetsUpTo(peer: PeerId, upTo: bigint): Promise<LightValidatorSets> {
    const { genesis } = this.options;
    const sets = new LightValidatorSets(genesis.validators);
    const page = this.deps.validatorSets;
    if (page !== undefined) await learnValidatorSets(genesis, sets, upTo, (after, limit) => page(peer, after, limit));
    return sets;
  }

  private async restore(offer: Offer, block: Block): Promise<boolean> {
    const { manifest } = offer;
    const staging = new ChunkStaging(this.options.dataDir, manifest);
    staging.open();
    const held = staging.verifiedOnDisk();
    const needed = manifest.chunks.map((c, i) => (c.kind === RefKind.Empty || held.has(i) ? -1 : i)).filter((i) => i >= 0);
    const total = manifest.chunks.filter((c) => c.kind !== RefKind.Empty).length;
    this.state = { phase: 'chunks', height: manifest.height, done: total - needed.length, total, reused: total - needed.length, bytes: 0, startedMs: this.deps.nowMs() };
    this.deps.logger.info({ height: String(manifest.height), chunks: total, reused: total - needed.length, peers: offer.peers.length }, 'state sync: fetching snapshot');
    await fetchChunks(manifest, needed, offer.peers, {
      fetch: (peer, index) => this.deps.chunk(peer, manifest.height, index),
      penalize: (peer, reason) => this.deps.ban(peer, reason),
      onChunk: (index, bytes) => {
        staging.put(index, bytes);
        this.state.done++;
        this.state.bytes += bytes.length;
      },
      logger: this.deps.logger,
      stopped: () => this.stopped,
    });
    if (this.stopped) return false;
    this.state.phase = 'installing';
    await this.deps.chain.adoptSnapshot(block, manifest, staging.chunks());
    staging.remove();
    this.state.phase = 'done';
    this.deps.logger.info({ height: String(manifest.height), bytes: this.state.bytes, seconds: Math.round((this.deps.nowMs() - this.state.startedMs) / 100) / 10 }, 'state sync: snapshot installed; range sync goes on from the next block');
    return true;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
