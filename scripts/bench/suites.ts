/**
 * The benchmarks of `npm run bench`. Every figure is the median of several runs with min and max;
 * rates are compared with a baseline measured in the same process run: raw
 * ed25519 verification on one core, the public key built from its raw bytes for every signature
 * (what the node did before the key cache and the worker pool).
 */
import { createPublicKey, verify } from 'node:crypto';
import { decodeBlock } from '../../src/chain/codec/block.ts';
import { IMPORT_WINDOW, importInOrder } from '../../src/chain/import-in-order.ts';
import { MAX_RANGE_COUNT } from '../../src/node/network/messages.ts';
import { signMessage } from '../../src/chain/crypto.ts';
import { PublicKeyCache, SPKI_PREFIX } from '../../src/chain/verify/key-cache.ts';
import { type SignatureCheck, VerifyPool } from '../../src/chain/verify/pool.ts';
import { type BuiltChain, type Fixture, type FreshNode, benchKey, buildChain, dirBytes, fixture, freshNode } from './fixtures.ts';
import { type Summary, nowMs, percentile, repeat, summarize } from './stats.ts';

export interface Sizes {
  /** Signatures per raw-verify run, and the distinct keys that signed them. */
  readonly verifySigs: number;
  readonly verifyKeys: number;
  readonly poolSigs: number;
  readonly senders: number;
  readonly importBlocks: number;
  readonly importTxsPerBlock: number;
  readonly bigBlockTxs: number;
  readonly emptyBlocks: number;
  readonly fullBlocks: number;
  readonly accounts: number;
  /** Blocks of the state sync bench's source chain (whose transfers create `accounts` wallets). */
  readonly statesyncBlocks: number;
  readonly runs: number;
  readonly heavyRuns: number;
  /** API clients, and seconds of each idle and loaded window, of the block-cadence-under-API-load figures. */
  readonly apiClients: number;
  readonly apiSeconds: number;
}

export const FULL: Sizes = {
  verifySigs: 4_000,
  verifyKeys: 400,
  poolSigs: 20_000,
  senders: 1_000,
  importBlocks: 10,
  importTxsPerBlock: 1_000,
  bigBlockTxs: 10_000,
  emptyBlocks: 2_000,
  fullBlocks: 3,
  accounts: 1_000_000,
  statesyncBlocks: 20_000,
  runs: 5,
  heavyRuns: 3,
  apiClients: 200,
  apiSeconds: 15,
};

export const SHORT: Sizes = {
  verifySigs: 64,
  verifyKeys: 8,
  poolSigs: 128,
  senders: 8,
  importBlocks: 2,
  importTxsPerBlock: 16,
  bigBlockTxs: 48,
  emptyBlocks: 20,
  fullBlocks: 2,
  accounts: 2_000,
  statesyncBlocks: 100,
  runs: 2,
  heavyRuns: 1,
  apiClients: 10,
  apiSeconds: 2,
};

export interface Figure {
  readonly id: string;
  readonly label: string;
  readonly unit: string;
  readonly summary: Summary;
  /** Ratio of medians to the figure named (a baseline of the same run). */
  /**
   * To the baseline: the median of per-run ratios when the baseline was measured again right
   * before each run (`paired`, with the min and max of those ratios), else the ratio of medians.
   */
  readonly ratio?: { readonly to: string; readonly value: number; readonly paired: boolean; readonly min?: number; readonly max?: number };
  readonly target?: { readonly text: string; readonly met: boolean };
  readonly note?: string;
}

export interface Share {
  readonly stage: string;
  readonly ms: Summary;
  readonly percent: number;
}

export interface BenchReport {
  readonly figures: Figure[];
  /** Where the time of importing one big block goes, the stages run one after the other. */
  readonly shares: Share[];
}

export interface BenchContext {
  readonly sizes: Sizes;
  readonly log: (line: string) => void;
  /** Figures already measured (baselines for ratios). */
  readonly figures: Figure[];
  readonly shares: Share[];
  readonly pool: VerifyPool;
  /** The state sync suite's source folder to build once and reuse (`--statesync-source`); none: a temporary one. */
  readonly statesyncSource?: string;
}

export const MB = 1024 * 1024;
export const rate = (count: number, ms: number): number => (count * 1000) / ms;

function find(ctx: BenchContext, id: string): Figure | undefined {
  return ctx.figures.find((f) => f.id === id);
}

interface NewFigure extends Omit<Figure, 'ratio' | 'target'> {
  /** The baseline figure to divide by (medians). */
  readonly ratioTo?: string;
  /** Per-run ratios to the baseline measured right before each run (preferred over medians). */
  readonly pairedRatios?: readonly number[];
  /** The target: its text, and whether the median (or the ratio) meets it. */
  readonly target?: { readonly text: string; readonly check: (median: number, ratio: number | undefined) => boolean };
}

