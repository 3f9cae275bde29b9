/**
 * The state tree's benchmark (`--only=tree`, issue 14 item 6): bulk build of the accounts, the root
 * update of a 10,000-transfer block (20,000 changed keys), proof size, proof generation and light
 * verification. The same-run baseline is raw one-shot SHA-256 of a 65-byte node preimage, the cost
 * the tree pays per node hash. Nodes live in the in-memory node store here; the LevelDB figures
 * come with phase 2 (wiring into block commit).
 */
import { hash } from 'node:crypto';
import { EMPTY_ROOT, MemoryNodeStore, type TreeRoot, type TreeUpdate, applyWrites, proveKey, proveKeys } from '../../src/chain/state-tree/index.ts';
import { encodeStateProof, verifyStateProof } from '../../src/light/index.ts';
import { type BenchContext, add } from './suites.ts';
import { nowMs, percentile, repeat, summarize } from './stats.ts';

const rate = (count: number, ms: number): number => (count * 1000) / ms;
const accountKey = (i: number): Uint8Array => Buffer.from(`account:${String(i).padStart(12, '0')}-0000-5000-8000-000000000000`, 'ascii');
/** An account record's size: pack([balance, 0, [], 0, nonce]) is ~12 bytes. */
const accountValue = (i: number, round: number): Uint8Array => {
  const out = new Uint8Array(12);
  new DataView(out.buffer).setUint32(1, i);
  new DataView(out.buffer).setUint32(6, round);
  out[0] = 0x95;
  return out;
};

export async function benchTree(ctx: BenchContext): Promise<void> {
  const { sizes, log } = ctx;
  const n = sizes.accounts;
  const changed = Math.min(2 * sizes.bigBlockTxs, n);
  log(`tree: ${n.toLocaleString('en-US')} accounts, a block of ${sizes.bigBlockTxs.toLocaleString('en-US')} transfers = ${changed.toLocaleString('en-US')} changed keys (in-memory node store)`);
  const preimage = new Uint8Array(65);
  const hashes = 200_000;
  add(ctx, {
    id: 'tree.sha256.raw',
    label: 'raw SHA-256 of a 65-byte preimage, node:crypto one-shot (BASELINE)',
    unit: 'hash/s',
    summary: await repeat(sizes.runs, () => {
      const start = nowMs();
      for (let i = 0; i < hashes; i++) {
        preimage[1] = i;
        hash('sha256', preimage, 'buffer');
      }
      return rate(hashes, nowMs() - start);
    }, 1),
  });

  const store = new MemoryNodeStore();
  let base: TreeUpdate | undefined;
  add(ctx, {
    id: 'tree.build',
    label: `bulk build of ${n.toLocaleString('en-US')} accounts (one update from the empty tree)`,
    unit: 'ms',
    summary: await repeat(1, async () => {
      const start = nowMs();
      base = await applyWrites(store, EMPTY_ROOT, 0n, Array.from({ length: n }, (_, i) => [accountKey(i), accountValue(i, 0)] as const));
      return nowMs() - start;
    }),
    note: `${(base?.puts.length ?? 0).toLocaleString('en-US')} nodes`,
  });
  store.apply(base!);
  const root: TreeRoot = base!.root;

  // A block: `changed` distinct accounts spread over the state, each with a new value.
  const step = Math.max(1, Math.floor(n / changed));
  const blockWrites = (round: number): (readonly [Uint8Array, Uint8Array])[] => Array.from({ length: changed }, (_, j) => [accountKey((j * step + round) % n), accountValue(j, round)] as const);
  let last: TreeUpdate | undefined;
  const updateSummary = await repeat(sizes.runs, async (run) => {
    const writes = blockWrites(run + 2);
    const start = nowMs();
    last = await applyWrites(store, root, 1n, writes);
    return nowMs() - start;
  }, 1);
  const hashRate = ctx.figures.find((f) => f.id === 'tree.sha256.raw')!.summary.median;
  const putBytes = last!.puts.reduce((sum, p) => sum + p.key.length + p.value.length, 0);
  add(ctx, {
    id: 'tree.update',
    label: `state root update, ${changed.toLocaleString('en-US')} changed keys on ${n.toLocaleString('en-US')} keys (fetch, hash, node writes as data)`,
    unit: 'ms',
    summary: updateSummary,
    target: { text: '<= 200 ms', check: (median) => median <= 200 },
    note: `${last!.puts.length.toLocaleString('en-US')} node writes (${(putBytes / sizes.bigBlockTxs).toFixed(0)} B and ${(last!.puts.length / sizes.bigBlockTxs).toFixed(1)} nodes per transfer), ${last!.stale.length.toLocaleString('en-US')} stale; the baseline hashes that many nodes in ${((last!.puts.length * 1000) / hashRate).toFixed(0)} ms`,
  });

  const sample = Math.min(10_000, n);
  const probes = Array.from({ length: sample }, (_, j) => (j % 2 === 0 ? accountKey((j * 7919) % n) : Buffer.from(`account:absent-${j}`, 'ascii')));
  const proofs = (await proveKeys(store, root, probes)).map((p) => encodeStateProof(p.proof));
  const lengths = proofs.map((p) => p.length);
  add(ctx, {
    id: 'tree.proof.bytes',
    label: `proof size at ${n.toLocaleString('en-US')} keys, p99 of ${sample.toLocaleString('en-US')} (half present, half absent)`,
    unit: 'B',
    summary: summarize([percentile(lengths, 99)]),
    target: { text: '<= 1,536 B', check: (median) => median <= 1536 },
    note: `median ${percentile(lengths, 50)} B, max ${Math.max(...lengths)} B`,
  });
  add(ctx, {
    id: 'tree.prove.batch',
    label: `proof generation, ${sample.toLocaleString('en-US')} keys per call (one store read per level)`,
    unit: 'proof/s',
    summary: await repeat(sizes.runs, async () => {
      const start = nowMs();
      const out = await proveKeys(store, root, probes);
      for (const p of out) encodeStateProof(p.proof);
      return rate(sample, nowMs() - start);
    }, 1),
    target: { text: '>= 10,000 proof/s', check: (median) => median >= 10_000 },
  });
  const single = probes.slice(0, Math.min(2_000, sample));
  add(ctx, {
    id: 'tree.prove.single',
    label: 'proof generation, one key per call (as one API request)',
    unit: 'proof/s',
    summary: await repeat(sizes.runs, async () => {
      const start = nowMs();
      for (const key of single) encodeStateProof((await proveKey(store, root, key)).proof);
      return rate(single.length, nowMs() - start);
    }, 1),
    target: { text: '>= 10,000 proof/s', check: (median) => median >= 10_000 },
  });
  const values = single.map((_, j) => (j % 2 === 0 ? accountValue((j * 7919) % n, 0) : null));
  add(ctx, {
    id: 'tree.verify',
    label: 'light verification of one proof (portable SHA-256, src/light)',
    unit: 'ms',
    summary: await repeat(sizes.runs, () => {
      const start = nowMs();
      single.forEach((key, j) => verifyStateProof({ root: root.hash, key, value: values[j]!, proof: proofs[j]! }));
      return (nowMs() - start) / single.length;
    }, 1),
    target: { text: '<= 5 ms', check: (median) => median <= 5 },
  });
}
