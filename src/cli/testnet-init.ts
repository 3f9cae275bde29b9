/**
 * `dchat testnet init --nodes N --hosts h1,h2,... --out <dir>` (as Cosmos' `testnet init-files`):
 * the files of an N-validator network across machines, one bundle per host under <dir>/node<i>/:
 * genesis.json, keys/validator.json and keys/wallet.json (0600), p2p-key, and config.json (listen
 * on every interface, announce <host>:<p2p port>, bootstrap from every other host). Copy a bundle
 * to its host and run `dchat start --config <bundle>/config.json` there: the config's paths are
 * relative to itself (config.ts). The authority key stays in <dir>/authority.json, in no bundle.
 * A host named twice gets the next ports for its second node.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { ChainError, ChainErrorCode } from '../chain/errors.ts';
import { readKeyFile } from '../node/key-files.ts';
import { loadOrCreateP2pKey, p2pKeyPath, peerIdOf } from '../node/network/p2p-key.ts';
import { wholeNumber, writeGenesisAndKeys } from './testnet-genesis.ts';

export interface HostBundleOptions {
  readonly out: string;
  readonly nodes: number;
  readonly hosts: readonly string[];
  readonly p2pPort: number;
  readonly apiPort: number;
  readonly blockTimeMs: bigint;
  readonly genesisTimeMs: bigint;
  readonly chainId?: string;
}

export interface HostBundle {
  readonly index: number;
  readonly host: string;
  readonly dir: string;
  readonly configFile: string;
  readonly p2pPort: number;
  readonly apiPort: number;
  readonly peerId: string;
  /** What the other hosts bootstrap from: /ip4|ip6|dns4/<host>/tcp/<port>/p2p/<peer id>. */
  readonly multiaddr: string;
  readonly walletId: string;
}

export interface HostBundles {
  readonly dir: string;
  readonly chainId: string;
  readonly authorityKeyFile: string;
  readonly bundles: readonly HostBundle[];
}

const MAX_NODES = 64;
const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

const invalid = (sentence: string): ChainError => new ChainError(ChainErrorCode.InvalidConfig, sentence);

/** The multiaddr prefix of a host: an IPv4 or IPv6 address, or a DNS name. */
export function hostAddress(host: string): string {
  if (isIP(host) === 4) return `/ip4/${host}`;
  if (isIP(host) === 6) return `/ip6/${host}`;
  if (HOST_NAME.test(host)) return `/dns4/${host}`;
  throw invalid(`--hosts: "${host}" is not an IP address or a host name.`);
}

/** `h1,h2,...` as a list, one per node. */
export function parseHosts(text: string, nodes: number): string[] {
  const hosts = text.split(',').map((h) => h.trim());
  if (hosts.some((h) => h.length === 0)) throw invalid(`--hosts: "${text}" has an empty host name.`);
  if (hosts.length !== nodes) throw invalid(`--hosts names ${hosts.length} hosts for --nodes ${nodes}: give one host per node (a host may be named twice).`);
  for (const host of hosts) hostAddress(host);
  return hosts;
}

function bundleConfig(bundle: HostBundle, others: readonly HostBundle[]): Record<string, unknown> {
  return {
    data_dir: '.',
    genesis_file: 'genesis.json',
    validator_key_file: 'keys/validator.json',
    api_host: '127.0.0.1',
    api_port: bundle.apiPort,
    p2p_host: '0.0.0.0',
    p2p_port: bundle.p2pPort,
    p2p_announce: [`${hostAddress(bundle.host)}/tcp/${bundle.p2pPort}`],
    bootstrap: others.map((o) => o.multiaddr),
    log_level: 'info',
  };
}

