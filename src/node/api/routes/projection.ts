/**
 * GET /v1/projection: the supply projection of docs/protocol.md §13.1 over the current state, within documented
 * maxima (1,000 inflation years, 1,000 points), cached per head and computed off the event loop
 * (projection-service.ts).
 */
import { toHex } from '../../../chain/crypto.ts';
import { U64_MAX } from '../../../tokenomics/index.ts';
import { ProjectionService } from '../projection-service.ts';
import { ApiError } from '../../http/errors.ts';
import { query, ref } from '../schemas.ts';
import type { RouteModule } from './route.ts';

interface ProjectionQuery {
  blocks?: string;
  years?: number;
  burn_per_block: string;
  points: number;
}

/** The longest horizon: the projection lists every inflation year it touches. */
const MAX_YEARS = 1000n;

export const projectionRoutes: RouteModule = (app, { chain }) => {
  const service = new ProjectionService(() => chain.state, () => toHex(chain.head.hash));
  app.addHook('onClose', () => service.close());
  app.get<{ Querystring: ProjectionQuery }>('/v1/projection', {
    schema: { summary: 'Supply, minted and burned over the next blocks or years, assuming a burn volume per block', tags: ['supply'], querystring: query.projection },
    config: { openapi: { responses: { 200: ref('Projection'), 400: ref('Error'), 503: ref('Error') } } },
  }, async (req, reply) => {
    const { blocks: blocksText, years, burn_per_block: burnText, points } = req.query;
    if (blocksText !== undefined && years !== undefined) throw new ApiError('BadRequest', 'Give blocks or years, not both.');
    const perYear = chain.params.blocksPerYear;
    const blocks = blocksText !== undefined ? BigInt(blocksText) : BigInt(years ?? 1) * perYear;
    if (blocks < 1n || blocks > MAX_YEARS * perYear) {
      throw new ApiError('BadRequest', `blocks must be from 1 to ${MAX_YEARS * perYear} (${MAX_YEARS} inflation years).`);
    }
    const burnPerBlock = BigInt(burnText);
    if (burnPerBlock > U64_MAX) throw new ApiError('BadRequest', `burn_per_block must be at most ${U64_MAX}.`);
    return reply.type('application/json; charset=utf-8').send(await service.project({ blocks, burnPerBlock, points }));
  });
};
