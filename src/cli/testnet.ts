/**
 * `dchat testnet --nodes N`: N validator nodes on this machine. It writes one genesis with N
 * validators (the default template; each validator's rewards go to a wallet of its own, whose key
 * is written beside it), one authority key, and per node its keys and p2p key; then it starts N
 * `dchat start --data-dir node<i>` processes on consecutive API and p2p ports, each with its
 * settings in its data dir's config.json (testnet-node-config.ts: a plain restart finds its peers),
 * prints where each API is and how to start a node by hand, restarts a node that dies, and stops them all on Ctrl-C. A directory
 * that already holds a testnet is resumed as it is, and the banner says so with its height.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ChainError, ChainErrorCode } from '../chain/errors.ts';
import { ChainStore } from '../chain/store/chain-store.ts';
import { readKeyFile } from '../node/key-files.ts';
import { loadOrCreateP2pKey, p2pKeyPath, peerIdOf } from '../node/network/p2p-key.ts';
import { type ChainParams, parseGenesisJson } from '../tokenomics/index.ts';
import { wholeNumber, writeGenesisAndKeys } from './testnet-genesis.ts';
import { writeNodeConfigs } from './testnet-node-config.ts';
import { NodeSupervisor } from './testnet-supervisor.ts';

export interface TestnetOptions {
  readonly dir: string;
  readonly nodes: number;
  readonly blockTimeMs: bigint;
  readonly genesisTimeMs: bigint;
  readonly baseApiPort: number;
  readonly baseP2pPort: number;
  readonly chainId?: string;
  readonly params?: Partial<Omit<ChainParams, 'chainId' | 'genesisTimeMs' | 'supply'>>;
}

export interface TestnetNode {
  readonly index: number;
  readonly dataDir: string;
  readonly validatorKeyFile: string;
  /** The validator's reward wallet (its key, and its id). */
  readonly walletKeyFile: string;
  readonly walletId: string;
  readonly peerId: string;
  readonly apiPort: number;
  readonly p2pPort: number;
  /** /ip4/127.0.0.1/tcp/<p2pPort>/p2p/<peerId>: what other nodes bootstrap from. */
  readonly multiaddr: string;
}

export interface TestnetLayout {
  readonly dir: string;
  readonly chainId: string;
  readonly genesisFile: string;
  readonly authorityKeyFile: string;
  readonly nodes: readonly TestnetNode[];
}

const MAX_NODES = 64;

function nodeDir(dir: string, index: number): string {
  return join(dir, `node${index}`);
}

