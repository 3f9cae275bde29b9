/**
 * What the API is built from. Its own file so that route files can name it without importing
 * server.ts, which imports them (no cycle). Readers get the read-only `ChainView`; the two routes
 * that change something get one narrow interface each.
 */
import type { Logger } from 'pino';
import type { ChainView, DevBlockSource, TxIntake } from '../../chain/chain-view.ts';
import type { DashboardFeed } from '../dashboard/feed.ts';
import type { NodeMetrics } from '../metrics/metrics.ts';
import type { NetworkView } from '../network/api-routes.ts';
import type { EventLimits } from '../events/event-hub.ts';
import type { ApiLimits } from './limits.ts';
import type { SnapshotSource } from '../network/req-resp.ts';

export interface ApiDeps {
  readonly chain: ChainView;
  /** POST /v1/txs submits here. */
  readonly txs: TxIntake;
  readonly logger: Logger;
  /** POST /v1/dev/produce-block (dev mode only; null on a node that does not produce). */
  readonly producer: DevBlockSource | null;
  readonly dev: boolean;
  readonly nodeInfo: () => Record<string, unknown>;
  /** GET /metrics when set. */
  readonly metrics?: NodeMetrics | null;
  /** The dashboard's series and latest-activity feeds (the page itself is always served). */
  readonly dashboard?: DashboardFeed | null;
  /** GET /v1/peers and /v1/sync (null: the node runs without the network). */
  readonly network?: NetworkView | null;
  /** Rate, concurrency and connection bounds and socket timeouts (default: DEFAULT_API_LIMITS). */
  readonly limits?: ApiLimits;
  /** Caps and buffers of the event streams (default: DEFAULT_EVENT_LIMITS). */
  readonly eventLimits?: EventLimits;
  /** GET /v1/snapshots: the node's final state snapshots (none when absent). */
  readonly snapshots?: SnapshotSource | null;
}
