/**
 * The mint, burn and distribution events of one block (or one transaction of it), read from the
 * store's history by the block's own key range: the cost is that block's events, bounded by the
 * block limits (docs/protocol.md §3.3), whatever the chain's age.
 */
import type { ChainView } from '../../../chain/chain-view.ts';
import type { TokenEvent } from '../../../tokenomics/index.ts';
import type { BlockEvents } from '../json.ts';

/** The kinds of event a block's answer carries. */
export const BLOCK_EVENT_KINDS = ['mint', 'burn', 'distribution'] as const;

export async function blockEvents(chain: ChainView, height: bigint, txHash?: string): Promise<BlockEvents> {
  const only = (events: TokenEvent[]): TokenEvent[] => (txHash === undefined ? events : events.filter((e) => e.txHash === txHash));
  const [mints, burns, distributions] = await Promise.all(BLOCK_EVENT_KINDS.map(async (kind) => only(await chain.eventsAt(kind, height))));
  return { mints: mints!, burns: burns!, distributions: distributions! };
}

/** A block's events of BLOCK_EVENT_KINDS, read with it, split by kind. */
export function splitBlockEvents(events: readonly TokenEvent[]): BlockEvents {
  const [mints, burns, distributions] = BLOCK_EVENT_KINDS.map((kind) => events.filter((e) => e.kind === kind));
  return { mints: mints!, burns: burns!, distributions: distributions! };
}