export function add(ctx: BenchContext, figure: NewFigure): Figure {
  const base = figure.ratioTo === undefined ? undefined : find(ctx, figure.ratioTo);
  const paired = figure.pairedRatios === undefined || figure.pairedRatios.length === 0 ? undefined : summarize(figure.pairedRatios);
  const ratio =
    base === undefined
      ? undefined
      : paired === undefined
        ? { to: base.id, value: figure.summary.median / base.summary.median, paired: false }
        : { to: base.id, value: paired.median, paired: true, min: paired.min, max: paired.max };
  const done: Figure = {
    id: figure.id,
    label: figure.label,
    unit: figure.unit,
    summary: figure.summary,
    ...(ratio === undefined ? {} : { ratio }),
    ...(figure.target === undefined ? {} : { target: { text: figure.target.text, met: figure.target.check(figure.summary.median, ratio?.value) } }),
    ...(figure.note === undefined ? {} : { note: figure.note }),
  };
  ctx.figures.push(done);
  const versus = done.ratio === undefined ? '' : `  (${formatRatio(done.ratio)} ${done.ratio.to})`;
  ctx.log(`  ${done.label}: ${fmt(done.summary.median)} ${done.unit} [${fmt(done.summary.min)} .. ${fmt(done.summary.max)}]${versus}`);
  return done;
}

export function formatRatio(ratio: NonNullable<Figure['ratio']>): string {
  const range = ratio.min === undefined || ratio.max === undefined ? '' : ` [${ratio.min.toFixed(2)}..${ratio.max.toFixed(2)}]`;
  return `${ratio.value.toFixed(2)}x${ratio.paired ? ' paired' : ''}${range}`;
}

export function fmt(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

// ---------------------------------------------------------------------------------------------
// Signatures

interface SignedMessages {
  readonly checks: SignatureCheck[];
}

export function signedMessages(count: number, keyCount: number): SignedMessages {
  const keys = Array.from({ length: keyCount }, (_, i) => benchKey(20, i));
  const checks: SignatureCheck[] = [];
  for (let i = 0; i < count; i++) {
    const key = keys[i % keyCount]!;
    const message = new Uint8Array(32);
    new DataView(message.buffer).setUint32(0, i);
    message[31] = 7;
    checks.push({ publicKey: key.publicKey, message, signature: signMessage(key.secretKey, message) });
  }
  return { checks };
}

/** The baseline: the KeyObject built from the raw 32 bytes for every signature, then verify. */
function verifyRaw(checks: readonly SignatureCheck[]): number {
  let ok = 0;
  for (const c of checks) {
    const key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, c.publicKey]), format: 'der', type: 'spki' });
    if (verify(null, c.message, key, c.signature)) ok++;
  }
  return ok;
}

/** The baseline again, on a slice, just before a run that is compared with it (a paired ratio). */
export function baselineNow(checks: readonly SignatureCheck[]): number {
  const start = nowMs();
  const ok = verifyRaw(checks);
  const ms = nowMs() - start;
  if (ok !== checks.length) throw new Error('the baseline refused a good signature');
  return rate(checks.length, ms);
}

export async function benchSignatures(ctx: BenchContext): Promise<void> {
  const { sizes, log } = ctx;
  log(`signatures: ${sizes.verifySigs} signatures by ${sizes.verifyKeys} keys; pool of ${ctx.pool.threads} threads`);
  const { checks } = signedMessages(sizes.verifySigs, sizes.verifyKeys);
  const expectAll = (ok: number): void => {
    if (ok !== checks.length) throw new Error(`only ${ok} of ${checks.length} signatures verified`);
  };
  add(ctx, {
    id: 'verify.raw',
    label: 'raw ed25519 verify, 1 core, key from raw bytes each time (BASELINE)',
    unit: 'verify/s',
    summary: await repeat(sizes.runs, () => {
      const start = nowMs();
      expectAll(verifyRaw(checks));
      return rate(checks.length, nowMs() - start);
    }, 1),
  });
  const cache = new PublicKeyCache();
  add(ctx, {
    id: 'verify.cached',
    label: 'ed25519 verify, 1 core, KeyObject cached per key',
    unit: 'verify/s',
    ratioTo: 'verify.raw',
    summary: await repeat(sizes.runs, () => {
      const start = nowMs();
      let ok = 0;
      for (const c of checks) if (cache.verify(c.publicKey, c.message, c.signature)) ok++;
      expectAll(ok);
      return rate(checks.length, nowMs() - start);
    }, 1),
  });
  const poolChecks = signedMessages(sizes.poolSigs, sizes.verifyKeys).checks;
  add(ctx, {
    id: 'verify.pool',
    label: `ed25519 verify on the worker pool (${ctx.pool.threads} threads)`,
    unit: 'verify/s',
    ratioTo: 'verify.raw',
    summary: await repeat(sizes.runs, async () => {
      const start = nowMs();
      const results = await ctx.pool.verify(poolChecks);
      const ms = nowMs() - start;
      if (!results.every((r) => r === 1)) throw new Error('the pool refused a good signature');
      return rate(poolChecks.length, ms);
    }, 1),
  });
}

