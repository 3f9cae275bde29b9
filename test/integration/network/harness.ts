/**
 * In-process testnets for the network tests: one genesis and keys written by `writeTestnet` (the
 * code behind `dchat testnet`), nodes started with DchatNode.init on loopback with free ports (p2p
 * and API on port 0), every node bootstrapping from node 0. Logs are silent unless DCHAT_TEST_LOG
 * names a level.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { generateKeyPair as generateP2pKey } from '@libp2p/crypto/keys';
import { multiaddr } from '@multiformats/multiaddr';
import type { Logger } from 'pino';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestnetLayout, writeTestnet } from '../../../src/cli/testnet.ts';
import type { Block } from '../../../src/chain/codec/block.ts';
import { toHex } from '../../../src/chain/crypto.ts';
import { type RawSettings, loadConfig } from '../../../src/node/config.ts';
import { createLogger } from '../../../src/node/logger.ts';
import { type P2pHost, createHost } from '../../../src/node/network/host.ts';
import { protocolNames } from '../../../src/node/network/protocols.ts';
import { DchatNode } from '../../../src/node/node.ts';
import type { ChainParams } from '../../../src/tokenomics/index.ts';
import { waitFor } from '../node-client.ts';

export const logger = createLogger((process.env.DCHAT_TEST_LOG ?? 'silent') as 'silent', false);

export class TestNet {
  readonly dir: string;
  readonly layout: TestnetLayout;
  /** Running nodes by name; a stopped node's entry is null. */
  readonly nodes = new Map<string, DchatNode | null>();

  private constructor(dir: string, layout: TestnetLayout) {
    this.dir = dir;
    this.layout = layout;
  }

  static async create(validators: number, blockTimeMs: bigint, params: Partial<ChainParams> = {}): Promise<TestNet> {
    const dir = mkdtempSync(join(tmpdir(), 'dchat-net-'));
    const layout = await writeTestnet({ dir, nodes: validators, blockTimeMs, genesisTimeMs: BigInt(Date.now()), baseApiPort: 0, baseP2pPort: 0, params });
    return new TestNet(dir, layout);
  }

  /**
   * Starts validator `index` (or, with index null, a non-validator named `name`) in `dataDir`;
   * `options.config` adds config settings, `options.logger` replaces the (silent) test logger.
   */
  async start(name: string, index: number | null, bootstrap: string[], options: { config?: RawSettings; logger?: Logger } = {}): Promise<DchatNode> {
    const validator = index === null ? null : this.layout.nodes[index]!;
    const config = loadConfig({
      data_dir: validator?.dataDir ?? join(this.dir, name),
      genesis_file: this.layout.genesisFile,
      validator_key_file: validator?.validatorKeyFile ?? join(this.dir, name, 'no-validator-key.json'),
      api_port: 0,
      p2p_port: 0,
      p2p_host: '127.0.0.1',
      bootstrap,
      log_level: 'silent',
      ...options.config,
    });
    const node = await DchatNode.init(config, { logger: options.logger ?? logger.child({ node: name }) });
    this.nodes.set(name, node);
    return node;
  }

  /** Starts validators v0 .. v<count-1>, every one after v0 bootstrapping from v0. */
  async startValidators(count: number): Promise<void> {
    await this.start('v0', 0, []);
    const bootstrap = this.bootstrapOf('v0');
    for (let i = 1; i < count; i++) await this.start(`v${i}`, i, bootstrap);
  }

  node(name: string): DchatNode {
    const node = this.nodes.get(name);
    if (node === undefined || node === null) throw new Error(`node ${name} is not running`);
    return node;
  }

  /** node0's dialable address, what every other node bootstraps from. */
  bootstrapOf(name: string): string[] {
    return this.node(name).network!.multiaddrs().slice(0, 1);
  }

  async stop(name: string): Promise<void> {
    await this.nodes.get(name)?.close();
    this.nodes.set(name, null);
  }

  async close(): Promise<void> {
    for (const [name, node] of this.nodes) {
      await node?.close().catch(() => undefined);
      this.nodes.set(name, null);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export const height = (node: DchatNode): number => Number(node.chain.head.header.height);
export const headHex = (node: DchatNode): string => toHex(node.chain.head.hash);

/** Waits until every node has reached `min` and all stand on one head (same hash). */
export async function waitForSameHead(nodes: DchatNode[], min: number, timeoutMs = 30_000): Promise<number> {
  return waitFor(`the same head at height >= ${min} on ${nodes.length} nodes`, async () => {
    const heads = new Set(nodes.map(headHex));
    const h = height(nodes[0]!);
    return heads.size === 1 && h >= min ? h : undefined;
  }, timeoutMs);
}

export async function canonicalBlocks(node: DchatNode, from: number, to: number): Promise<Block[]> {
  const blocks: Block[] = [];
  for (let h = from; h <= to; h++) {
    const block = await node.chain.blockAt(BigInt(h));
    if (block === null) throw new Error(`no block ${h}`);
    blocks.push(block);
  }
  return blocks;
}

/**
 * A raw libp2p peer on `targets`' gossip topics (a fresh key each time): started, subscribed to the
 * blocks and txs topics, dialled to each target, and returned once each target is seen subscribed,
 * so what it publishes reaches them. `setup` runs before the first dial (protocol handlers, so that
 * identify announces them). The caller stops it.
 */
export async function rawPeer(targets: readonly DchatNode[], setup?: (host: P2pHost) => Promise<void>): Promise<P2pHost> {
  const names = protocolNames(targets[0]!.chain.params.chainId);
  const host = await createHost({
    privateKey: await generateP2pKey('Ed25519'), listen: ['/ip4/127.0.0.1/tcp/0'], announce: [], topics: [names.blocksTopic, names.txsTopic],
    maxMessageBytes: 4 * 1024 * 1024, isDenied: () => false, appScore: () => 0,
  });
  await host.start();
  await setup?.(host);
  host.services.pubsub.subscribe(names.blocksTopic);
  host.services.pubsub.subscribe(names.txsTopic);
  for (const target of targets) {
    await host.dial(multiaddr(target.network!.multiaddrs()[0]!));
    await waitFor('the target to be subscribed, seen from the raw peer', async () =>
      host.services.pubsub.getSubscribers(names.txsTopic).some((p) => p.toString() === target.network!.peerId), 10_000, 20);
  }
  return host;
}
