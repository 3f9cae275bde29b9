/**
 * The API's read index of the user-growable collections (issue 12 item 3: every route's cost
 * bounded by its `limit`): listings, purchases, allocations, proposals and votes, newest first, in
 * groups by the fields they never change (a listing's seller; a purchase's buyer, seller and
 * listing; an allocation's pool; a proposal's proposer; a vote's proposal), plus each pool's count
 * of pending allocations. Without it every request
 * walked every state key (a million accounts included) to find them.
 *
 * Built from the state once when the API starts, then kept from each committed block's writes;
 * after a reorg (a block no higher than the last one seen) it is rebuilt from the state, which
 * is then at the new tip. A page reads its items' current values from the state, so what can
 * change (a status) is always current; a filter on it examines at most SCAN_BUDGET items per page
 * and says where to go on (the page may then hold fewer than `limit` items).
 */
import type { ChainView } from '../../chain/chain-view.ts';
import {
  ALLOCATION_PREFIX,
  type Allocation,
  LISTING_PREFIX,
  type Listing,
  PROPOSAL_PREFIX,
  PURCHASE_PREFIX,
  type Proposal,
  type Purchase,
  type StateValue,
  VOTE_PREFIX,
  type Vote,
  type WriteSet,
} from '../../tokenomics/index.ts';
import { ApiError } from '../http/errors.ts';

/** Items examined per page, whatever the filter: the bound on a page's cost. */
export const SCAN_BUDGET = 5_000;

interface Entry {
  readonly height: bigint;
  readonly id: string;
}

const before = (a: Entry, b: Entry): boolean => a.height < b.height || (a.height === b.height && a.id < b.id);

/** The first position in sorted `entries` whose entry is not before `entry` (binary search). */
function firstNotBefore(entries: readonly Entry[], entry: Entry): number {
  return firstWhere(entries, (e) => !before(e, entry));
}

/** The first position whose entry comes after `entry`. */
function firstAfter(entries: readonly Entry[], entry: Entry): number {
  return firstWhere(entries, (e) => before(entry, e));
}

