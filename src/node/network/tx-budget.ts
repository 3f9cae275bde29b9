/**
 * What a peer's gossiped transactions may cost us (issue 12, "gossip costs the sender"; README
 * "Network"). Lodestar-style per-peer budgets: every tx a peer sends takes one unit from its bucket
 * before we decode it or check its signature; what the work turns out to be decides whether the unit
 * comes back:
 *
 * - ACCEPTed (a new valid tx): the unit comes back with one more, so each valid tx pays for one that
 *   failed: a relay whose txs fail less often than they pass never runs dry, at any rate.
 * - failed: a token rule refused it (balance, nonce, authority...), or it was REJECTed: the unit
 *   stays spent, and the failure counts toward a ban (below).
 * - excused: refused for a reason that is not the sender's fault: our own limits (MempoolFull), an
 *   internal error, a copy of a tx already pending or included (honest relays race: under load a
 *   tx relayed to us often arrives after the block that includes it; counted as failures, these
 *   got honest validators banned by each other in bench:load), a nonce ahead of the sender's next
 *   one (gossip.ts: we missed its earlier tx, so every later one fails here), or any failure while this node is
 *   behind its peers (syncing: our state is old, so a tx may fail here and be valid there). The unit stays spent all the same (the work was done,
 *   and a reason that excused the cost, such as a per-sender limit already reached, would let one
 *   peer make us check signatures for free), but it is no step toward a ban and ends a streak of
 *   failures (a tx we could not take may well be valid).
 *
 * The bucket holds `capacity` units, plus one per tx of the peer ever ACCEPTed up to
 * `earnedCapacity` more, and refills at `refillPerSecond`. The bucket also covers a relay's txs
 * still in validation, which wait for the chain's queue while a block is produced or imported (a
 * second or more for a big block): 256 units ran dry for a relay forwarding a few hundred txs a
 * second, its txs were dropped unread, the next ones failed on their nonce gaps, and honest
 * validators were throttled and then banned. A relay earns room by txs that paid their fees; a
 * peer that never sent a valid tx keeps the base bucket. A peer with no unit left is
 * throttled: its txs are IGNOREd unread (no decode, no signature check) until it has units again, so
 * the CPU a flood costs us is at most capacity (+ what it earned) + refillPerSecond x seconds.
 * A peer whose last `banAfterFailures` txs all failed or, after a failure, were dropped unread while
 * none of its txs was in validation (so the bucket is empty because of failures, not because of a
 * burst still being checked), each within `streakWindowMs` of the one before and none ACCEPTed or
 * excused among them, is banned (peer-manager.ts): it sends nothing but refused txs, and keeps
 * sending while throttled. An honest relay whose tx lost a race (a nonce already used, a balance
 * spent by a tx that reached us first) sends valid txs too: the next one we validate (the bucket
 * lets one through every 1/refillPerSecond) resets the count, and IGNORE still never lowers its
 * gossipsub score. Pure bookkeeping: the caller gives the time.
 */
import { ChainError } from '../../chain/errors.ts';
import { isTokenError } from '../../tokenomics/index.ts';
import { RateLimiter } from './rate-limiter.ts';
import { PROVABLY_INVALID } from './verdict.ts';

export interface TxBudgetOptions {
  /** Units a peer may spend at once: txs in validation plus txs that failed recently. */
  readonly capacity: number;
  /** Units more at most, one per ACCEPTed tx of the peer (0: a fixed bucket). */
  readonly earnedCapacity?: number;
  readonly refillPerSecond: number;
  /** This many refused txs in a row (failed, or dropped unread after a failure; none ACCEPTed or excused between) ban the peer. */
  readonly banAfterFailures: number;
  /** A failure later than this after the previous one starts the count again. */
  readonly streakWindowMs: number;
  /** Peers remembered at most (the least recently seen are forgotten). */
  readonly maxPeers?: number;
}

/** The defaults of a node: a flooder is throttled after at most 256 txs and banned at its 384th refused one. */
export const DEFAULT_TX_BUDGET: TxBudgetOptions = { capacity: 256, earnedCapacity: 4_096, refillPerSecond: 32, banAfterFailures: 384, streakWindowMs: 60_000 };

/** Units an ACCEPTed tx earns on top of its own: one valid tx pays for one failed one. */
const ACCEPT_CREDIT = 1;

export type Admission = 'validate' | 'throttled' | 'ban';

