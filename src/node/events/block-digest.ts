/**
 * What one block offers the event streams (docs/protocol.md §16.1), computed once per block and
 * shared by every stream: its header summary, its transactions with the ids each names, the state
 * keys it wrote and its token events. Each stream then filters it by its own topics in
 * `streamEventsOf`, so a block costs O(its txs and writes) once, plus O(events sent) per stream.
 */
import type { Block } from '../../chain/codec/block.ts';
import { toHex } from '../../chain/crypto.ts';
import { type TokenEvent, walletIdFromPublicKey } from '../../tokenomics/index.ts';
import { plain } from '../http/plain.ts';
import type { Topics } from './topics.ts';

/** One event of a stream: `id` is `<height>:<index among this stream's events of the block>`. */
export interface StreamEvent {
  readonly type: string;
  readonly id: string | null;
  readonly height: bigint;
  readonly data: unknown;
}

interface TxDigest {
  readonly hash: string;
  readonly index: number;
  readonly type: string;
  readonly from: string;
}

const KIND_ORDER = { mint: 0, burn: 1, distribution: 2 } as const;
const ACCOUNT = 'account:';
const POOL = 'pool:';
const PROPOSAL = 'proposal:';

/** Every UUID-shaped string in an operation's fields (bounded: a tx is at most its size limit). */
function idsNamed(value: unknown, into: Set<string>): void {
  if (typeof value === 'string') {
    if (value.length === 36) into.add(value);
  } else if (Array.isArray(value)) {
    for (const v of value) idsNamed(v, into);
  } else if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) {
    for (const v of Object.values(value)) idsNamed(v, into);
  }
}

export class BlockDigest {
  readonly height: bigint;
  readonly hash: string;
  private readonly block: Block;
  private readonly writtenKeys: ReadonlySet<string>;
  private readonly tokenEvents: readonly TokenEvent[];
  private byId: Map<string, TxDigest[]> | null = null;
  private txList: TxDigest[] | null = null;

  constructor(block: Block, writtenKeys: Iterable<string>, tokenEvents: readonly TokenEvent[]) {
    this.block = block;
    this.height = block.header.height;
    this.hash = toHex(block.hash);
    this.writtenKeys = writtenKeys instanceof Set ? writtenKeys : new Set(writtenKeys);
    // Mints, then burns, then distributions, each in the order they happened: the order the store
    // reads them back in, so a replayed event equals the live one byte for byte.
    this.tokenEvents = [...tokenEvents].sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind]);
  }

  /** The events of this block for a stream with these topics, in a fixed order (block, txs, accounts, pools, proposals). */
  eventsFor(topics: Topics): StreamEvent[] {
    const out: { type: string; data: unknown }[] = [];
    const h = this.block.header;
    if (topics.blocks) {
      out.push({ type: 'block', data: plain({ height: h.height, hash: this.hash, timestampMs: h.timestampMs, slot: h.slot, proposer: h.proposer, txs: this.block.txs.length, stateRoot: h.stateRoot }) });
    }
    if (topics.txs) for (const tx of this.txs()) out.push({ type: 'tx', data: plain({ ...tx, height: h.height, blockHash: this.hash, status: 'included' }) });
    for (const id of topics.accounts) {
      if (!this.writtenKeys.has(ACCOUNT + id)) continue;
      const events = this.tokenEvents.filter((e) => (e.kind === 'burn' ? e.burner === id : e.recipient === id));
      out.push({ type: 'account', data: plain({ account: id, height: h.height, blockHash: this.hash, txs: this.txsNaming(id), events }) });
    }
    for (const id of topics.pools) {
      if (!this.writtenKeys.has(POOL + id)) continue;
      out.push({ type: 'pool', data: plain({ pool: id, height: h.height, blockHash: this.hash, txs: this.txsNaming(id) }) });
    }
    if (topics.proposals) {
      for (const key of this.writtenKeys) {
        if (!key.startsWith(PROPOSAL)) continue;
        const id = key.slice(PROPOSAL.length);
        out.push({ type: 'proposal', data: plain({ proposal: id, height: h.height, blockHash: this.hash, txs: this.txsNaming(id) }) });
      }
    }
    return out.map((e, i) => ({ ...e, id: `${h.height}:${i}`, height: h.height }));
  }

  private txs(): TxDigest[] {
    this.txList ??= this.block.txs.map((signed, index) => ({
      hash: toHex(signed.hash), index, type: signed.tx.op.type, from: walletIdFromPublicKey(signed.tx.signer),
    }));
    return this.txList;
  }

  /** The block's txs signed by `id`'s wallet or naming `id` in their operation. */
  private txsNaming(id: string): TxDigest[] {
    if (this.byId === null) {
      const byId = new Map<string, TxDigest[]>();
      const txs = this.txs();
      this.block.txs.forEach((signed, i) => {
        const ids = new Set<string>([txs[i]!.from]);
        idsNamed(signed.tx.op, ids);
        for (const named of ids) {
          const list = byId.get(named);
          if (list === undefined) byId.set(named, [txs[i]!]);
          else list.push(txs[i]!);
        }
      });
      this.byId = byId;
    }
    return this.byId.get(id) ?? [];
  }
}
