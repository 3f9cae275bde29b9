/** Every route file of the /v1 API, in the order they register. */
import { accountRoutes } from './accounts.ts';
import { blockRoutes } from './blocks.ts';
import { devRoutes } from './dev.ts';
import { eventRoutes } from './events.ts';
import { historyRoutes } from './history.ts';
import { nodeRoutes } from './node.ts';
import { marketplaceRoutes } from './marketplace.ts';
import { poolRoutes } from './pools.ts';
import { projectionRoutes } from './projection.ts';
import { proposalRoutes } from './proposals.ts';
import { lightRoutes } from './light.ts';
import { proofRoutes } from './proofs.ts';
import type { RouteModule } from './route.ts';
import { scheduleRoutes } from './schedules.ts';
import { snapshotRoutes } from './snapshots.ts';
import { statsRoutes } from './stats.ts';
import { txRoutes } from './txs.ts';

export const V1_ROUTES: readonly RouteModule[] = [
  nodeRoutes,
  statsRoutes,
  accountRoutes,
  poolRoutes,
  scheduleRoutes,
  historyRoutes,
  blockRoutes,
  txRoutes,
  eventRoutes,
  projectionRoutes,
  devRoutes,
  marketplaceRoutes,
  proposalRoutes,
  proofRoutes,
  lightRoutes,
  snapshotRoutes,
];
