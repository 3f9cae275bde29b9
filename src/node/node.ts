/**
 * The daemon: `init` builds the modules in order (logger, keys and genesis, store, chain, clock,
 * producer, API) and `close` stops them in reverse, so a shutdown never cuts a block commit.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { Chain } from '../chain/chain.ts';
import { toHex } from '../chain/crypto.ts';
import { ChainError, ChainErrorCode } from '../chain/errors.ts';
import { ChainStore } from '../chain/store/chain-store.ts';
import { type GenesisConfig, parseGenesisJson } from '../tokenomics/index.ts';
import { buildApi } from './api/server.ts';
import { isLoopbackHost } from './api/loopback.ts';
import { DashboardFeed } from './dashboard/feed.ts';
import { watchChain } from './metrics/chain-metrics.ts';
import { type NodeMetrics, createMetrics } from './metrics/metrics.ts';
import { BlockProducer } from './block-producer.ts';
import type { NodeConfig } from './config.ts';
import { devSetup } from './dev-setup.ts';
import { describeModeChange } from './files/private-mode.ts';
import { secureDataDir } from './files/secure-data-dir.ts';
import { type NodeKey, readKeyFile } from './key-files.ts';
import { createLogger } from './logger.ts';
import { Network } from './network/network.ts';
import { type SlotClock, systemSlotClock } from './slot-clock.ts';

export interface NodeOverrides {
  readonly logger?: Logger;
  readonly clock?: (genesis: GenesisConfig) => SlotClock;
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

export class DchatNode {
  readonly config: NodeConfig;
  readonly chain: Chain;
  readonly logger: Logger;
  readonly dev: DevInfo | null;
  /** The node's Prometheus metrics; the network sets `metrics.peers`. */
  readonly metrics: NodeMetrics;
  private readonly dashboard: DashboardFeed;
  private readonly stopMetrics: () => void;
  private readonly store: ChainStore;
  private readonly producer: BlockProducer | null;
  /** The libp2p network (null when it is off: dev mode). */
  readonly network: Network | null;
  private readonly api: FastifyInstance;
  private apiAddress = '';
  private closed = false;

  private constructor(parts: {
    config: NodeConfig; chain: Chain; logger: Logger; dev: DevInfo | null; store: ChainStore; producer: BlockProducer | null; api: FastifyInstance;
    metrics: NodeMetrics; dashboard: DashboardFeed; stopMetrics: () => void; network: Network | null;
  }) {
    this.config = parts.config;
    this.chain = parts.chain;
    this.logger = parts.logger;
    this.dev = parts.dev;
    this.store = parts.store;
    this.producer = parts.producer;
    this.network = parts.network;
    this.api = parts.api;
    this.metrics = parts.metrics;
    this.dashboard = parts.dashboard;
    this.stopMetrics = parts.stopMetrics;
  }

  static async init(config: NodeConfig, overrides: NodeOverrides = {}): Promise<DchatNode> {
    const logger = overrides.logger ?? createLogger(config.logLevel);
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
    const store = await ChainStore.open(join(config.dataDir, 'chain'));
    let chain: Chain;
    try {
      chain = await Chain.open({ store, genesis, logger: logger.child({ module: 'chain' }), mempoolLimits: config.mempool });
    } catch (err) {
      await store.close();
      throw err;
    }
    const clock = overrides.clock?.(genesis) ?? systemSlotClock(genesis.params);
    const isValidator = validatorKey !== null && chain.validators().some((v) => v.publicKey === validatorKey.publicKeyHex);
    // Metrics and the dashboard feed subscribe to the chain before the producer starts: no block is missed.
    const metrics = createMetrics({ processMetrics: true });
    const producer = isValidator ? new BlockProducer(chain, clock, validatorKey!, logger.child({ module: 'producer' }), metrics) : null;
    const stopMetrics = watchChain(metrics, { chain, nowMs: () => clock.nowMs() });
    const dashboard = new DashboardFeed(chain, logger.child({ module: 'dashboard' }));
    dashboard.start();
    // The network comes after the chain (it imports into it) and before the producer starts.
    let network: Network | null = null;
    if (config.p2pEnabled) {
      try {
        network = await Network.start(
          {
            dataDir: config.dataDir, host: config.p2pHost, port: config.p2pPort, announce: config.p2pAnnounce, bootstrap: config.bootstrap,
            sharedAddressBanThreshold: config.p2pSharedAddressBanThreshold,
          },
          { chain, clock, logger: logger.child({ module: 'network' }), onPeerCount: (count) => metrics.setPeers(count) },
        );
      } catch (err) {
        await dashboard.close();
        stopMetrics();
        await chain.close();
        await store.close();
        throw err;
      }
    }
    const node: DchatNode = new DchatNode({
      config, chain, logger, dev, store, producer, metrics, dashboard, stopMetrics, network,
      api: buildApi({
        chain, producer, dev: config.dev, logger: logger.child({ module: 'api' }),
        nodeInfo: () => node.info(), metrics, dashboard, network, limits: config.api,
      }),
    });
    await node.api.listen({ host: config.apiHost, port: config.apiPort });
    const address = node.api.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : config.apiPort;
    node.apiAddress = `http://${config.apiHost.includes(':') ? `[${config.apiHost}]` : config.apiHost}:${port}`;
    if (!isLoopbackHost(config.apiHost)) {
      logger.warn({ api: node.apiAddress }, 'the API listens beyond loopback: anyone who can reach this address may use it (rate limits apply; /v1/dev/* stays loopback-only)');
    }
    if (producer !== null) {
      // A validator produces only once it holds its peers' head: one that restarts behind them
      // would otherwise build on a stale head and fork.
      if (network === null) producer.start();
      else void network.whenReady().then(() => { if (!node.closed) producer.start(); });
    }
    logger.info({ api: node.apiAddress, validator: isValidator, height: String(chain.head.header.height) }, 'node started');
    return node;
  }

  get apiUrl(): string {
    return this.apiAddress;
  }

  info(): Record<string, unknown> {
    const head = this.chain.head;
    return {
      chainId: this.chain.params.chainId,
      dev: this.config.dev,
      validator: this.producer !== null,
      headHeight: head.header.height,
      headHash: toHex(head.hash),
      stateRoot: toHex(head.header.stateRoot),
      blockTimeMs: this.chain.params.blockTimeMs,
      mempoolSize: this.chain.mempool.size,
      halted: this.producer?.haltReason ?? null,
      haltedDetail: this.producer?.halt ?? null,
      peerId: this.network?.peerId ?? null,
      p2pAddresses: this.network?.multiaddrs() ?? [],
      ...(this.dev === null ? {} : { devWallet: this.dev.devWalletId }),
    };
  }

  /** Stops in reverse order of init: no new blocks, no new requests, then the store. */
  async close(): Promise<void> {
    this.closed = true;
    this.producer?.stop();
    // No more blocks or transactions from peers once the producer has stopped.
    await this.network?.close();
    await this.api.close();
    await this.dashboard.close();
    this.stopMetrics();
    await this.chain.idle();
    await this.chain.close();
    await this.store.close();
    this.logger.info('node stopped');
  }
}
