/**
 * What the reliability suites ask running nodes over their HTTP API, and the cross-node checks built
 * on it: one chain (same block hash and state root at every height), one state (same figures), the
 * supply invariant as a user can see it, and where each transaction sits on the chain.
 */
export interface Reply<T> {
  readonly status: number;
  readonly body: T;
}

export type Json = Record<string, unknown>;

export async function http<T = Json>(base: string, path: string, init: RequestInit = {}, timeoutMs = 10_000): Promise<Reply<T>> {
  const res = await fetch(`${base}${path}`, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  const text = await res.text();
  return { status: res.status, body: (text.length > 0 ? JSON.parse(text) : null) as T };
}

export async function postTx(base: string, bytes: Uint8Array, timeoutMs = 10_000): Promise<Reply<Json>> {
  return http(base, '/v1/txs', { method: 'POST', headers: { 'content-type': 'application/msgpack' }, body: Buffer.from(bytes) }, timeoutMs);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitUntil<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 30_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError === undefined ? '' : ` (last error: ${String(lastError)})`}`);
    await sleep(everyMs);
  }
}

export interface NodeInfo {
  readonly chain_id: string;
  readonly head_height: string;
  readonly head_hash: string;
  readonly state_root: string;
  readonly mempool_size: number;
  readonly halted: string | null;
}

export const nodeInfo = async (base: string): Promise<NodeInfo> => (await http<NodeInfo>(base, '/v1/node', {}, 3_000)).body;

export interface TxJson {
  readonly hash: string;
  readonly signer: string;
  readonly nonce: string;
  readonly op: Json & { type: string };
}

export interface BlockJson {
  readonly hash: string;
  readonly height: string;
  readonly slot: string;
  readonly parent_hash: string;
  readonly proposer: string;
  readonly state_root: string;
  readonly tx_root: string;
  readonly txs: readonly TxJson[];
}

/**
 * Waits until every node answers with one head hash at `minHeight` or above; `infos` are those
 * answers, read together at that one head (what to compare live figures such as the state root on).
 */
export async function waitSameHead(bases: readonly string[], minHeight: number, timeoutMs = 60_000): Promise<{ height: number; hash: string; infos: NodeInfo[] }> {
  return waitUntil(`one head at height >= ${minHeight} on ${bases.length} nodes`, async () => {
    const infos = await Promise.all(bases.map(nodeInfo));
    const hashes = new Set(infos.map((i) => i.head_hash));
    const height = Number(infos[0]!.head_height);
    return hashes.size === 1 && height >= minHeight ? { height, hash: infos[0]!.head_hash, infos } : undefined;
  }, timeoutMs, 25);
}

async function pool<T, R>(items: readonly T[], concurrency: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      out[i] = await work(items[i]!);
    }
  }));
  return out;
}

/** Blocks `from ..= to` of a node's canonical chain. */
export async function fetchBlocks(base: string, from: number, to: number): Promise<BlockJson[]> {
  const heights = Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
  return pool(heights, 12, async (h) => {
    const reply = await http<BlockJson>(base, `/v1/blocks/${h}`);
    if (reply.status !== 200) throw new Error(`${base}: block ${h} answered ${reply.status} ${JSON.stringify(reply.body)}`);
    return reply.body;
  });
}

export interface ChainComparison {
  /** The height compared up to (a head every node shared). */
  readonly height: number;
  readonly headHash: string;
  /** The canonical chain, heights 1..height (the same on every node). */
  readonly blocks: readonly BlockJson[];
}

/**
 * Every node on one chain: waits for one shared head, then reads heights 1..head from each node and
 * checks that each node's chain links up (parent hashes) and that all nodes hold the same block
 * hash and state root at every height. A node that reorged between the reads makes it try again;
 * a difference that persists is an error naming the first height where the nodes disagree.
 */
export async function compareChains(bases: readonly string[], attempts = 5, timeoutMs = 60_000): Promise<ChainComparison> {
  let problem = '';
  for (let attempt = 0; attempt < attempts; attempt++) {
    const head = await waitSameHead(bases, 1, timeoutMs);
    const chains = await Promise.all(bases.map((b) => fetchBlocks(b, 1, head.height)));
    problem = '';
    for (const [n, chain] of chains.entries()) {
      for (const [i, block] of chain.entries()) {
        const previous = chain[i - 1];
        if (previous !== undefined && block.parent_hash !== previous.hash) problem ||= `${bases[n]}: block ${block.height} does not link to block ${previous.height}`;
      }
      if (chain.at(-1)?.hash !== head.hash) problem ||= `${bases[n]}: block ${head.height} is ${chain.at(-1)?.hash}, its head was ${head.hash}`;
    }
    const reference = chains[0]!;
    for (const [n, chain] of chains.entries()) {
      for (const [i, block] of chain.entries()) {
        const ref = reference[i]!;
        if (block.hash !== ref.hash || block.state_root !== ref.state_root) {
          problem ||= `height ${block.height}: ${bases[0]} has ${ref.hash} (root ${ref.state_root}), ${bases[n]} has ${block.hash} (root ${block.state_root})`;
        }
      }
    }
    if (problem === '') return { height: head.height, headHash: head.hash, blocks: reference };
  }
  throw new Error(`the nodes do not hold one chain: ${problem}`);
}

export interface TxPlace {
  readonly height: number;
  readonly index: number;
  readonly signer: string;
  readonly nonce: bigint;
}

/**
 * Where each transaction of a canonical chain sits; throws if one appears twice or a signer's
 * nonces do not run 0, 1, 2, ... in chain order (a tx applied twice or one lost in between).
 */
export function txPlaces(blocks: readonly BlockJson[]): Map<string, TxPlace> {
  const places = new Map<string, TxPlace>();
  const nextNonce = new Map<string, bigint>();
  for (const block of blocks) {
    for (const [index, tx] of block.txs.entries()) {
      const seen = places.get(tx.hash);
      if (seen !== undefined) throw new Error(`tx ${tx.hash} is included twice: at ${seen.height}/${seen.index} and ${block.height}/${index}`);
      const expected = nextNonce.get(tx.signer) ?? 0n;
      if (BigInt(tx.nonce) !== expected) throw new Error(`signer ${tx.signer.slice(0, 16)}: nonce ${tx.nonce} at height ${block.height}, expected ${expected}`);
      nextNonce.set(tx.signer, expected + 1n);
      places.set(tx.hash, { height: Number(block.height), index, signer: tx.signer, nonce: BigInt(tx.nonce) });
    }
  }
  return places;
}

export interface SupplyFigures {
  readonly height: string;
  readonly circulating: bigint;
  readonly minted: bigint;
  readonly burned: bigint;
  /** Sum of total_assets of the accounts asked about, plus all pools. */
  readonly held: bigint;
  readonly stats: Json;
  readonly balances: Record<string, string>;
}

/**
 * The supply invariant as the API shows it, read at one height (retried while blocks arrive between
 * the reads): circulating == minted - burned, and the known accounts plus the pools hold exactly
 * the circulating supply. `accounts` must name every holder of tokens (ids or system names).
 */
export async function supplyAt(base: string, accounts: readonly string[], timeoutMs = 20_000): Promise<SupplyFigures> {
  return waitUntil(`a consistent read of the supply figures on ${base}`, async () => {
    const before = await nodeInfo(base);
    const [stats, pools, ...replies] = await Promise.all([
      http<Json>(base, '/v1/stats'),
      http<Json[]>(base, '/v1/pools?limit=1000'),
      ...accounts.map((id) => http<Json>(base, `/v1/accounts/${id}`)),
    ]);
    const after = await nodeInfo(base);
    if (before.head_hash !== after.head_hash || stats.body.height !== after.head_height) return undefined;
    let held = 0n;
    const balances: Record<string, string> = {};
    for (const [i, reply] of replies.entries()) {
      held += BigInt(reply.body.total_assets as string);
      balances[accounts[i]!] = reply.body.total_assets as string;
    }
    for (const p of pools.body) held += BigInt(p.total as string);
    return {
      height: after.head_height,
      circulating: BigInt(stats.body.circulating_supply as string),
      minted: BigInt(stats.body.total_minted as string),
      burned: BigInt(stats.body.total_burned as string),
      held,
      stats: stats.body,
      balances,
    };
  }, timeoutMs, 10);
}
