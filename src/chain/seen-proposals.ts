/**
 * The first block seen per (slot, proposer) (Lodestar's seen block proposers,
 * beacon-node/src/chain/seenCache/seenBlockProposers.ts). A validator that signs two different
 * blocks for one slot equivocates (docs/protocol.md §14.2; evidence bounded, §9): the second is refused before it is
 * executed, and both signed headers are kept as evidence the authority may slash on.
 *
 * `check` runs once the header's signature is known good (a forged header proves nothing against
 * a key); `remember` runs once the block validated, so an invalid first block does not shut out
 * the proposer's valid one.
 */
import type { Logger } from 'pino';
import { BlockError, BlockErrorCode } from './block-error.ts';
import type { Block, BlockHeader } from './codec/block.ts';
import { bytesEqual } from './codec/msgpack.ts';
import { toHex } from './crypto.ts';
import { EvidenceLog } from './evidence-log.ts';

/** Two different headers signed by one validator for one slot: evidence the authority may slash on. */
export interface Equivocation {
  readonly slot: bigint;
  readonly proposer: string;
  readonly first: BlockHeader & { hash: Uint8Array };
  readonly second: BlockHeader & { hash: Uint8Array };
}

export interface SeenProposalsOptions {
  /** (slot, proposer) pairs remembered; the oldest is forgotten first. */
  readonly maxSeen: number;
  /** Equivocations kept as evidence: one per (slot, proposer), the newest this many. */
  readonly maxEvidence: number;
}

export class SeenProposals {
  private readonly options: SeenProposalsOptions;
  private readonly logger: Logger;
  private readonly seen = new Map<string, BlockHeader & { hash: Uint8Array }>();
  private readonly evidence: EvidenceLog<Equivocation>;

  constructor(options: SeenProposalsOptions, logger: Logger) {
    this.options = options;
    this.logger = logger;
    this.evidence = new EvidenceLog<Equivocation>(options.maxEvidence);
  }

  /** Throws Equivocation (and records the evidence) if another block holds this block's (slot, proposer). */
  check(block: Block): void {
    const first = this.seen.get(keyOf(block.header));
    if (first === undefined || bytesEqual(first.hash, block.hash)) return;
    const { slot, proposer } = block.header;
    this.evidence.add({ slot, proposer, first, second: { ...block.header, hash: block.hash } });
    this.logger.warn({ slot: String(slot), proposer, first: toHex(first.hash), second: toHex(block.hash) }, 'validator equivocated: two blocks for one slot');
    throw new BlockError(
      { code: BlockErrorCode.Equivocation, slot, proposer, firstHash: toHex(first.hash) },
      `Validator ${proposer} already signed block ${toHex(first.hash)} for slot ${slot}; the later one is ignored.`,
    );
  }

  /** Records a validated block as the one of its (slot, proposer), unless one is recorded already. */
  remember(block: Block): void {
    const key = keyOf(block.header);
    if (this.seen.has(key)) return;
    this.seen.set(key, { ...block.header, hash: block.hash });
    if (this.seen.size > this.options.maxSeen) this.seen.delete(this.seen.keys().next().value!);
  }

  /** Forgets a block that never left this node (a produced block whose commit failed). */
  forget(block: Block): void {
    const key = keyOf(block.header);
    if (bytesEqual(this.seen.get(key)?.hash ?? new Uint8Array(0), block.hash)) this.seen.delete(key);
  }

  /** The equivocations seen so far (both headers each). */
  list(): readonly Equivocation[] {
    return this.evidence.list();
  }
}

function keyOf(header: Pick<BlockHeader, 'slot' | 'proposer'>): string {
  return `${header.slot}:${header.proposer}`;
}
