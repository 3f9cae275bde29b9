/**
 * The node's Prometheus metrics as ONE typed object with its own Registry (callers take
 * `NodeMetrics | null`, so a node or a test can run without metrics). Nothing here knows the chain:
 * `watchChain` feeds the block figures, and scrape-time figures (mempool, supply) come from
 * collectors added with `onScrape`, read only when Prometheus asks.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface MetricsOptions {
  /** Also export the process metrics of prom-client (CPU, memory, event loop lag). */
  readonly processMetrics?: boolean;
}

export type BlockOrigin = 'produced' | 'imported';

export interface NodeMetrics {
  readonly registry: Registry;
  readonly headHeight: Gauge;
  /** Seconds from a block's slot start to its commit as head: production (or import) time plus scheduling lag. */
  readonly blockCommitDelay: Histogram<'origin'>;
  readonly blockProcess: Histogram<'origin'>;
  readonly txsPerBlock: Histogram;
  readonly blocksProduced: Counter;
  readonly blocksImported: Counter;
  readonly txsIncluded: Counter;
  readonly txsAccepted: Counter;
  readonly txsRejected: Counter<'code'>;
  readonly mempoolSize: Gauge;
  readonly peers: Gauge;
  readonly totalMinted: Gauge;
  readonly totalBurned: Gauge;
  readonly totalSupply: Gauge;
  readonly mintedInBlocks: Counter<'reason'>;
  readonly burnedInBlocks: Counter<'reason'>;
  /** API requests and connections the limits refused, by code (RateLimited, Overloaded) and what was bounded. */
  readonly apiRefused: Counter<'code' | 'bound'>;
  /** Own slots that ended without this validator's block (the producer counts them). */
  readonly missedOwnSlots: Counter;
  /** Block productions that failed in a row (0 after a produced block). */
  readonly failedProductions: Gauge;
  /** The highest final block (docs/protocol.md finality): never reverted. */
  readonly finalizedHeight: Gauge;
  /** Blocks between our head and the best head peers report (0 when caught up or alone). */
  readonly syncLag: Gauge;
  /** Head switches to another branch, and how many blocks each abandoned. */
  readonly reorgs: Counter;
  readonly reorgDepth: Histogram;
  /** Peers banned (each new ban; renewals of a ban in force not counted). */
  readonly peerBans: Counter;
  /** Always 1, labelled with the software version: which build answers. */
  readonly buildInfo: Gauge<'version'>;
  /** For the network: the number of connected peers. */
  setPeers(count: number): void;
  /** Registers a function run before every scrape (figures cheaper to read than to track). */
  onScrape(collect: () => void): () => void;
  /** The Prometheus text exposition, after running the scrape collectors. */
  scrape(): Promise<string>;
  readonly contentType: string;
}

const TOTAL_NAMED_GAUGES = ['dchat_nodejs_active_handles_total', 'dchat_nodejs_active_requests_total', 'dchat_nodejs_active_resources_total'];

/** Bounds for txs per block: empty blocks are the common case, the block limit the rare one. */
const TXS_BUCKETS = [0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000];
/** Slot-relative delays: a healthy block lands within tens of ms of its slot start. */
const DELAY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10];
/** A block's processing: an empty block takes well under a millisecond, 10,000 transfers about one second. */
const PROCESS_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5];
/** Reorg depths: one block is the common race; anything deep is an incident. */
const REORG_BUCKETS = [1, 2, 3, 5, 10, 20, 50, 100];