export type TxOutcome = 'accepted' | 'failed' | 'excused';

/** What a tx's validation cost its sender; `err` is what validation threw (undefined: ACCEPTed). */
export function txOutcome(err: unknown, behind: boolean): TxOutcome {
  if (err === undefined) return 'accepted';
  if (err instanceof ChainError && PROVABLY_INVALID.has(err.code)) return 'failed';
  return isTokenError(err) && !behind ? 'failed' : 'excused';
}

/** Per peer, since the node started (or since the peer was last forgotten). */
export interface PeerTxCounts {
  /** Txs let through to decoding and signature checks. */
  validated: number;
  accepted: number;
  failed: number;
  /** Refused, but not for the sender's fault (our limits, our faults, our lag): no step toward a ban. */
  excused: number;
  /** Txs dropped unread because the peer's budget was empty. */
  throttled: number;
}

interface Tally {
  readonly counts: PeerTxCounts;
  streak: number;
  lastFailureMs: number;
  /** Admitted txs whose validation has not finished. */
  inFlight: number;
}

export class TxBudget {
  private readonly options: Required<TxBudgetOptions>;
  private readonly nowMs: () => number;
  private readonly bucket: RateLimiter;
  private readonly tallies = new Map<string, Tally>();

  constructor(options: TxBudgetOptions, nowMs: () => number) {
    this.options = { maxPeers: 1_024, earnedCapacity: 0, ...options };
    this.nowMs = nowMs;
    this.bucket = new RateLimiter({ capacity: options.capacity, refillPerSecond: options.refillPerSecond, maxPeers: this.options.maxPeers }, nowMs);
  }

  /**
   * Before any work on a tx from `peer`: 'validate' it, or drop it unread ('throttled'; 'ban' when
   * this drop completes the streak of failures that bans the peer).
   */
  admit(peer: string): Admission {
    const tally = this.tally(peer);
    if (this.bucket.take(peer, 1, this.capacityOf(tally))) {
      tally.counts.validated++;
      tally.inFlight++;
      return 'validate';
    }
    tally.counts.throttled++;
    // A drop extends a streak that a failure began, once the peer's txs in validation are done: an
    // honest burst (say, while a big block import holds our thread) begins none.
    return tally.streak > 0 && tally.inFlight === 0 && this.extendStreak(tally) ? 'ban' : 'throttled';
  }

  /** After the validation of an admitted tx. True when this failure makes the peer one to ban. */
  settle(peer: string, outcome: TxOutcome): boolean {
    const tally = this.tally(peer);
    tally.inFlight = Math.max(0, tally.inFlight - 1);
    if (outcome === 'accepted') {
      tally.counts.accepted++;
      this.bucket.refund(peer, 1 + ACCEPT_CREDIT, this.capacityOf(tally));
      tally.streak = 0;
      return false;
    }
    if (outcome === 'excused') {
      tally.counts.excused++;
      tally.streak = 0;
      return false;
    }
    tally.counts.failed++;
    return this.extendStreak(tally);
  }

  /** The peer's bucket size: the base, plus what its ACCEPTed txs earned. */
  private capacityOf(tally: Tally): number {
    return this.options.capacity + Math.min(tally.counts.accepted, this.options.earnedCapacity);
  }

  /** One more refused tx in the peer's streak; true (and the streak starts over) when it reaches the ban. */
  private extendStreak(tally: Tally): boolean {
    const now = this.nowMs();
    tally.streak = now - tally.lastFailureMs > this.options.streakWindowMs ? 1 : tally.streak + 1;
    tally.lastFailureMs = now;
    if (tally.streak < this.options.banAfterFailures) return false;
    tally.streak = 0;
    return true;
  }

  counts(peer: string): PeerTxCounts {
    return { ...(this.tallies.get(peer)?.counts ?? { validated: 0, accepted: 0, failed: 0, excused: 0, throttled: 0 }) };
  }

  private tally(peer: string): Tally {
    let tally = this.tallies.get(peer);
    if (tally === undefined) {
      tally = { counts: { validated: 0, accepted: 0, failed: 0, excused: 0, throttled: 0 }, streak: 0, lastFailureMs: -Infinity, inFlight: 0 };
      if (this.tallies.size >= this.options.maxPeers) this.tallies.delete(this.tallies.keys().next().value!);
    } else {
      this.tallies.delete(peer);
    }
    this.tallies.set(peer, tally);
    return tally;
  }
}
