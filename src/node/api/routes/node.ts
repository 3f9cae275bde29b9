/** GET /v1/node: who this node is and where its head stands. */
import { PROTOCOL_VERSION } from '../../../chain/protocol-version.ts';
import { SYSTEM_ACCOUNT_IDS } from '../../../tokenomics/index.ts';
import { plain } from '../../http/plain.ts';
import { DCHAT_VERSION } from '../../version.ts';
import { ref } from '../schemas.ts';
import type { RouteModule } from './route.ts';

export const nodeRoutes: RouteModule = (app, deps) => {
  app.get('/v1/node', {
    schema: { summary: 'Node identity, chain id, head and the system account ids', tags: ['node'] },
    config: { openapi: { responses: { 200: ref('Node') } } },
  }, async () => plain({ ...deps.nodeInfo(), protocolVersion: PROTOCOL_VERSION, version: DCHAT_VERSION, systemAccounts: SYSTEM_ACCOUNT_IDS }));
};
