/** POST /v1/dev/produce-block: dev mode only, produce a block now and return it with its events. */
import { ApiError } from '../../http/errors.ts';
import { isLoopbackAddress } from '../loopback.ts';
import { ref } from '../schemas.ts';
import { blockWithEvents } from './blocks.ts';
import type { RouteModule } from './route.ts';

export const devRoutes: RouteModule = (app, deps) => {
  app.post('/v1/dev/produce-block', {
    schema: { summary: 'Dev mode only: produce a block now (what `dchat token process-inflation` calls)', tags: ['dev'] },
    config: { openapi: { responses: { 200: ref('Block'), 403: ref('Error'), 404: ref('Error'), 409: ref('Error') } } },
  }, async (req) => {
    if (!deps.dev || deps.producer === null) throw new ApiError('NotDevMode', 'produce-block exists only on a dev node (dchat start --dev).');
    // A dev node whose API listens beyond loopback must not let the network produce its blocks.
    if (!isLoopbackAddress(req.socket.localAddress)) throw new ApiError('LoopbackOnly', '/v1/dev/* answers only requests made over loopback (127.0.0.1 or ::1).');
    const block = await deps.producer.produceNow();
    return blockWithEvents(deps.chain, block.header.height);
  });
};
