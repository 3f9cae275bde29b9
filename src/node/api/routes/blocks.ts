/** GET /v1/blocks/head and /v1/blocks/{height}: blocks with their transactions and events. */
import type { ChainView } from '../../../chain/chain-view.ts';
import type { Block } from '../../../chain/codec/block.ts';
import { ApiError } from '../../http/errors.ts';
import { ChainError, ChainErrorCode } from '../../../chain/errors.ts';
import { HISTORY_KINDS } from '../../../chain/store/chain-store.ts';
import { blockJson } from '../json.ts';
import { params, ref } from '../schemas.ts';
import { splitBlockEvents } from './block-events.ts';
import type { RouteModule } from './route.ts';

/** The canonical block at `height`, or the typed reason there is none: Pruned below the base (docs/protocol.md §20.6), else NotFound. */
export async function blockOrThrow(chain: ChainView, height: bigint): Promise<Block> {
  const block = await chain.blockAt(height);
  if (block !== null) return block;
  return noBlockAt(chain, height);
}

function noBlockAt(chain: ChainView, height: bigint): never {
  if (height > chain.genesisHeight && height < chain.baseHeight) refuseBelowBase(chain, `Block ${height}`);
  throw new ApiError('NotFound', `No block at height ${height}; the head is at ${chain.head.header.height}.`);
}

/** The height this node's blocks start at when it holds none between genesis and it (pruned or restored); null: it holds them all. */
export function blocksHeldFrom(chain: ChainView): bigint | null {
  return chain.baseHeight > chain.genesisHeight ? chain.baseHeight : null;
}

/**
 * Throws Pruned when this node holds no block below its base (pruned or restored) and `what`
 * (a block, a tx, a history page) may lie there: it cannot tell, so the client is sent to an archive node.
 */
export function refuseBelowBase(chain: ChainView, what: string): void {
  if (blocksHeldFrom(chain) !== null) {
    throw new ChainError(ChainErrorCode.Pruned, `${what} is not held here: this node keeps blocks from height ${chain.baseHeight} only (pruned or restored from a snapshot); ask an archive node.`);
  }
}

/** The block and its events, read from one store snapshot: a reorg between two reads never pairs one block with another's events. */
export async function blockWithEvents(chain: ChainView, height: bigint): Promise<unknown> {
  const records = await chain.blockRecordsAt(height, HISTORY_KINDS);
  if (records === null) return noBlockAt(chain, height);
  return blockJson(records.block, splitBlockEvents(records.events));
}

export const blockRoutes: RouteModule = (app, { chain }) => {
  app.get('/v1/blocks/head', {
    schema: { summary: 'The head block, with its transactions and events', tags: ['blocks'] },
    config: { openapi: { responses: { 200: ref('Block') } } },
  }, async () => blockWithEvents(chain, chain.head.header.height));

  app.get<{ Params: { height: string } }>('/v1/blocks/:height', {
    schema: { summary: 'The block at a height, with its transactions and events', tags: ['blocks'], params: params.height },
    config: { openapi: { responses: { 200: ref('Block'), 400: ref('Error'), 404: ref('Error'), 410: ref('Error') } } },
  }, async (req) => blockWithEvents(chain, BigInt(req.params.height)));
};
