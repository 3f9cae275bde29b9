/**
 * Feeds the metrics from the chain: per block from `chain.events` ('block', 'tx'), and the figures
 * that change between blocks (mempool) or are cheapest read from state (supply) at scrape time.
 * Returns the function that detaches it, for the node's close().
 */
import type { ChainEvents } from '../../chain/chain.ts';
import type { ChainView } from '../../chain/chain-view.ts';
import { supplyStats } from '../../tokenomics/index.ts';
import type { NodeMetrics } from './metrics.ts';

export interface ChainMetricsDeps {
  readonly chain: ChainView;
  /** The slot clock's wall time, so the metrics never read the time themselves. */
  readonly nowMs: () => bigint;
}

export function watchChain(metrics: NodeMetrics, deps: ChainMetricsDeps): () => void {
  const { chain } = deps;
  const readSupply = (): void => {
    const stats = supplyStats(chain.state);
    metrics.headHeight.set(Number(chain.head.header.height));
    metrics.finalizedHeight.set(Number(chain.finalizedHeight));
    metrics.totalMinted.set(Number(stats.totalMinted));
    metrics.totalBurned.set(Number(stats.totalBurned));
    metrics.totalSupply.set(Number(stats.circulatingSupply));
    metrics.mempoolSize.set(chain.mempool.size);
  };

  const onBlock = (...[block, imported, origin, processMs]: ChainEvents['block']): void => {
    const delayMs = deps.nowMs() - block.header.timestampMs;
    metrics.blockCommitDelay.observe({ origin }, Math.max(0, Number(delayMs)) / 1000);
    metrics.blockProcess.observe({ origin }, processMs / 1000);
    metrics.txsPerBlock.observe(block.txs.length);
    metrics.txsIncluded.inc(block.txs.length);
    (origin === 'produced' ? metrics.blocksProduced : metrics.blocksImported).inc();
    for (const event of imported.events) {
      if (event.kind === 'mint') metrics.mintedInBlocks.inc({ reason: event.reason }, Number(event.amount));
      else if (event.kind === 'burn') metrics.burnedInBlocks.inc({ reason: event.reason }, Number(event.amount));
    }
    readSupply();
  };
  const onTx = (): void => metrics.txsAccepted.inc();
  const onReorg = (depth: number): void => {
    metrics.reorgs.inc();
    metrics.reorgDepth.observe(depth);
  };

  readSupply();
  chain.events.on('block', onBlock);
  chain.events.on('tx', onTx);
  chain.events.on('reorg', onReorg);
  const stopScrape = metrics.onScrape(readSupply);
  return () => {
    chain.events.off('block', onBlock);
    chain.events.off('tx', onTx);
    chain.events.off('reorg', onReorg);
    stopScrape();
  };
}