// ---------------------------------------------------------------------------------------------
// Import through the real path

/** Imports `chain` into `node` in batches of a range-sync response, `window` blocks in flight. */
export async function replay(node: FreshNode, chain: BuiltChain, window: number): Promise<void> {
  for (let at = 0; at < chain.blocks.length; at += MAX_RANGE_COUNT) {
    const batch = chain.blocks.slice(at, at + MAX_RANGE_COUNT).map((bytes) => decodeBlock(bytes));
    const { failure } = await importInOrder(node.chain, batch, { currentSlot: () => batch.at(-1)!.header.slot, window });
    if (failure !== undefined) throw failure.error;
  }
  if (node.chain.head.header.height !== BigInt(chain.blocks.length)) throw new Error('the replay did not reach the last block');
}

/**
 * Replays `chain` into a fresh node as range sync does: a batch of blocks decoded (as the
 * blocks-by-range client does), then imported in order with `window` blocks in flight.
 */
export async function importRun(f: Fixture, chain: BuiltChain, options: { pool: VerifyPool | null; window: number }): Promise<{ ms: number; commitMs: number[]; diskBytes: number }> {
  const node = await freshNode(f, options.pool === null ? { verifyThreads: 0 } : { verifier: options.pool });
  try {
    const start = nowMs();
    await replay(node, chain, options.window);
    const ms = nowMs() - start;
    await node.close();
    return { ms, commitMs: [...node.commitMs], diskBytes: await dirBytes(node.dir) };
  } finally {
    await node.dispose();
  }
}

export async function benchImport(ctx: BenchContext): Promise<void> {
  const { sizes, log } = ctx;
  const f = await fixture(sizes.senders);
  log(`import: ${sizes.importBlocks} blocks x ${sizes.importTxsPerBlock} signed transfers from ${sizes.senders} senders (decode, verify, apply, root, LevelDB commit)`);
  const chain = await buildChain(f, sizes.importBlocks, sizes.importTxsPerBlock);
  const baseline = signedMessages(Math.max(16, Math.floor(sizes.verifySigs / 3)), sizes.verifyKeys).checks;
  const p50s: number[] = [];
  const p99s: number[] = [];
  const ratios: Record<string, number[]> = { sync: [], sequential: [], oneThread: [] };
  const run = (pool: VerifyPool | null, window: number, paired: number[]) => async (i: number): Promise<number> => {
    const base = baselineNow(baseline);
    const r = await importRun(f, chain, { pool, window });
    const txPerSecond = rate(chain.txCount, r.ms);
    if (i >= 0) {
      paired.push(txPerSecond / base);
      if (pool !== null && window === IMPORT_WINDOW) {
        p50s.push(percentile(r.commitMs, 50));
        p99s.push(percentile(r.commitMs, 99));
      }
    }
    return txPerSecond;
  };
  add(ctx, {
    id: 'import.transfers',
    label: `signed transfers imported as range sync does (batch decoded, ${IMPORT_WINDOW} blocks in flight), worker pool`,
    unit: 'tx/s',
    ratioTo: 'verify.raw',
    summary: await repeat(sizes.runs, run(ctx.pool, IMPORT_WINDOW, ratios.sync!), 1),
    pairedRatios: ratios.sync!,
    target: { text: '>= 1.6x raw verify', check: (_, ratio) => ratio !== undefined && ratio >= 1.6 },
  });
  add(ctx, {
    id: 'import.transfers.sequential',
    label: 'signed transfers imported, each block awaited before the next (as gossip does), worker pool',
    unit: 'tx/s',
    ratioTo: 'verify.raw',
    summary: await repeat(sizes.runs, run(ctx.pool, 1, ratios.sequential!), 1),
    pairedRatios: ratios.sequential!,
  });
  add(ctx, {
    id: 'import.transfers.1thread',
    label: 'signed transfers imported as range sync does, no pool (verify on the main thread)',
    unit: 'tx/s',
    ratioTo: 'verify.raw',
    summary: await repeat(sizes.heavyRuns, run(null, IMPORT_WINDOW, ratios.oneThread!), 1),
    pairedRatios: ratios.oneThread!,
  });
  add(ctx, { id: 'commit.transfers.p50', label: `LevelDB commit per block of ${sizes.importTxsPerBlock} transfers, p50`, unit: 'ms', summary: summarize(p50s) });
  add(ctx, { id: 'commit.transfers.p99', label: `LevelDB commit per block of ${sizes.importTxsPerBlock} transfers, p99`, unit: 'ms', summary: summarize(p99s) });
}

// ---------------------------------------------------------------------------------------------
// One big block
