/**
 * The gossip topics: blocks and transactions. Each incoming message is validated once, here, and
 * the verdict goes back to gossipsub, which forwards only what we ACCEPT and lowers the sender's
 * score for what we REJECT. Validating a block means importing it (fork choice included), so a block
 * is forwarded only once this node holds it. Nothing a peer sends can throw out of this file.
 *
 * What we publish: blocks this node produced, and transactions that entered our mempool from the
 * API. What came in by gossip is not published again: gossipsub forwards accepted messages itself.
 */
import type { PeerId } from '@libp2p/interface';
import type { Logger } from 'pino';
import { BlockErrorCode, isBlockError } from '../../chain/block-error.ts';
import { checkProposer } from '../../chain/block-import.ts';
import type { Chain } from '../../chain/chain.ts';
import { type Block, decodeBlock } from '../../chain/codec/block.ts';
import { bytesEqual } from '../../chain/codec/msgpack.ts';
import { MAX_TX_BYTES, type SignedTx, decodeSignedTx } from '../../chain/codec/tx.ts';
import { toHex } from '../../chain/crypto.ts';
import { ChainError, ChainErrorCode } from '../../chain/errors.ts';
import { proposerFor } from '../../chain/poa.ts';
import type { SlotClock } from '../slot-clock.ts';
import type { Pubsub } from './host.ts';
import { OncePerWindow } from './once-per-window.ts';
import type { ProtocolNames } from './protocols.ts';
import { DEFAULT_TX_BUDGET, type PeerTxCounts, TxBudget, type TxBudgetOptions, txOutcome } from './tx-budget.ts';
import { type Classified, Verdict, classifyError, toTopicValidatorResult } from './verdict.ts';
import { ErrorCode, accountIn, isTokenError, walletIdFromPublicKey } from '../../tokenomics/index.ts';

export interface GossipDeps {
  readonly pubsub: Pubsub;
  readonly chain: Chain;
  readonly clock: SlotClock;
  readonly names: ProtocolNames;
  readonly logger: Logger;
  /** A valid-looking block whose parent we lack: the sender is ahead of us, so sync from it. */
  readonly onUnknownParent: (block: Block, from: PeerId) => void;
  /** A message from `from` was REJECTed (gossipsub lowers its score once this verdict returns). */
  readonly onRejected?: (from: PeerId) => void;
  /** What a peer's txs may cost us (tx-budget.ts); DEFAULT_TX_BUDGET when absent. */
  readonly txBudget?: TxBudgetOptions;
  /** True while this node is behind its peers: its state is old, so a tx failing here is no one's fault. */
  readonly isBehind?: () => boolean;
  /** `from` sent nothing but failing txs for as long as tx-budget.ts tolerates: ban it. */
  readonly onTxFlood?: (from: PeerId, counts: PeerTxCounts) => void;
}

export interface VerdictCounts {
  accept: number;
  ignore: number;
  reject: number;
}

export type GossipKind = 'blocks' | 'txs';

export class Gossip {
  private readonly deps: GossipDeps;
  /** Hashes of gossip txs being submitted now, so the mempool's 'tx' event does not publish them again. */
  private readonly fromGossip = new Set<string>();
  /** Refusals of txs whose nonce is ahead of the sender's next one: we missed an earlier tx, the relay did nothing wrong. */
  private readonly nonceGaps = new WeakSet<object>();
  readonly counts: Record<GossipKind, VerdictCounts> = {
    blocks: { accept: 0, ignore: 0, reject: 0 },
    txs: { accept: 0, ignore: 0, reject: 0 },
  };
  private running = false;
  private readonly budget: TxBudget;
  /** One "throttled" line per peer per minute, however many txs it keeps sending. */
  private readonly throttleLog: OncePerWindow;

  constructor(deps: GossipDeps) {
    this.deps = deps;
    const nowMs = (): number => Number(deps.clock.nowMs());
    this.budget = new TxBudget(deps.txBudget ?? DEFAULT_TX_BUDGET, nowMs);
    this.throttleLog = new OncePerWindow({ windowMs: 60_000 }, nowMs);
  }

