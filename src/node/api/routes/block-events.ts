/**
 * The mint, burn and distribution events of one block (or one transaction of it), read from the
 * store's history by the block's own key range: the cost is that block's events, bounded by the
 * block limits (docs/protocol.md §3.3), whatever the chain's age.
 */
import type { ChainView } from '../../../chain/chain-view.ts';
import { HISTORY_KINDS } from '../../../chain/store/chain-store.ts';
import type { TokenEvent } from '../../../tokenomics/index.ts';
import type { BlockEvents } from '../json.ts';

/** The block's events (only those of the tx `txHash`, if given), read from one store snapshot. */
export async function blockEvents(chain: ChainView, height: bigint, txHash?: string): Promise<BlockEvents> {
  const events = await chain.blockEventsAt(height, HISTORY_KINDS);
  return splitBlockEvents(txHash === undefined ? events : events.filter((e) => e.txHash === txHash));
}

/** A block's events of HISTORY_KINDS, read with it, split by kind. */
export function splitBlockEvents(events: readonly TokenEvent[]): BlockEvents {
  const [mints, burns, distributions] = HISTORY_KINDS.map((kind) => events.filter((e) => e.kind === kind));
  return { mints: mints!, burns: burns!, distributions: distributions! };
}
