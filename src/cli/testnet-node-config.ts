/**
 * The config.json `dchat testnet` writes in each node's data dir: its genesis, validator key, ports
 * and bootstrap peers (every node bootstraps from node 0, and node 0 from node 1, so any node can
 * be restarted). The node reads a data dir's config.json when no --config is given (config.ts), so
 * `dchat start --data-dir <node dir>` restarts a node as the testnet runs it, peers included: it
 * then syncs from them before it produces (Network.whenReady) instead of building on its stale head.
 * Paths are relative to the node's dir, so the testnet dir may be moved.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATA_DIR_CONFIG_FILE } from '../node/config.ts';

/** What a node's config needs of a testnet node (testnet.ts TestnetNode has it all). */
export interface ConfiguredNode {
  readonly index: number;
  readonly dataDir: string;
  readonly apiPort: number;
  readonly p2pPort: number;
  /** /ip4/127.0.0.1/tcp/<p2pPort>/p2p/<peerId> */
  readonly multiaddr: string;
}

export function nodeConfig(nodes: readonly ConfiguredNode[], node: ConfiguredNode, logLevel: string): Record<string, unknown> {
  const bootstrap = node.index === 0 ? nodes.slice(1, 2) : nodes.slice(0, 1);
  return {
    data_dir: '.',
    genesis_file: '../genesis.json',
    validator_key_file: 'keys/validator.json',
    api_host: '127.0.0.1',
    api_port: node.apiPort,
    p2p_host: '127.0.0.1',
    p2p_port: node.p2pPort,
    bootstrap: bootstrap.map((n) => n.multiaddr),
    log_level: logLevel,
  };
}

/** Writes (or rewrites, as ports or the log level may differ on a resumed testnet) every node's config.json. */
export function writeNodeConfigs(nodes: readonly ConfiguredNode[], logLevel: string): void {
  for (const node of nodes) {
    writeFileSync(join(node.dataDir, DATA_DIR_CONFIG_FILE), `${JSON.stringify(nodeConfig(nodes, node, logLevel), null, 2)}\n`, { mode: 0o600 });
  }
}
