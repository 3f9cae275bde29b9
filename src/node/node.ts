/**
 * The daemon: `init` builds the modules in order (API port, keys and genesis, store, chain,
 * metrics, dashboard feed, network, API, producer) and `close` stops them in reverse, so a
 * shutdown never cuts a block commit and a failed start leaves nothing running.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { Chain } from '../chain/chain.ts';
import type { ChainView } from '../chain/chain-view.ts';
import { toHex } from '../chain/crypto.ts';
import { ChainError, ChainErrorCode } from '../chain/errors.ts';
import { ChainStore } from '../chain/store/chain-store.ts';
import { type GenesisConfig, parseGenesisJson } from '../tokenomics/index.ts';
import { buildApi } from './api/server.ts';
import { validatorSetsJson } from './api/routes/light.ts';
import { apiListenError, holdApiPort } from './api-port.ts';
import { isLoopbackHost } from './api/loopback.ts';
import { DashboardFeed } from './dashboard/feed.ts';
import { watchChain } from './metrics/chain-metrics.ts';
import { type NodeMetrics, createMetrics } from './metrics/metrics.ts';
import { BlockProducer } from './block-producer.ts';
import { SnapshotTaker } from './snapshots/snapshot-taker.ts';
import { trustedGenesisOf } from './statesync/trusted-block.ts';
import { Pruner } from './pruning/pruner.ts';
import type { NodeConfig } from './config.ts';
import { devSetup } from './dev-setup.ts';
import { dialableApiUrl, writeApiUrl } from './files/api-url-file.ts';
import { describeModeChange } from './files/private-mode.ts';
import { secureDataDir } from './files/secure-data-dir.ts';
import { type NodeKey, readKeyFile } from './key-files.ts';
import { Closers, type NodePart } from './lifecycle.ts';
import { createLogger } from './logger.ts';
import { DCHAT_VERSION } from './version.ts';
import { Network } from './network/network.ts';
import { type SlotClock, systemSlotClock } from './slot-clock.ts';

export interface NodeOverrides {
  readonly logger?: Logger;
  readonly clock?: (genesis: GenesisConfig) => SlotClock;
  /** Called as each part has started; a throw there fails init at that point (tests of the unwinding). */
  readonly onPartStarted?: (part: NodePart) => void | Promise<void>;
}

export interface DevInfo {
  readonly devWalletId: string;
  readonly devKeyFile: string;
  readonly authorityKeyFile: string;
  readonly genesisFile: string;
}

function loadGenesis(config: NodeConfig): GenesisConfig {
  const path = config.genesisFile ?? join(config.dataDir, 'genesis.json');
  if (!existsSync(path)) {
    throw new ChainError(ChainErrorCode.InvalidConfig, `No genesis file at ${path}: pass --genesis, or run \`dchat start --dev\` for a local dev chain.`);
  }
  return parseGenesisJson(JSON.parse(readFileSync(path, 'utf8')));
}

/** Genesis and the validator key (a dev node creates both on first start), and the data dir made private. */
function prepareDataDir(config: NodeConfig, logger: Logger): { genesis: GenesisConfig; validatorKey: NodeKey | null; dev: DevInfo | null } {
  let genesis: GenesisConfig;
  let validatorKey: NodeKey | null = null;
  let dev: DevInfo | null = null;
  if (config.dev) {
    const setup = devSetup(config.dataDir, config.blockTimeMs, BigInt(Date.now()));
    if (config.blockTimeMs !== null && config.blockTimeMs !== setup.genesis.params.blockTimeMs) {
      logger.warn({ genesisBlockTime: String(setup.genesis.params.blockTimeMs) }, '--block-time ignored: this dev chain already has a genesis');
    }
    genesis = setup.genesis;
    validatorKey = setup.validator;
    dev = { devWalletId: setup.devWallet.walletId, devKeyFile: setup.devKeyFile, authorityKeyFile: setup.authorityKeyFile, genesisFile: setup.genesisFile };
  } else {
    genesis = loadGenesis(config);
    const keyFile = config.validatorKeyFile ?? join(config.dataDir, 'keys/validator.json');
    if (existsSync(keyFile)) validatorKey = readKeyFile(keyFile);
  }
  // The data dir holds keys and chain data: only the node's user may list or read it.
  for (const change of secureDataDir(config.dataDir, config.validatorKeyFile === null ? [] : [config.validatorKeyFile])) {
    logger.warn({ path: change.path, from: change.from, to: change.to }, describeModeChange(change));
  }
  return { genesis, validatorKey, dev };
}

