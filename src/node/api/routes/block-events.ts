/**
 * The mint, burn and distribution events of one block (or one transaction of it), read from the
 * store's history. The history pages backwards by height only, so we read the newest events below
 * height + 1 and widen the page until it reaches past the block.
 */
import type { Chain } from '../../../chain/chain.ts';
import type { TokenEvent } from '../../../tokenomics/index.ts';
import type { BlockEvents } from '../json.ts';

const FIRST_PAGE = 64;

async function eventsOfKind(chain: Chain, kind: TokenEvent['kind'], height: bigint): Promise<TokenEvent[]> {
  for (let limit = FIRST_PAGE; ; limit *= 4) {
    const page = await chain.store.history(kind, { limit, beforeHeight: height + 1n });
    const here = page.filter((e) => e.height === height);
    // Either the page already holds older blocks' events, or the history has nothing older.
    if (here.length < page.length || page.length < limit) return here.reverse();
  }
}

export async function blockEvents(chain: Chain, height: bigint, txHash?: string): Promise<BlockEvents> {
  const only = (events: TokenEvent[]): TokenEvent[] => (txHash === undefined ? events : events.filter((e) => e.txHash === txHash));
  const [mints, burns, distributions] = await Promise.all(
    (['mint', 'burn', 'distribution'] as const).map(async (kind) => only(await eventsOfKind(chain, kind, height))),
  );
  return { mints: mints!, burns: burns!, distributions: distributions! };
}
