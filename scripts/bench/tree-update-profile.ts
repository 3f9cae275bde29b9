/**
 * Where the state tree's root update goes (issue 14 item 6), without the rest of the tree bench:
 * builds the bench's 1,000,000-key tree in the in-memory store (~30 s), then runs the update of a
 * 10,000-transfer block (20,000 changed keys) 11 times and prints the median wall and CPU time;
 * with --alloc the bytes allocated per update by function (V8's sampling heap profiler, every
 * 4 KiB), with --cpu the self time per function. Either profiler slows the runs it watches. A tool
 * for the next optimization, not a figure of the bench:
 *   node scripts/bench/tree-update-profile.ts [--cpu] [--alloc] [--accounts=N]
 */
import { Session } from 'node:inspector/promises';
import { parseArgs } from 'node:util';
import { EMPTY_ROOT, MemoryNodeStore, type TreeRoot, applyWrites, buildTree } from '../../src/chain/state-tree/index.ts';
import { accountKey, accountValue, blockWrites } from './tree-accounts.ts';
import { percentile } from './stats.ts';

const { values } = parseArgs({ options: { cpu: { type: 'boolean' }, alloc: { type: 'boolean' }, accounts: { type: 'string' } } });
const n = Number(values.accounts ?? 1_000_000);
const changed = Math.min(20_000, n);
const RUNS = 11;

type ProfileNode = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; selfSize?: number; children?: ProfileNode[] };
const where = (node: ProfileNode): string => `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.split('/').slice(-2).join('/')}:${node.callFrame.lineNumber + 1}`;

function printTop(title: string, totals: Map<string, number>, unit: (v: number) => string, rows = 20): void {
  const all = [...totals.values()].reduce((a, b) => a + b, 0);
  console.log(`\n${title}`);
  for (const [name, v] of [...totals].sort((a, b) => b[1] - a[1]).slice(0, rows)) console.log(`${unit(v).padStart(10)} ${((100 * v) / all).toFixed(1).padStart(5)} %  ${name}`);
}

const store = new MemoryNodeStore();
const root: TreeRoot = await buildTree(0n, Array.from({ length: n }, (_, i) => [accountKey(i), accountValue(i, 0)] as const), (puts) => {
  store.apply({ version: 0n, root: EMPTY_ROOT, puts, stale: [] });
});
const inputs = Array.from({ length: RUNS }, (_, run) => blockWrites(n, changed, run + 2));
const session = new Session();
session.connect();
if (values.alloc === true) {
  await session.post('HeapProfiler.enable');
  await session.post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
}
if (values.cpu === true) {
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
}
const walls: number[] = [];
const cpus: number[] = [];
for (const writes of inputs) {
  const cpu = process.cpuUsage();
  const start = performance.now();
  await applyWrites(store, root, 1n, writes);
  walls.push(performance.now() - start);
  const used = process.cpuUsage(cpu);
  cpus.push((used.user + used.system) / 1000);
}
console.log(`root update, ${changed.toLocaleString('en-US')} changed keys on ${n.toLocaleString('en-US')}: median wall ${percentile(walls, 50).toFixed(0)} ms (min ${Math.min(...walls).toFixed(0)}), CPU ${percentile(cpus, 50).toFixed(0)} ms, ${RUNS} runs`);

if (values.alloc === true) {
  const heap = (await session.post('HeapProfiler.stopSampling')).profile as unknown as { head: ProfileNode };
  const allocated = new Map<string, number>();
  const visit = (node: ProfileNode): void => {
    allocated.set(where(node), (allocated.get(where(node)) ?? 0) + (node.selfSize ?? 0));
    for (const child of node.children ?? []) visit(child);
  };
  visit(heap.head);
  printTop('allocated per update, by function (MB)', allocated, (v) => (v / RUNS / 1e6).toFixed(1));
}

if (values.cpu === true) {
  const profile = (await session.post('Profiler.stop')).profile as unknown as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const name = where(byId.get(id)!);
    self.set(name, (self.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  printTop('CPU self time per update, by function (ms)', self, (v) => (v / RUNS / 1000).toFixed(1));
}
