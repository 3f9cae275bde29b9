/**
 * The network's two API routes (docs/protocol.md §16): GET /v1/peers lists connected peers, GET /v1/sync tells
 * whether the node is catching up. A node running without the network (dev mode) answers an empty
 * peer list and "not syncing" at its own head.
 */
import type { FastifyInstance } from 'fastify';
import type { ChainView } from '../../chain/chain-view.ts';
import type { PeerView } from './peer-manager.ts';
import type { SyncStatus } from './sync.ts';
import type { PeerTxCounts } from './tx-budget.ts';

/** What the routes need from the network. */
export interface NetworkView {
  peers(): PeerView[];
  syncStatus(): SyncStatus;
  /** What a peer's gossiped txs cost us (tx-budget.ts). */
  txCounts?(peerId: string): PeerTxCounts;
}

const PEERS_DOC = {
  type: 'array',
  items: {
    type: 'object',
    properties: {
      peer_id: { type: 'string' },
      addresses: { type: 'array', items: { type: 'string' } },
      direction: { type: 'string', enum: ['inbound', 'outbound'] },
      score: { type: 'number', description: 'gossipsub score; below -80 the peer is banned' },
      bootstrap: { type: 'boolean' },
      gossip_txs: {
        type: 'object',
        description: 'its gossiped txs: validated (decoded, signature checked), accepted, failed (counted against it), excused (our limits or lag), throttled (dropped unread: its budget was empty)',
        properties: { validated: { type: 'number' }, accepted: { type: 'number' }, failed: { type: 'number' }, excused: { type: 'number' }, throttled: { type: 'number' } },
      },
    },
  },
};

const SYNC_DOC = {
  type: 'object',
  properties: {
    syncing: { type: 'boolean' },
    head_height: { type: 'string' },
    target_height: { type: 'string', description: 'the highest head a peer announced (or ours)' },
    blocks_per_second: { type: 'number', description: 'sync imports over the last 10 s' },
    blocks_synced: { type: 'number', description: 'blocks imported by sync since start' },
    phase: { type: 'string', enum: ['snapshot', 'blocks', 'idle'], description: 'snapshot: restoring a state snapshot (docs/protocol.md §20.5); blocks: range sync' },
    snapshot: {
      type: 'object',
      nullable: true,
      description: 'the state sync of this run, if any',
      properties: {
        step: { type: 'string', enum: ['discovering', 'chunks', 'installing', 'done', 'failed'] },
        height: { type: 'string', nullable: true },
        chunks_done: { type: 'number' },
        chunks_total: { type: 'number' },
        chunks_reused: { type: 'number', description: 'chunks staged by an interrupted restore and reused' },
        chunks_per_second: { type: 'number' },
        bytes: { type: 'number', description: 'chunk bytes fetched' },
      },
    },
  },
};

export function registerNetworkRoutes(app: FastifyInstance, deps: { chain: ChainView; network: NetworkView | null }): void {
  app.get('/v1/peers', {
    schema: { summary: 'Connected libp2p peers', tags: ['network'] },
    config: { openapi: { responses: { 200: PEERS_DOC } } },
  }, async () =>
    (deps.network?.peers() ?? []).map((p) => ({
      peer_id: p.peerId, addresses: p.addresses, direction: p.direction, score: p.score, bootstrap: p.bootstrap,
      ...(deps.network?.txCounts === undefined ? {} : { gossip_txs: deps.network.txCounts(p.peerId) }),
    })),
  );

  app.get('/v1/sync', {
    schema: { summary: 'Whether the node is catching up with its peers, and how fast', tags: ['network'] },
    config: { openapi: { responses: { 200: SYNC_DOC } } },
  }, async () => {
    const head = deps.chain.head.header.height;
    const status = deps.network?.syncStatus() ?? { syncing: false, headHeight: head, targetHeight: head, blocksPerSecond: 0, blocksSynced: 0 };
    return {
      syncing: status.syncing,
      head_height: String(status.headHeight),
      target_height: String(status.targetHeight),
      blocks_per_second: status.blocksPerSecond,
      blocks_synced: status.blocksSynced,
      phase: status.phase ?? (status.syncing ? 'blocks' : 'idle'),
      snapshot: status.snapshot === undefined || status.snapshot === null ? null : {
        step: status.snapshot.phase,
        height: status.snapshot.height === null ? null : String(status.snapshot.height),
        chunks_done: status.snapshot.chunksDone,
        chunks_total: status.snapshot.chunksTotal,
        chunks_reused: status.snapshot.chunksReused,
        chunks_per_second: status.snapshot.chunksPerSecond,
        bytes: status.snapshot.bytes,
      },
    };
  });
}