export class DchatNode {
  readonly config: NodeConfig;
  readonly chain: Chain;
  readonly logger: Logger;
  readonly dev: DevInfo | null;
  /** The node's Prometheus metrics; the network sets `metrics.peers`. */
  readonly metrics: NodeMetrics;
  private readonly producer: BlockProducer | null;
  /** The libp2p network (null when it is off: dev mode). */
  readonly network: Network | null;
  /** The state snapshots it takes for joining nodes (docs/protocol.md §20). */
  readonly snapshots: SnapshotTaker;
  private readonly closers: Closers;
  private apiAddress = '';

  private constructor(parts: {
    config: NodeConfig; chain: Chain; logger: Logger; dev: DevInfo | null; producer: BlockProducer | null; metrics: NodeMetrics; network: Network | null; closers: Closers;
    snapshots: SnapshotTaker;
  }) {
    this.snapshots = parts.snapshots;
    this.config = parts.config;
    this.chain = parts.chain;
    this.logger = parts.logger;
    this.dev = parts.dev;
    this.producer = parts.producer;
    this.network = parts.network;
    this.metrics = parts.metrics;
    this.closers = parts.closers;
  }

  /**
   * Starts the parts in order, each pushing its closer as it starts (lifecycle.ts); any failure
   * stops what had started, in reverse, before the error reaches the caller.
   */
  static async init(config: NodeConfig, overrides: NodeOverrides = {}): Promise<DchatNode> {
    const logger = overrides.logger ?? createLogger(config.logLevel, config.logFormat === null ? undefined : config.logFormat === 'pretty');
    const closers = new Closers(logger, overrides.onPartStarted);
    try {
      return await DchatNode.start(config, overrides, logger, closers);
    } catch (err) {
      await closers.close();
      throw err;
    }
  }

