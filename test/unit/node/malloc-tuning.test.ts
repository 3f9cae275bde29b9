/** The malloc settings the node starts with: bin/dchat and the tools that spawn nodes use the same ones. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MALLOC_TUNING, nodeProcessEnv } from '../../../src/node/malloc-tuning.ts';

describe('malloc tuning', () => {
  it('bin/dchat sets exactly the values of src/node/malloc-tuning.ts, as defaults, and exports them', () => {
    const launcher = readFileSync(new URL('../../../bin/dchat', import.meta.url), 'utf8');
    const defaults = Object.fromEntries([...launcher.matchAll(/^: "\$\{(\w+):=([^}]*)\}"$/gm)].map((m) => [m[1]!, m[2]!]));
    expect(defaults).toEqual(MALLOC_TUNING);
    expect(launcher).toMatch(new RegExp(`^export ${Object.keys(MALLOC_TUNING).join(' ')}$`, 'm'));
  });

  it('gives spawned nodes the settings, an operator\'s own values winning', () => {
    expect(nodeProcessEnv({ PATH: '/bin' })).toEqual({ PATH: '/bin', ...MALLOC_TUNING });
    expect(nodeProcessEnv({ MALLOC_TRIM_THRESHOLD_: '1' }).MALLOC_TRIM_THRESHOLD_).toBe('1');
  });
});
