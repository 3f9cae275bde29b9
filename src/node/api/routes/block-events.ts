/**
 * The mint, burn and distribution events of one block (or one transaction of it), read from the
 * store's history by the block's own key range: the cost is that block's events, bounded by the
 * block limits (docs/protocol.md §3.3), whatever the chain's age.
 */
import type { ChainView } from '../../../chain/chain-view.ts';
import type { TokenEvent } from '../../../tokenomics/index.ts';
import type { BlockEvents } from '../json.ts';

export async function blockEvents(chain: ChainView, height: bigint, txHash?: string): Promise<BlockEvents> {
  const only = (events: TokenEvent[]): TokenEvent[] => (txHash === undefined ? events : events.filter((e) => e.txHash === txHash));
  const [mints, burns, distributions] = await Promise.all(
    (['mint', 'burn', 'distribution'] as const).map(async (kind) => only(await chain.eventsAt(kind, height))),
  );
  return { mints: mints!, burns: burns!, distributions: distributions! };
}