  private static async start(config: NodeConfig, overrides: NodeOverrides, logger: Logger, closers: Closers): Promise<DchatNode> {
    // Before anything is written to the data dir: a busy API port fails here, leaving it untouched.
    const releaseApiPort = await holdApiPort(config.apiHost, config.apiPort);
    await closers.started('api-port', releaseApiPort);
    const { genesis, validatorKey, dev } = prepareDataDir(config, logger);
    const store = await ChainStore.open(join(config.dataDir, 'chain'));
    await closers.started('store', () => store.close());
    const chain = await Chain.open({ store, genesis, logger: logger.child({ module: 'chain' }), mempoolLimits: config.mempool });
    // Waits for a block commit in flight: a shutdown never cuts one.
    await closers.started('chain', async () => { await chain.idle(); await chain.close(); });
    // State snapshots for joining nodes: subscribed before anything produces or imports a block.
    const snapshots = new SnapshotTaker(chain, config.dataDir, config.snapshots, logger.child({ module: 'snapshots' }));
    await snapshots.start();
    await closers.started('snapshots', () => snapshots.close());
    // Pruning and state history trimming (docs/protocol.md §20.6): blocks only with `prune`, old undo records and tree versions in every mode.
    const pruner = new Pruner(chain, { keepBlocks: config.pruneKeep }, logger.child({ module: 'pruner' }));
    pruner.start();
    await closers.started('pruner', () => pruner.close());
    // Readers get the read-only view; only the network, the producer and POST /v1/txs change the chain.
    const view: ChainView = chain;
    const clock = overrides.clock?.(genesis) ?? systemSlotClock(genesis.params);
    // Metrics and the dashboard feed subscribe to the chain before the producer starts: no block is missed.
    const metrics = createMetrics({ processMetrics: true });
    metrics.buildInfo.set({ version: DCHAT_VERSION }, 1);
    await closers.started('metrics', watchChain(metrics, { chain: view, nowMs: () => clock.nowMs() }));
    const dashboard = new DashboardFeed(view, logger.child({ module: 'dashboard' }));
    dashboard.start();
    await closers.started('dashboard', () => dashboard.close());
    // The network comes after the chain (it imports into it) and before the producer starts.
    let network: Network | null = null;
    if (config.p2pEnabled) {
      const started = await Network.start(
        {
          dataDir: config.dataDir, host: config.p2pHost, port: config.p2pPort, announce: config.p2pAnnounce, bootstrap: config.bootstrap,
          sharedAddressBanThreshold: config.p2pSharedAddressBanThreshold, snapshots,
          validatorSets: (after, limit) => validatorSetsJson(view, after, limit),
          // A node with peers to ask and a chain still at genesis restores a snapshot first (docs/protocol.md §20.5).
          stateSync: config.sync === 'snapshot' && config.bootstrap.length > 0
            ? { dataDir: config.dataDir, genesis: trustedGenesisOf(genesis), trustedHash: config.trustedHash === null ? null : Buffer.from(config.trustedHash, 'hex') }
            : null,
        },
        { chain, clock, logger: logger.child({ module: 'network' }), onPeerCount: (count) => metrics.setPeers(count), onPeerBan: () => metrics.peerBans.inc() },
      );
      network = started;
      const stopLag = metrics.onScrape(() => {
        const sync = started.syncStatus();
        metrics.syncLag.set(Math.max(0, Number(sync.targetHeight - chain.head.header.height)));
      });
      // Its peer timers, sync and gossip stop with it.
      await closers.started('network', () => { stopLag(); return started.close(); });
    }
    // Any node with a validator key runs a producer: it produces while its key is in the set in
    // force and follows otherwise, so a key that joins or leaves the set (docs/protocol.md §17.7)
    // needs no restart.
    const producer = validatorKey === null ? null : new BlockProducer(chain, clock, validatorKey, logger.child({ module: 'producer' }), metrics);
    const node: DchatNode = new DchatNode({ config, chain, logger, dev, producer, metrics, network, closers, snapshots });
    const api = buildApi({
      chain: view, txs: chain, producer, dev: config.dev, logger: logger.child({ module: 'api' }),
      nodeInfo: () => node.info(), metrics, dashboard, network, limits: config.api, snapshots,
    });
    await closers.started('api', () => api.close());
    await releaseApiPort();
    try {
      await api.listen({ host: config.apiHost, port: config.apiPort });
    } catch (err) {
      throw apiListenError(config.apiHost, config.apiPort, err);
    }
    const address = api.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : config.apiPort;
    node.apiAddress = `http://${config.apiHost.includes(':') ? `[${config.apiHost}]` : config.apiHost}:${port}`;
    // Removed first on shutdown: a stopping node stops answering at once.
    const removeApiUrl = writeApiUrl(config.dataDir, dialableApiUrl(config.apiHost, port));
    await closers.started('api-url', async () => removeApiUrl());
    if (!isLoopbackHost(config.apiHost)) {
      logger.warn({ api: node.apiAddress }, 'the API listens beyond loopback: anyone who can reach this address may use it (rate limits apply; /v1/dev/* stays loopback-only)');
    }
    if (producer !== null) {
      await closers.started('producer', () => producer.stop());
      // A validator produces only once it holds its peers' head: one that restarts behind them
      // would otherwise build on a stale head and fork.
      if (network === null) producer.start();
      else void network.whenReady().then(() => { if (!closers.isClosing) producer.start(); });
    }
    logger.info({ api: node.apiAddress, validator: producer?.inValidatorSet ?? false, height: String(chain.head.header.height) }, 'node started');
    return node;
  }

  get apiUrl(): string {
    return this.apiAddress;
  }

  info(): Record<string, unknown> {
    const head = this.chain.head;
    const schedule = this.chain.validatorSchedule();
    return {
      chainId: this.chain.params.chainId,
      dev: this.config.dev,
      validator: this.producer?.inValidatorSet ?? false,
      headHeight: head.header.height,
      headHash: toHex(head.hash),
      stateRoot: toHex(head.header.stateRoot),
      blockTimeMs: this.chain.params.blockTimeMs,
      mempoolSize: this.chain.mempool.size,
      halted: this.producer?.haltReason ?? null,
      haltedDetail: this.producer?.halt ?? null,
      // The set in force at the head, and the next one with its activation height (docs/protocol.md §17.7).
      // The earliest block held besides genesis (a restored or pruning node's; docs/protocol.md §20.5–20.6).
      earliestHeight: this.chain.baseHeight,
      validators: schedule.inForce,
      pendingValidators: schedule.pending,
      peerId: this.network?.peerId ?? null,
      p2pAddresses: this.network?.multiaddrs() ?? [],
      ...(this.dev === null ? {} : { devWallet: this.dev.devWalletId }),
    };
  }

  /** Stops the parts in reverse order of init. Idempotent: a second or concurrent call waits for the first. */
  async close(): Promise<void> {
    const first = !this.closers.isClosing;
    await this.closers.close();
    if (first) this.logger.info('node stopped');
  }
}
