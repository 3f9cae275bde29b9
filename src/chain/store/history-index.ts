/**
 * The history's filter index (issue 12 item 3: bounded work per request): one key per (event,
 * filter), so `GET /v1/history/mints?reason=governance&limit=1` reads one index entry and one event
 * instead of every mint ever made. Three shapes cover the route's filters: by reason, by account,
 * and by both. A key is
 *
 *   [shape][kind][reason length, reason ASCII]?[account UUID, 16 bytes]?[height u64 BE][index u32 BE]
 *
 * with an empty value: (height, index) names the event in its history bucket, so the index holds no
 * second copy of the event. Within one prefix, keys sort by (height, index), which is history order.
 * The entries are written in the block's one atomic batch and deleted in the reorg's, exactly like
 * the events they point at (chain-store.ts).
 */
import type { TokenEvent } from '../../tokenomics/index.ts';
import type { IndexedEvent } from './event-records.ts';
import { uuidBytes } from '../../tokenomics/uuid-v5.ts';
import { heightBytes, indexBytes } from './buckets.ts';

export type HistoryKind = TokenEvent['kind'];

/** What the history can be filtered by; an empty filter reads the history bucket itself. */
export interface HistoryFilter {
  /** Mint or burn reason; for distributions, the recipient type. */
  readonly reason?: string;
  /** The account (or pool) the event credits or debits: see accountOf. */
  readonly account?: string;
}

const SHAPE = { reason: 1, account: 2, both: 3 } as const;
const KIND_BYTE: Record<HistoryKind, number> = { mint: 1, burn: 2, distribution: 3 };

export const reasonOf = (event: IndexedEvent): string => (event.kind === 'distribution' ? event.recipientType : event.reason);

/** A mint credits its recipient (or, with none, its pool); a burn debits its burner; a payout credits its recipient. */
export function accountOf(event: IndexedEvent): string | null {
  if (event.kind === 'mint') return event.recipient ?? event.poolId;
  return event.kind === 'burn' ? event.burner : event.recipient;
}

/** The key prefix of the events of `kind` that match `filter`; null when the filter is empty. */
export function filterPrefix(kind: HistoryKind, filter: HistoryFilter): Uint8Array | null {
  const { reason, account } = filter;
  if (reason === undefined && account === undefined) return null;
  const shape = reason !== undefined && account !== undefined ? SHAPE.both : reason !== undefined ? SHAPE.reason : SHAPE.account;
  const parts: number[] = [shape, KIND_BYTE[kind]];
  if (reason !== undefined) {
    const text = Buffer.from(reason, 'ascii');
    // Reasons are short enum names (docs/protocol.md §13.6); the length byte keeps one reason from prefixing another.
    parts.push(Math.min(text.length, 255), ...text.subarray(0, 255));
  }
  const prefix = Uint8Array.from(parts);
  return account === undefined ? prefix : Buffer.concat([prefix, uuidBytes(account)]);
}

/** Every index key of one event: one per shape that applies (an event with no account has only the reason key). */
export function indexKeys(event: IndexedEvent, height: bigint, index: number): Uint8Array[] {
  const reason = reasonOf(event);
  const account = accountOf(event) ?? undefined;
  const filters: HistoryFilter[] = account === undefined ? [{ reason }] : [{ reason }, { account }, { reason, account }];
  const position = Buffer.concat([heightBytes(height), indexBytes(index)]);
  return filters.map((filter) => Buffer.concat([filterPrefix(event.kind, filter)!, position]));
}

/** (height, index) of the event an index key points at: its last 12 bytes. */
export function positionOf(key: Uint8Array): { height: bigint; index: number } {
  const tail = Buffer.from(key.subarray(key.length - 12));
  return { height: tail.readBigUInt64BE(0), index: tail.readUInt32BE(8) };
}

/** The first key after every key that starts with `prefix` (prefixes here never end in 0xff bytes only). */
export function prefixEnd(prefix: Uint8Array): Uint8Array {
  const end = Uint8Array.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i]! += 1;
      return end.subarray(0, i + 1);
    }
  }
  return Uint8Array.of(0xff, ...prefix);
}
