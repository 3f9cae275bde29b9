/**
 * Fetching a snapshot's chunks from several peers at once (docs/protocol.md §20.5). Each peer
 * serving the chosen manifest gets a few requests in flight; every chunk is checked against the
 * manifest the moment it arrives. A chunk that fails the check is proof of a lie: its peer is
 * penalized (banned) and dropped, and the chunk is asked of another peer. A peer that no longer
 * holds the snapshot is dropped at once, one that stops answering after a few failures; one that
 * rate limits us waits. The
 * fetch ends when every chunk is held, or fails typed once no peer is left.
 */
import type { PeerId } from '@libp2p/interface';
import type { Logger } from 'pino';
import type { SnapshotManifest } from '../../chain/snapshot/format.ts';
import { verifyChunk } from '../../chain/snapshot/verify.ts';
import { ChainError, ChainErrorCode } from '../../chain/errors.ts';
import { NetworkErrorCode, isNetworkError } from '../network/errors.ts';
import { StateSyncError, StateSyncErrorCode } from './errors.ts';

export interface ChunkFetchDeps {
  readonly fetch: (peer: PeerId, index: number) => Promise<Uint8Array>;
  /** A peer served a forged chunk. */
  readonly penalize: (peer: PeerId, reason: string) => void;
  /** A verified chunk (kept by the caller: staged on disk). */
  readonly onChunk: (index: number, bytes: Uint8Array) => void;
  readonly logger: Logger;
  readonly stopped: () => boolean;
}

export interface ChunkFetchOptions {
  /** Requests in flight per peer. */
  readonly perPeer?: number;
  /** Failures (no answer, not found) after which a peer is no longer asked. */
  readonly maxFailures?: number;
  /** How long to wait after a peer rate limited us. */
  readonly backoffMs?: number;
}

interface Server {
  readonly peer: PeerId;
  failures: number;
  dropped: boolean;
}

export async function fetchChunks(manifest: SnapshotManifest, needed: readonly number[], peers: readonly PeerId[], deps: ChunkFetchDeps, options: ChunkFetchOptions = {}): Promise<void> {
  const perPeer = options.perPeer ?? 4;
  const maxFailures = options.maxFailures ?? 3;
  const backoffMs = options.backoffMs ?? 1_000;
  const queue = [...needed];
  let remaining = queue.length;
  let wake: (() => void) | null = null;
  const notify = (): void => {
    const w = wake;
    wake = null;
    w?.();
  };
  const servers: Server[] = peers.map((peer) => ({ peer, failures: 0, dropped: false }));
  const alive = (): boolean => servers.some((s) => !s.dropped);

  const worker = async (server: Server): Promise<void> => {
    while (remaining > 0 && !server.dropped && !deps.stopped()) {
      const index = queue.shift();
      if (index === undefined) {
        // Others hold the last chunks in flight: wait for one to come back or finish.
        await new Promise<void>((resolve) => {
          const previous = wake;
          wake = () => { previous?.(); resolve(); };
        });
        continue;
      }
      try {
        const bytes = await deps.fetch(server.peer, index);
        verifyChunk(manifest, index, bytes);
        deps.onChunk(index, bytes);
        remaining--;
        notify();
      } catch (err) {
        queue.push(index);
        if (err instanceof ChainError && (err.code === ChainErrorCode.InvalidSnapshot || err.code === ChainErrorCode.MalformedBytes)) {
          // Its other requests in flight may fail too: one penalty (a ban) is enough.
          if (!server.dropped) deps.penalize(server.peer, `served a forged snapshot chunk ${index} of height ${manifest.height}: ${err.message}`);
          server.dropped = true;
        } else if (isNetworkError(err, NetworkErrorCode.NotFound)) {
          // It no longer holds the snapshot (a newer one replaced it): nothing more to ask it.
          server.dropped = true;
        } else if (isNetworkError(err, NetworkErrorCode.RateLimited)) {
          await sleep(backoffMs);
        } else if (isNetworkError(err) || err instanceof ChainError) {
          server.failures++;
          if (server.failures >= maxFailures) server.dropped = true;
          deps.logger.info({ peer: server.peer.toString(), chunk: index, err: (err as Error).message }, 'snapshot chunk request failed');
        } else {
          throw err;
        }
        notify();
      }
    }
    notify();
  };

  const workers: Promise<void>[] = [];
  // Round by round, so every server gets a first chunk before any gets a second.
  for (let i = 0; i < perPeer; i++) for (const server of servers) workers.push(worker(server));
  await Promise.all(workers);
  if (remaining > 0 && !deps.stopped() && !alive()) {
    throw new StateSyncError(StateSyncErrorCode.NoPeersLeft, `${remaining} of ${needed.length} snapshot chunks are still missing and no peer serving snapshot ${manifest.height} is left.`);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