  /** What `peer`'s gossiped txs cost us so far (validated, accepted, failed, throttled). */
  txCounts(peer: string): PeerTxCounts {
    return this.budget.counts(peer);
  }

  start(): void {
    const { pubsub, names, chain } = this.deps;
    this.running = true;
    pubsub.topicValidators.set(names.blocksTopic, async (peer, msg) => toTopicValidatorResult(await this.verdict('blocks', peer, msg.data)));
    pubsub.topicValidators.set(names.txsTopic, async (peer, msg) => toTopicValidatorResult(await this.verdict('txs', peer, msg.data)));
    pubsub.subscribe(names.blocksTopic);
    pubsub.subscribe(names.txsTopic);
    chain.events.on('block', this.onBlock);
    chain.events.on('tx', this.onTx);
  }

  stop(): void {
    const { pubsub, names, chain } = this.deps;
    this.running = false;
    chain.events.off('block', this.onBlock);
    chain.events.off('tx', this.onTx);
    pubsub.topicValidators.delete(names.blocksTopic);
    pubsub.topicValidators.delete(names.txsTopic);
  }

  /** Validates one message and counts and logs its verdict; never throws. */
  private async verdict(kind: GossipKind, from: PeerId, data: Uint8Array): Promise<Verdict> {
    // The budget is taken before any work, so a throttled peer costs us a map lookup per tx.
    if (kind === 'txs') {
      const admission = this.budget.admit(from.toString());
      if (admission !== 'validate') return this.throttled(from, admission === 'ban');
    }
    let result: Classified;
    let error: unknown;
    try {
      result = kind === 'blocks' ? await this.validateBlock(from, data) : await this.validateTx(data);
    } catch (err) {
      error = err;
      result = classifyError(err);
      if (result.reason === 'InternalError') this.deps.logger.error({ err, kind, peer: from.toString() }, 'gossip validation failed unexpectedly');
    }
    if (kind === 'txs') this.settleTx(from, error);
    this.counts[kind][result.verdict]++;
    if (result.verdict === Verdict.Reject) {
      this.deps.logger.warn({ kind, peer: from.toString(), reason: result.reason, bytes: data.length }, 'rejected an invalid gossip message');
      this.deps.onRejected?.(from);
    } else if (result.verdict === Verdict.Ignore) {
      this.deps.logger.debug({ kind, peer: from.toString(), reason: result.reason }, 'ignored a gossip message');
    }
    return result.verdict;
  }

  private throttled(from: PeerId, ban: boolean): Verdict {
    this.counts.txs.ignore++;
    const peer = from.toString();
    const dropped = this.throttleLog.occur(peer);
    if (dropped > 0) this.deps.logger.warn({ peer, dropped, ...this.budget.counts(peer) }, 'throttled a peer: its tx budget is spent, more of its txs are dropped unread');
    if (ban) this.deps.onTxFlood?.(from, this.budget.counts(peer));
    return Verdict.Ignore;
  }

  private settleTx(from: PeerId, error: unknown): void {
    const peer = from.toString();
    // A nonce gap means we dropped or missed the sender's earlier tx (a throttled burst, a lost
    // message): the txs after it fail here until a block brings it, through no fault of the relay.
    const gap = typeof error === 'object' && error !== null && this.nonceGaps.has(error);
    const outcome = gap ? 'excused' : txOutcome(error, this.deps.isBehind?.() ?? false);
    if (this.budget.settle(peer, outcome)) this.deps.onTxFlood?.(from, this.budget.counts(peer));
  }