/** Writes every host's bundle; refuses an --out that already holds a network (nothing is overwritten). */
export async function writeHostBundles(options: HostBundleOptions): Promise<HostBundles> {
  if (!Number.isInteger(options.nodes) || options.nodes < 1 || options.nodes > MAX_NODES) throw invalid(`--nodes must be 1 to ${MAX_NODES}.`);
  if (options.hosts.length !== options.nodes) throw invalid(`--hosts names ${options.hosts.length} hosts for --nodes ${options.nodes}.`);
  const dir = resolve(options.out);
  const authorityKeyFile = join(dir, 'authority.json');
  if (existsSync(authorityKeyFile)) throw invalid(`${dir} already holds a network (authority.json): choose another --out.`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const bundleDir = (i: number): string => join(dir, `node${i}`);
  const chainId = options.chainId ?? `dchat-testnet-${options.genesisTimeMs}`;
  const genesisText = writeGenesisAndKeys(
    { genesisFile: join(dir, 'genesis.json'), authorityKeyFile, validatorKeyFile: (i) => join(bundleDir(i), 'keys/validator.json'), walletKeyFile: (i) => join(bundleDir(i), 'keys/wallet.json') },
    { validators: options.nodes, chainId, genesisTimeMs: options.genesisTimeMs, blockTimeMs: options.blockTimeMs },
  );
  const seen = new Map<string, number>();
  const bundles: HostBundle[] = [];
  for (let i = 0; i < options.nodes; i++) {
    const host = options.hosts[i]!;
    const offset = seen.get(host) ?? 0;
    seen.set(host, offset + 1);
    const peerId = peerIdOf(await loadOrCreateP2pKey(p2pKeyPath(bundleDir(i)))).toString();
    const p2pPort = options.p2pPort + offset;
    bundles.push({
      index: i, host, dir: bundleDir(i), configFile: join(bundleDir(i), 'config.json'), p2pPort, apiPort: options.apiPort + offset, peerId,
      multiaddr: `${hostAddress(host)}/tcp/${p2pPort}/p2p/${peerId}`,
      walletId: readKeyFile(join(bundleDir(i), 'keys/wallet.json')).walletId,
    });
  }
  for (const bundle of bundles) {
    writeFileSync(join(bundle.dir, 'genesis.json'), genesisText, { mode: 0o644 });
    writeFileSync(bundle.configFile, `${JSON.stringify(bundleConfig(bundle, bundles.filter((b) => b !== bundle)), null, 2)}\n`, { mode: 0o600 });
  }
  return { dir, chainId, authorityKeyFile, bundles };
}

export interface TestnetInitFlags {
  nodes: string;
  hosts: string;
  out: string;
  p2pPort?: string;
  apiPort?: string;
  blockTime?: string;
  chainId?: string;
}

/** The command: writes the bundles and says what to copy where and what to run there. */
export async function testnetInit(flags: TestnetInitFlags, write: (line: string) => void): Promise<HostBundles> {
  const nodes = wholeNumber(flags.nodes, 0, '--nodes');
  const written = await writeHostBundles({
    out: flags.out,
    nodes,
    hosts: parseHosts(flags.hosts, nodes),
    p2pPort: wholeNumber(flags.p2pPort, 7600, '--p2p-port'),
    apiPort: wholeNumber(flags.apiPort, 7545, '--api-port'),
    blockTimeMs: BigInt(wholeNumber(flags.blockTime, 6_000, '--block-time')),
    genesisTimeMs: BigInt(Date.now()),
    ...(flags.chainId === undefined ? {} : { chainId: flags.chainId }),
  });
  write(`Wrote ${written.bundles.length} host bundles of chain ${written.chainId} in ${written.dir}:`);
  for (const b of written.bundles) write(`  ${b.dir}  → ${b.host}  p2p ${b.multiaddr}  API 127.0.0.1:${b.apiPort}  reward wallet ${b.walletId}`);
  write(`The authority key is ${written.authorityKeyFile}: keep it off the validators' hosts.`);
  write('On each host: copy its bundle (e.g. to /var/lib/dchat), keep keys/ private, open its p2p port, and run');
  write('  dchat start --config <bundle>/config.json');
  return written;
}
