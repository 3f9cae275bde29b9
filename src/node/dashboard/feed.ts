/**
 * What the dashboard shows over time, kept by the node: the supply series and the latest blocks
 * and transactions, fed by `chain.events` 'block' and, at start, backfilled from the store in the
 * background (the charts fill in a moment after a restart instead of starting empty).
 */
import type { Logger } from 'pino';
import type { ChainEvents } from '../../chain/chain.ts';
import type { ChainView } from '../../chain/chain-view.ts';
import type { Block } from '../../chain/codec/block.ts';
import { bytesEqual } from '../../chain/codec/msgpack.ts';
import { META_SUPPLY, type SupplyState, type TokenEvent } from '../../tokenomics/index.ts';
import { backfill } from './backfill.ts';
import { RecentActivity } from './recent-activity.ts';
import { SupplySeries, pointsBackFrom } from './supply-series.ts';
import { SystemAccountSeries } from './system-accounts.ts';

export interface FeedOptions {
  /** Blocks kept in the series (memory: about 200 bytes each). */
  readonly capacity: number;
  /** Blocks read back from the store at start (0: start empty). */
  readonly backfillBlocks: number;
  readonly recentBlocks: number;
  readonly recentTxs: number;
}

export const DEFAULT_FEED_OPTIONS: FeedOptions = { capacity: 10_000, backfillBlocks: 10_000, recentBlocks: 50, recentTxs: 100 };

export type BackfillStatus =
  | { readonly state: 'running' | 'off' }
  | { readonly state: 'done'; readonly fromHeight: bigint; readonly toHeight: bigint; readonly blocks: number; readonly ms: number }
  | { readonly state: 'failed'; readonly message: string };

function sumKind(events: readonly TokenEvent[], kind: 'mint' | 'burn'): bigint {
  let total = 0n;
  for (const e of events) if (e.kind === kind) total += e.amount;
  return total;
}

export class DashboardFeed {
  readonly series: SupplySeries;
  readonly recent: RecentActivity;
  readonly systemAccounts: SystemAccountSeries;
  private readonly chain: ChainView;
  private readonly logger: Logger;
  private readonly options: FeedOptions;
  private status: BackfillStatus = { state: 'off' };
  private backfilling: Promise<void> = Promise.resolve();
  private closed = false;
  /** Blocks of a reorg announced before its tip (see onBlock). */
  private branch: { block: Block; events: readonly TokenEvent[] }[] = [];
  private readonly onBlock = (...[block, imported]: ChainEvents['block']): void => {
    // A reorg commits its whole branch, then announces each block in order: until the last one
    // (the head) arrives, state holds the tip's totals, not this block's. So blocks wait for the
    // head, and the totals are walked back from it.
    this.branch.push({ block, events: imported.events });
    if (!bytesEqual(block.hash, this.chain.head.hash)) return;
    const supply = this.chain.state.get(META_SUPPLY) as SupplyState;
    const figures = this.branch.map(({ block: b, events }) => ({
      height: b.header.height, timestampMs: b.header.timestampMs, minted: sumKind(events, 'mint'), burned: sumKind(events, 'burn'), txs: b.txs.length,
    }));
    for (const point of pointsBackFrom({ minted: supply.totalMinted, burned: supply.totalBurned }, figures)) this.series.record(point);
    for (const { block: b, events } of this.branch) this.recent.record(b, events);
    // Only the head's balances are at hand (state is the tip's): one snapshot per announced head.
    this.systemAccounts.snapshot(block.header.height, block.header.timestampMs, this.chain.state);
    this.branch = [];
  };

  constructor(chain: ChainView, logger: Logger, options: FeedOptions = DEFAULT_FEED_OPTIONS) {
    this.chain = chain;
    this.logger = logger;
    this.options = options;
    this.series = new SupplySeries(options.capacity);
    this.recent = new RecentActivity({ blocks: options.recentBlocks, txs: options.recentTxs });
    this.systemAccounts = new SystemAccountSeries(options.capacity);
  }

  get backfillStatus(): BackfillStatus {
    return this.status;
  }

  /** Starts listening, and backfills what was committed before (in the background). */
  start(): void {
    // Head and totals are taken in the same tick as the subscription, so no block falls between them.
    const head = this.chain.head.header.height;
    const supply = this.chain.state.get(META_SUPPLY) as SupplyState;
    this.chain.events.on('block', this.onBlock);
    this.systemAccounts.snapshot(head, this.chain.head.header.timestampMs, this.chain.state);
    if (this.options.backfillBlocks <= 0) return;
    this.status = { state: 'running' };
    const started = performance.now();
    this.backfilling = backfill(this.chain, {
      toHeight: head,
      totalMinted: supply.totalMinted,
      totalBurned: supply.totalBurned,
      blocks: Math.min(this.options.backfillBlocks, this.options.capacity),
      keepBlocks: this.options.recentBlocks,
      aborted: () => this.closed,
    }).then(
      (result) => {
        if (this.closed) return;
        this.series.prepend(result.points);
        this.recent.prepend(result.blocks);
        const ms = Math.round(performance.now() - started);
        this.status = { state: 'done', fromHeight: result.fromHeight, toHeight: result.toHeight, blocks: result.points.length, ms };
        this.logger.debug({ blocks: result.points.length, ms }, 'dashboard series backfilled from the store');
      },
      (err: unknown) => {
        // A missing history only costs the charts their past; the node runs on.
        this.status = { state: 'failed', message: err instanceof Error ? err.message : String(err) };
        if (!this.closed) this.logger.warn({ err }, 'could not backfill the dashboard series; it starts empty');
      },
    );
  }

  /** Stops listening and waits for a running backfill to notice (before the store closes). */
  async close(): Promise<void> {
    this.closed = true;
    this.chain.events.off('block', this.onBlock);
    await this.backfilling;
  }
}