  private async validateBlock(from: PeerId, data: Uint8Array): Promise<Classified> {
    const { chain, clock } = this.deps;
    if (data.length > Number(chain.params.maxBlockBytes)) return { verdict: Verdict.Reject, reason: 'TooLarge' };
    const block = decodeBlock(data);
    const h = block.header;
    if (h.chainId !== chain.params.chainId) return { verdict: Verdict.Reject, reason: ChainErrorCode.WrongChainId };
    if (await chain.hasBlock(block.hash)) return { verdict: Verdict.Ignore, reason: ChainErrorCode.KnownBlock };
    // Too early: maybe our clock lags; the block comes back by sync once its slot has begun.
    if (h.slot > clock.currentSlot() + 1n) return { verdict: Verdict.Ignore, reason: ChainErrorCode.FutureSlot };
    // The proposer and signature first (cheap): a forged header neither makes us sync nor makes the
    // chain rebuild a side branch's state only to find the signature wrong. Import is told the
    // signature verified and the block not stored, so neither is checked again.
    const validators = chain.validatorsFor(h.height);
    if (!onHead(block, chain) && proposerFor(h.slot, validators).publicKey !== h.proposer) {
      // Off the head the head's schedule may not be the block's: its own branch may have another
      // set in force (docs/protocol.md §17.7). Not provably invalid, so no penalty; if that branch
      // grows longer, range sync brings it with full validation on its own state.
      return { verdict: Verdict.Ignore, reason: ChainErrorCode.WrongProposer };
    }
    checkProposer(block, validators);
    if (!(await chain.hasBlock(h.parentHash))) {
      this.deps.onUnknownParent(block, from);
      return { verdict: Verdict.Ignore, reason: ChainErrorCode.UnknownParent };
    }
    try {
      await chain.importBlock(block, clock.currentSlot(), { proposerSignatureVerified: true, checkedUnknown: true });
    } catch (err) {
      if (isBlockError(err, BlockErrorCode.UnknownParent)) this.deps.onUnknownParent(block, from);
      throw err;
    }
    return { verdict: Verdict.Accept, reason: 'ok' };
  }

  private async validateTx(data: Uint8Array): Promise<Classified> {
    if (data.length > MAX_TX_BYTES) throw new ChainError(ChainErrorCode.TxTooLarge, `A gossiped tx of ${data.length} bytes is over the ${MAX_TX_BYTES}-byte bound.`);
    // Decoded once: the chain takes the decoded tx.
    const tx = decodeSignedTx(data);
    const hash = toHex(tx.hash);
    this.fromGossip.add(hash);
    try {
      await this.deps.chain.submitTx(tx);
    } catch (err) {
      if (isTokenError(err, ErrorCode.InvalidNonce) && tx.tx.nonce > this.nextNonce(walletIdFromPublicKey(tx.tx.signer))) this.nonceGaps.add(err as object);
      throw err;
    } finally {
      this.fromGossip.delete(hash);
    }
    return { verdict: Verdict.Accept, reason: 'ok' };
  }

  /** The sender's next nonce here: its account's, past its pending txs. */
  private nextNonce(wallet: string): bigint {
    return accountIn(this.deps.chain.state, wallet).nonce + BigInt(this.deps.chain.mempool.pendingOf(wallet));
  }

  // Chain events are emitted inside the chain's commit: these listeners must not throw or block.
  private readonly onBlock = (block: Block, _imported: unknown, origin: 'produced' | 'imported'): void => {
    if (origin === 'produced') this.publish('blocks', this.deps.names.blocksTopic, block.bytes);
  };

  private readonly onTx = (tx: SignedTx): void => {
    if (!this.fromGossip.has(toHex(tx.hash))) this.publish('txs', this.deps.names.txsTopic, tx.bytes);
  };

  private publish(kind: GossipKind, topic: string, bytes: Uint8Array): void {
    if (!this.running) return;
    this.deps.pubsub.publish(topic, bytes).then(
      (result) => this.deps.logger.debug({ kind, recipients: result.recipients.length }, 'published'),
      (err: unknown) => this.deps.logger.warn({ err, kind }, 'could not publish'),
    );
  }
}

/** Whether `block` builds on the head: then the head's schedule is exactly the one it must follow. */
function onHead(block: Block, chain: Chain): boolean {
  return bytesEqual(block.header.parentHash, chain.head.hash);
}
