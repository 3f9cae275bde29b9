/**
 * Frames over our size limits: a gossipsub RPC over the gossip maximum (host.ts), a request or
 * response over the req/resp limits (req-resp.ts). The length prefix gives them away before their
 * bytes are read, so they cost us little, but no honest node sends one: the peer is penalized for
 * each (two within about a minute ban it, peer-manager.ts) and logged once per peer per minute with
 * the number of frames, never once per frame.
 */
import type { PeerId } from '@libp2p/interface';
import type { Logger } from 'pino';
import type { Pubsub } from './host.ts';
import { OncePerWindow } from './once-per-window.ts';

/** Half the ban line: one oversized frame is a warning, a second within the penalty's decay bans. */
export const PENALTY_OVERSIZED_FRAME = 40;

/** What it-length-prefixed(-stream) throws for a length prefix over `maxDataLength` (or a prefix too long itself). */
export function isOversizedFrameError(err: unknown): boolean {
  const name = (err as { name?: unknown } | null)?.name;
  return name === 'InvalidDataLengthError' || name === 'InvalidDataLengthLengthError';
}

export interface OversizedFramesDeps {
  readonly logger: Logger;
  readonly nowMs: () => number;
  readonly penalize: (peer: string, amount: number, reason: string, options: { quiet: boolean }) => void;
}

export class OversizedFrames {
  private readonly deps: OversizedFramesDeps;
  private readonly once: OncePerWindow;

  constructor(deps: OversizedFramesDeps) {
    this.deps = deps;
    this.once = new OncePerWindow({ windowMs: 60_000 }, deps.nowMs);
  }

  /** `peer` sent a frame over the limit of `where` (a gossip stream, or a req/resp protocol). */
  report(peer: PeerId | string, where: string, limitBytes: number): void {
    const id = peer.toString();
    const frames = this.once.occur(id);
    if (frames > 0) this.deps.logger.warn({ peer: id, where, limitBytes, frames, penaltyEach: PENALTY_OVERSIZED_FRAME }, 'a peer sent frames over the size limit; penalized');
    this.deps.penalize(id, PENALTY_OVERSIZED_FRAME, `a frame over the ${limitBytes}-byte limit of ${where}`, { quiet: true });
  }
}

/**
 * Tells `onOversized` about every gossipsub inbound stream that ended on a frame over its maximum.
 * Gossipsub closes such a stream and says nothing outside its debug log; its one hook for read
 * errors is `handlePeerReadStreamError` (kept separate upstream "for testing purposes to spy on the
 * error handling"), which we wrap on this instance, keeping its behaviour.
 */
export function watchGossipFrames(pubsub: Pubsub, onOversized: (peer: PeerId) => void): void {
  const target = pubsub as unknown as { handlePeerReadStreamError?: (err: unknown, peer: PeerId) => void };
  const original = target.handlePeerReadStreamError;
  if (typeof original !== 'function') throw new Error('gossipsub has no handlePeerReadStreamError: the pinned version changed');
  target.handlePeerReadStreamError = (err: unknown, peer: PeerId): void => {
    if (isOversizedFrameError(err)) onOversized(peer);
    original.call(pubsub, err, peer);
  };
}