export function createMetrics(options: MetricsOptions = {}): NodeMetrics {
  const registry = new Registry();
  const registers = [registry];
  const collectors = new Set<() => void>();
  if (options.processMetrics === true) {
    collectDefaultMetrics({ register: registry, prefix: 'dchat_' });
    // prom-client's three `*_total` gauges break the naming rule (`_total` is for counters, and
    // promtool refuses them); each only sums the per-type gauge beside it (dchat_nodejs_active_handles
    // by type, ...), so sum() over that one gives the same figure.
    for (const name of TOTAL_NAMED_GAUGES) registry.removeSingleMetric(name);
  }

  const peers = new Gauge({ name: 'dchat_peers', help: 'Connected libp2p peers (0 until the network reports).', registers });
  const metrics: NodeMetrics = {
    registry,
    headHeight: new Gauge({ name: 'dchat_head_height', help: 'Height of the head block.', registers }),
    blockCommitDelay: new Histogram({
      name: 'dchat_block_commit_delay_seconds',
      help: "Seconds from a block's slot start to its commit as head, by origin (produced here or imported).",
      labelNames: ['origin'],
      buckets: DELAY_BUCKETS,
      registers,
    }),
    blockProcess: new Histogram({
      name: 'dchat_block_process_seconds',
      help: "Seconds from a block's turn in the chain's queue to its commit (checks, apply, state root, LevelDB; for a produced block, building it), by origin.",
      labelNames: ['origin'],
      buckets: PROCESS_BUCKETS,
      registers,
    }),
    txsPerBlock: new Histogram({ name: 'dchat_block_txs', help: 'Transactions per committed block.', buckets: TXS_BUCKETS, registers }),
    blocksProduced: new Counter({ name: 'dchat_blocks_produced_total', help: 'Blocks this node produced and committed.', registers }),
    blocksImported: new Counter({ name: 'dchat_blocks_imported_total', help: 'Blocks received from peers and committed.', registers }),
    txsIncluded: new Counter({ name: 'dchat_txs_included_total', help: 'Transactions in committed blocks.', registers }),
    txsAccepted: new Counter({ name: 'dchat_txs_accepted_total', help: 'Transactions accepted into the mempool.', registers }),
    txsRejected: new Counter({ name: 'dchat_txs_rejected_total', help: 'Transactions refused at submission, by error code.', labelNames: ['code'], registers }),
    mempoolSize: new Gauge({ name: 'dchat_mempool_size', help: 'Transactions waiting in the mempool.', registers }),
    peers,
    // Gauges are float64: exact up to 2^53 tokens, which Prometheus cannot hold better anyway.
    totalMinted: new Gauge({ name: 'dchat_total_minted', help: 'Tokens minted since genesis (genesis included).', registers }),
    totalBurned: new Gauge({ name: 'dchat_total_burned', help: 'Tokens burned since genesis.', registers }),
    totalSupply: new Gauge({ name: 'dchat_total_supply', help: 'total_minted - total_burned.', registers }),
    mintedInBlocks: new Counter({ name: 'dchat_minted_tokens_total', help: 'Tokens minted in blocks committed since the node started, by reason.', labelNames: ['reason'], registers }),
    burnedInBlocks: new Counter({ name: 'dchat_burned_tokens_total', help: 'Tokens burned in blocks committed since the node started, by reason.', labelNames: ['reason'], registers }),
    apiRefused: new Counter({ name: 'dchat_api_refused_total', help: 'API requests and connections refused by the API limits, by code and bound.', labelNames: ['code', 'bound'], registers }),
    missedOwnSlots: new Counter({ name: 'dchat_missed_own_slots_total', help: "Own slots that ended without this validator's block (production failed).", registers }),
    failedProductions: new Gauge({ name: 'dchat_failed_productions', help: 'Block productions that failed in a row; 0 after a produced block.', registers }),
    finalizedHeight: new Gauge({ name: 'dchat_finalized_height', help: 'Height of the highest final block (never reverted).', registers }),
    syncLag: new Gauge({ name: 'dchat_sync_lag_blocks', help: 'Blocks between the head and the best head peers report; 0 when caught up or without peers.', registers }),
    reorgs: new Counter({ name: 'dchat_reorgs_total', help: 'Head switches to another branch since the node started.', registers }),
    reorgDepth: new Histogram({ name: 'dchat_reorg_depth_blocks', help: 'Blocks abandoned by each reorg.', buckets: REORG_BUCKETS, registers }),
    peerBans: new Counter({ name: 'dchat_peer_bans_total', help: 'Peers banned since the node started.', registers }),
    buildInfo: new Gauge({ name: 'dchat_build_info', help: 'Always 1; the version label is the dchat software version.', labelNames: ['version'], registers }),
    setPeers: (count) => peers.set(count),
    onScrape(collect) {
      collectors.add(collect);
      return () => collectors.delete(collect);
    },
    async scrape() {
      for (const collect of collectors) collect();
      return registry.metrics();
    },
    contentType: registry.contentType,
  };
  return metrics;
}