/** The first position where a predicate false-then-true over the sorted entries turns true. */
function firstWhere(entries: readonly Entry[], holds: (e: Entry) => boolean): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (holds(entries[mid]!)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Ids in (created height, id) order; newest pages walk it from the end. */
class SortedIds {
  readonly entries: Entry[] = [];

  insert(entry: Entry): void {
    // New items are the newest: appending is the common case.
    const last = this.entries.at(-1);
    if (last === undefined || before(last, entry)) {
      this.entries.push(entry);
      return;
    }
    this.entries.splice(firstNotBefore(this.entries, entry), 0, entry);
  }

  remove(entry: Entry): void {
    const at = firstNotBefore(this.entries, entry);
    if (this.entries[at]?.id === entry.id) this.entries.splice(at, 1);
  }
}

interface Kind<T> {
  readonly prefix: string;
  /** The groups an item belongs to for life ('all' included); `id` is its key after the prefix. */
  groups(value: T, id: string): string[];
  /** Where it sorts in its groups (default: its created height; then by id). */
  height?(value: T): bigint;
}

/** `vote:<proposal>:<wallet>`: the id after the prefix is `<proposal>:<wallet>`. */
const voteProposal = (id: string): string => id.slice(0, id.indexOf(':'));

const KINDS = {
  listing: { prefix: LISTING_PREFIX, groups: (l: Listing) => ['all', `seller:${l.seller}`] } satisfies Kind<Listing>,
  purchase: {
    prefix: PURCHASE_PREFIX,
    groups: (p: Purchase) => ['all', `buyer:${p.buyer}`, `seller:${p.seller}`, `listing:${p.listingId}`],
  } satisfies Kind<Purchase>,
  allocation: { prefix: ALLOCATION_PREFIX, groups: (a: Allocation) => [`pool:${a.poolId}`] } satisfies Kind<Allocation>,
  proposal: { prefix: PROPOSAL_PREFIX, groups: (p: Proposal) => ['all', `proposer:${p.proposer}`] } satisfies Kind<Proposal>,
  // A proposal's votes, by voter id (all at height 0): votes are never deleted, and every vote
  // ever cast on a proposal stays listable after its tally (docs/protocol.md §17.4).
  vote: { prefix: VOTE_PREFIX, groups: (_v: Vote, id: string) => [`proposal:${voteProposal(id)}`], height: () => 0n } satisfies Kind<Vote>,
};

export type CollectionKind = keyof typeof KINDS;
interface Values {
  listing: Listing;
  purchase: Purchase;
  allocation: Allocation;
  proposal: Proposal;
  vote: Vote;
}
type ValueOf<K extends CollectionKind> = Values[K];

export interface CollectionPage<T> {
  readonly items: T[];
  /** Each item's id (its state key after the prefix; `<proposal>:<wallet>` for a vote). */
  readonly ids: string[];
  /** Where the next page starts (x-next-cursor), or null when nothing older is left. */
  readonly next: string | null;
}

export interface PageOptions<T> {
  readonly limit: number;
  readonly cursor?: string;
  /** Only items that pass (a status); examined items count against SCAN_BUDGET. */
  readonly where?: (item: T) => boolean;
  /** Oldest first instead (a pool's allocations, as they always were listed). */
  readonly oldestFirst?: boolean;
}

/** `<created height>.<id>` of the last item examined: the next page starts just below it. */
const CURSOR = /^(\d{1,20})\.([0-9a-f-]{36}(:[0-9a-f-]{36})?)$/;

export function parseCollectionCursor(text: string): Entry {
  const match = CURSOR.exec(text.toLowerCase());
  if (match === null) throw new ApiError('BadRequest', 'The query parameter cursor is not in the expected form (<height>.<id>, from x-next-cursor).');
  return { height: BigInt(match[1]!), id: match[2]! };
}

export class CollectionIndex {
  private readonly chain: ChainView;
  private readonly groups = new Map<string, SortedIds>();
  /** Every indexed item: its entry and groups, by state key. */
  private readonly tracked = new Map<string, { entry: Entry; groups: string[] }>();
  /** Pending allocations per pool id, and each allocation's last counted status. */
  private readonly pendingPerPool = new Map<string, number>();
  private readonly allocationPending = new Map<string, boolean>();
  private lastHeight: bigint;
  private readonly scanBudget: number;
  private readonly onBlock: (block: { header: { height: bigint } }, imported: { writes: WriteSet }) => void;

  constructor(chain: ChainView, scanBudget = SCAN_BUDGET) {
    this.chain = chain;
    this.scanBudget = scanBudget;
    this.lastHeight = chain.head.header.height;
    this.rebuild();
    this.onBlock = (block, imported) => {
      if (block.header.height <= this.lastHeight) this.rebuild();
      else for (const [key, value] of imported.writes) this.write(key, value);
      this.lastHeight = block.header.height;
    };
    chain.events.on('block', this.onBlock);
  }

  close(): void {
    this.chain.events.off('block', this.onBlock);
  }

  /** Newest first (or oldest): one group's items (`all`, `seller:<id>`, `buyer:<id>`, `listing:<id>`, `pool:<id>`). */
  page<K extends CollectionKind>(kind: K, group: string, options: PageOptions<ValueOf<K>>): CollectionPage<ValueOf<K>> {
    const entries = this.groups.get(`${kind}|${group}`)?.entries ?? [];
    const cursor = options.cursor === undefined ? null : parseCollectionCursor(options.cursor);
    const step = options.oldestFirst === true ? 1 : -1;
    // The position of the next entry to examine, walking by `step`.
    let at = step === 1 ? (cursor === null ? 0 : firstAfter(entries, cursor)) : (cursor === null ? entries.length : firstNotBefore(entries, cursor)) - 1;
    const items: ValueOf<K>[] = [];
    const ids: string[] = [];
    let last: Entry | undefined;
    for (let examined = 0; at >= 0 && at < entries.length && items.length < options.limit && examined < this.scanBudget; examined++, at += step) {
      last = entries[at]!;
      const value = this.chain.state.get(KINDS[kind].prefix + last.id) as ValueOf<K> | undefined;
      if (value !== undefined && (options.where === undefined || options.where(value))) {
        items.push(value);
        ids.push(last.id);
      }
    }
    const more = at >= 0 && at < entries.length;
    return { items, ids, next: more && last !== undefined ? `${last.height}.${last.id}` : null };
  }

  /** Pending allocations of a pool: kept as allocations change, never counted by a walk. */
  pendingAllocations(poolId: string): number {
    return this.pendingPerPool.get(poolId) ?? 0;
  }

  private rebuild(): void {
    this.groups.clear();
    this.tracked.clear();
    this.pendingPerPool.clear();
    this.allocationPending.clear();
    const state = this.chain.state;
    for (const { prefix } of Object.values(KINDS)) for (const key of state.keysWithPrefix(prefix)) this.write(key, state.get(key)!);
  }

  private write(key: string, value: StateValue | null): void {
    const kind = (Object.keys(KINDS) as CollectionKind[]).find((k) => key.startsWith(KINDS[k].prefix));
    if (kind === undefined) return;
    if (kind === 'allocation') this.countPending(key, value as Allocation | null);
    const known = this.tracked.get(key);
    if (value === null) {
      if (known === undefined) return;
      for (const group of known.groups) this.groups.get(group)?.remove(known.entry);
      this.tracked.delete(key);
      return;
    }
    if (known !== undefined) return;
    const id = key.slice(KINDS[kind].prefix.length);
    const sortHeight = (KINDS[kind] as Kind<unknown>).height;
    const entry = { height: sortHeight === undefined ? (value as { createdHeight: bigint }).createdHeight : sortHeight(value), id };
    const groups = (KINDS[kind].groups as (v: unknown, id: string) => string[])(value, id).map((g) => `${kind}|${g}`);
    for (const group of groups) {
      let ids = this.groups.get(group);
      if (ids === undefined) this.groups.set(group, (ids = new SortedIds()));
      ids.insert(entry);
    }
    this.tracked.set(key, { entry, groups });
  }

  private countPending(key: string, allocation: Allocation | null): void {
    const was = this.allocationPending.get(key) ?? false;
    const now = allocation?.status === 'pending';
    if (allocation === null) this.allocationPending.delete(key);
    else this.allocationPending.set(key, now);
    if (was === now) return;
    const poolId = allocation?.poolId ?? this.poolOfTracked(key);
    if (poolId === null) return;
    this.pendingPerPool.set(poolId, (this.pendingPerPool.get(poolId) ?? 0) + (now ? 1 : -1));
  }

  private poolOfTracked(key: string): string | null {
    const group = this.tracked.get(key)?.groups[0];
    return group === undefined ? null : group.slice('allocation|pool:'.length);
  }
}
