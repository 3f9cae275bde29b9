/**
 * Routes of SPEC 6 whose subsystems do not exist yet: the marketplace (listings, purchases) and
 * equivocation evidence. They answer 501 with a typed error so clients can tell "not yet" from
 * "no such route".
 */
import { ApiError } from '../errors.ts';
import { params, ref } from '../schemas.ts';
import type { RouteModule } from './route.ts';

const notYet = (what: string) => async (): Promise<never> => {
  throw new ApiError('NotImplemented', `${what} is not implemented by this node yet.`);
};

export const notImplementedRoutes: RouteModule = (app) => {
  const doc = { responses: { 501: ref('Error') } };
  app.get('/v1/listings', { schema: { summary: 'Marketplace listings (not implemented yet: 501)', tags: ['marketplace'] }, config: { openapi: doc } }, notYet('The marketplace'));
  app.get('/v1/purchases/:id', {
    schema: { summary: 'A marketplace purchase (not implemented yet: 501)', tags: ['marketplace'], params: params.uuid },
    config: { openapi: doc },
  }, notYet('The marketplace'));
  app.get('/v1/evidence', { schema: { summary: 'Equivocation evidence (not implemented yet: 501)', tags: ['node'] }, config: { openapi: doc } }, notYet('Equivocation evidence'));
};