/** Writes (or, if `dir` already holds one, reads back) the genesis, keys and layout of a testnet. */
export async function writeTestnet(options: TestnetOptions): Promise<TestnetLayout> {
  if (!Number.isInteger(options.nodes) || options.nodes < 1 || options.nodes > MAX_NODES) {
    throw new ChainError(ChainErrorCode.InvalidConfig, `--nodes must be 1 to ${MAX_NODES}.`);
  }
  const dir = resolve(options.dir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const genesisFile = join(dir, 'genesis.json');
  const authorityKeyFile = join(dir, 'authority.json');
  const validatorKeyFile = (i: number): string => join(nodeDir(dir, i), 'keys/validator.json');
  const walletKeyFile = (i: number): string => join(nodeDir(dir, i), 'keys/wallet.json');
  let chainId: string;
  if (existsSync(genesisFile)) {
    const genesis = parseGenesisJson(JSON.parse(readFileSync(genesisFile, 'utf8')));
    if (genesis.validators.length !== options.nodes) {
      throw new ChainError(ChainErrorCode.InvalidConfig, `${dir} holds a testnet of ${genesis.validators.length} validators, not ${options.nodes}; use another --dir.`);
    }
    chainId = genesis.params.chainId;
  } else {
    chainId = options.chainId ?? `dchat-testnet-${options.genesisTimeMs}`;
    writeGenesisAndKeys(
      { genesisFile, authorityKeyFile, validatorKeyFile, walletKeyFile },
      { validators: options.nodes, chainId, genesisTimeMs: options.genesisTimeMs, blockTimeMs: options.blockTimeMs, ...(options.params === undefined ? {} : { params: options.params }) },
    );
  }
  const nodes: TestnetNode[] = [];
  for (let i = 0; i < options.nodes; i++) {
    const dataDir = nodeDir(dir, i);
    // The p2p key is made here, before the node first starts, so the others know its peer id.
    const peerId = peerIdOf(await loadOrCreateP2pKey(p2pKeyPath(dataDir))).toString();
    const p2pPort = options.baseP2pPort + i;
    nodes.push({
      index: i,
      dataDir,
      validatorKeyFile: validatorKeyFile(i),
      walletKeyFile: walletKeyFile(i),
      walletId: readKeyFile(walletKeyFile(i)).walletId,
      peerId,
      apiPort: options.baseApiPort + i,
      p2pPort,
      multiaddr: `/ip4/127.0.0.1/tcp/${p2pPort}/p2p/${peerId}`,
    });
  }
  return { dir, chainId, genesisFile, authorityKeyFile, nodes };
}

/** The `dchat start` arguments of one testnet node: the rest is in its config.json (testnet-node-config.ts, written first). */
export function startArgs(node: TestnetNode): string[] {
  return ['start', '--data-dir', node.dataDir];
}

export interface TestnetFlags {
  nodes?: string;
  dir?: string;
  blockTime?: string;
  baseApiPort?: string;
  baseP2pPort?: string;
  logLevel?: string;
}

const MAIN = join(dirname(fileURLToPath(import.meta.url)), 'main.ts');
const BIN = join(dirname(fileURLToPath(import.meta.url)), '../../bin/dchat');

/** The highest head among the nodes' stores (read before any node starts, so no lock is held). */
async function storedHeight(layout: TestnetLayout): Promise<bigint> {
  let height = 0n;
  for (const node of layout.nodes) {
    const dir = join(node.dataDir, 'chain');
    if (!existsSync(dir)) continue;
    const store = await ChainStore.open(dir);
    try {
      const head = await store.head();
      if (head !== null && head.height > height) height = head.height;
    } finally {
      await store.close();
    }
  }
  return height;
}

const quote = (arg: string): string => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`);

/** Runs the testnet until SIGINT/SIGTERM (restarting a node that dies: testnet-supervisor.ts), then stops every node and waits for them. */
export async function testnet(flags: TestnetFlags, write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): Promise<void> {
  const dir = resolve(flags.dir ?? './testnet');
  const resuming = existsSync(join(dir, 'genesis.json'));
  const layout = await writeTestnet({
    dir,
    nodes: wholeNumber(flags.nodes, 3, '--nodes'),
    blockTimeMs: BigInt(wholeNumber(flags.blockTime, 2_000, '--block-time')),
    genesisTimeMs: BigInt(Date.now()),
    baseApiPort: wholeNumber(flags.baseApiPort, 7545, '--base-api-port'),
    baseP2pPort: wholeNumber(flags.baseP2pPort, 7600, '--base-p2p-port'),
  });
  const logLevel = flags.logLevel ?? 'warn';
  const height = resuming ? await storedHeight(layout) : 0n;
  writeNodeConfigs(layout.nodes, logLevel);
  const supervisor = new NodeSupervisor(write);
  const handRestart = (node: TestnetNode): string => [BIN, ...startArgs(node)].map(quote).join(' ');
  for (const node of layout.nodes) {
    supervisor.start({ name: `node${node.index}`, command: [process.execPath, MAIN, ...startArgs(node)], handRestart: handRestart(node) });
  }
  write('');
  if (resuming) write(`  dchat testnet: resuming the chain in ${layout.dir} at height ${height} (${layout.nodes.length} validators, chain ${layout.chainId}); a new chain needs another --dir`);
  else write(`  dchat testnet: ${layout.nodes.length} validators, new chain ${layout.chainId}`);
  write(`  Directory:  ${layout.dir} (genesis.json, authority.json, node<i>/)`);
  for (const node of layout.nodes) {
    write(`  node${node.index}  API http://127.0.0.1:${node.apiPort}/v1   p2p ${node.multiaddr}   pid ${supervisor.pid(`node${node.index}`)}`);
    write(`         reward wallet ${node.walletId} (key ${node.walletKeyFile})`);
  }
  write('  A node that dies is restarted here. To run one by hand, stop this testnet first (or it restarts the node itself), e.g.:');
  write(`    ${handRestart(layout.nodes[layout.nodes.length - 1]!)}`);
  write('  (each node<i>/config.json holds that node\'s genesis, key, ports and peers).');
  write('  Ctrl-C stops every node.');
  write('');

  await new Promise<void>((resolveDone) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) return;
      stopping = true;
      write(`stopping the nodes (${signal})...`);
      void supervisor.stopAll().then((count) => {
        write(`all nodes stopped. (${count} were running.)`);
        resolveDone();
      });
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}
