/**
 * `npm run bench` (full figures, a few minutes) or `npm run bench -- --short` (tiny sizes, seconds:
 * the CI smoke test). Options: --only=signatures,import,block,sync,memory,api,tree,snapshot,statesync,disk  --out=<dir> (default
 * bench-results/)  --no-write  --statesync-source=<dir> (the state sync suite's source chain: built
 * there if the folder is empty, reused if it holds one of the same sizes). The raw-verify baseline always runs first.
 */
import { parseArgs } from 'node:util';
import { SUITES, type Suite, runBench } from './bench/run.ts';

const { values } = parseArgs({
  options: {
    short: { type: 'boolean', default: false },
    only: { type: 'string' },
    out: { type: 'string', default: 'bench-results' },
    'no-write': { type: 'boolean', default: false },
    'statesync-source': { type: 'string' },
  },
});

const only = values.only?.split(',').map((s) => s.trim()).filter((s) => s !== '');
for (const name of only ?? []) {
  if (!(SUITES as readonly string[]).includes(name)) {
    console.error(`Unknown suite "${name}"; the suites are ${SUITES.join(', ')}.`);
    process.exit(2);
  }
}

await runBench({
  short: values.short,
  ...(only === undefined ? {} : { only: only as Suite[] }),
  outDir: values['no-write'] ? null : values.out,
  ...(values['statesync-source'] === undefined ? {} : { statesyncSource: values['statesync-source'] }),
});
