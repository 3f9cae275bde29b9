/**
 * Rebuilds the recent supply series from the store after a restart, so the charts do not start
 * empty: block headers give heights and timestamps, the mint and burn history gives what each
 * block minted and burned, and the totals are walked back from the head's known totals (no block
 * is re-executed). It reads only blocks at or below `toHeight`, which the node never rewrites.
 */
import type { ChainView } from '../../chain/chain-view.ts';
import type { Block } from '../../chain/codec/block.ts';
import type { TokenEvent } from '../../tokenomics/index.ts';
import { type BlockFigures, type SupplyPoint, pointsBackFrom } from './supply-series.ts';

export interface BackfillRequest {
  /** The head when the feed started, and the totals after it. */
  readonly toHeight: bigint;
  readonly totalMinted: bigint;
  readonly totalBurned: bigint;
  /** How many blocks back to read. */
  readonly blocks: number;
  /** How many of the newest blocks to return whole (for the latest blocks and txs tables). */
  readonly keepBlocks: number;
  /** Checked between reads: the node is closing. */
  readonly aborted: () => boolean;
}

export interface BackfillResult {
  readonly fromHeight: bigint;
  readonly toHeight: bigint;
  /** Oldest first. */
  readonly points: SupplyPoint[];
  /** The newest `keepBlocks` blocks with their events, oldest first. */
  readonly blocks: { block: Block; events: TokenEvent[] }[];
}

const PAGE = 1000;

/** Every event of `kind` in heights from..=to, grouped by height (the store pages newest first). */
async function eventsByHeight(chain: ChainView, kind: 'mint' | 'burn', from: bigint, to: bigint, aborted: () => boolean): Promise<Map<bigint, TokenEvent[]>> {
  const byHeight = new Map<bigint, TokenEvent[]>();
  let before = to + 1n;
  let limit = PAGE;
  while (before > from && !aborted()) {
    const page = (await chain.historyPage(kind, { limit, beforeHeight: before })).events;
    if (page.length === 0) break;
    const lowest = page[page.length - 1]!.height;
    // A full page may end in the middle of a height: keep only whole heights and re-read that one.
    const complete = page.length < limit ? page : page.filter((e) => e.height > lowest);
    if (complete.length === 0) {
      limit *= 2; // one block holds more events than a page
      continue;
    }
    for (const event of complete) {
      if (event.height < from) continue;
      const list = byHeight.get(event.height) ?? [];
      list.unshift(event); // the page is newest first; keep each block's events in order
      byHeight.set(event.height, list);
    }
    if (page.length < limit) break;
    before = lowest;
    limit = PAGE;
  }
  return byHeight;
}

export async function backfill(chain: ChainView, req: BackfillRequest): Promise<BackfillResult> {
  const span = BigInt(Math.max(1, req.blocks)) - 1n;
  const fromHeight = req.toHeight > span ? req.toHeight - span : 0n;
  const mints = await eventsByHeight(chain, 'mint', fromHeight, req.toHeight, req.aborted);
  const burns = await eventsByHeight(chain, 'burn', fromHeight, req.toHeight, req.aborted);
  const sum = (events: TokenEvent[] | undefined): bigint => (events ?? []).reduce((s, e) => s + e.amount, 0n);

  const figures: BlockFigures[] = [];
  const blocks: { block: Block; events: TokenEvent[] }[] = [];
  for (let height = req.toHeight; height >= fromHeight && !req.aborted(); height--) {
    const block = await chain.blockAt(height);
    if (block === null) break;
    figures.push({ height, timestampMs: block.header.timestampMs, minted: sum(mints.get(height)), burned: sum(burns.get(height)), txs: block.txs.length });
    if (blocks.length < req.keepBlocks) blocks.push({ block, events: [...(mints.get(height) ?? []), ...(burns.get(height) ?? [])] });
  }
  figures.reverse();
  blocks.reverse();
  const points = pointsBackFrom({ minted: req.totalMinted, burned: req.totalBurned }, figures);
  return { fromHeight: points[0]?.height ?? req.toHeight, toHeight: req.toHeight, points, blocks };
}
