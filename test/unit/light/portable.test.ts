/**
 * The light client runs in a browser: src/light imports nothing but itself and the pure error base
 * of src/tokenomics (no node:, no package, nothing of node/ or chain/). And it reads a genesis
 * file as the node's own parser does.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS } from '../../../src/tokenomics/params.ts';
import { trustedGenesisFromJson } from '../../../src/light/index.ts';
import { defaultGenesis, genesisToJson, parseGenesisJson } from '../../../src/tokenomics/index.ts';
import { DASHBOARD_LIGHT_MODULES } from '../../../src/node/dashboard/light-modules.ts';

const LIGHT = resolve(import.meta.dirname, '../../../src/light');
const ALLOWED_OUTSIDE = new Set(['../tokenomics/errors.ts']);

describe('the light client is portable', () => {
  it('imports only src/light and the pure error base', () => {
    const files = readdirSync(LIGHT).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const imports = ts.preProcessFile(readFileSync(join(LIGHT, file), 'utf8'), true, true).importedFiles.map((r) => r.fileName);
      for (const spec of imports) expect(spec.startsWith('./') || ALLOWED_OUTSIDE.has(spec), `${file} imports ${spec}`).toBe(true);
    }
    // Whatever it imports from outside imports nothing itself, and the dashboard serves all of it.
    for (const outside of ALLOWED_OUTSIDE) {
      expect(ts.preProcessFile(readFileSync(join(LIGHT, outside), 'utf8'), true, true).importedFiles).toEqual([]);
    }
    expect([...DASHBOARD_LIGHT_MODULES].sort()).toEqual([...files.map((f) => `light/${f}`), 'tokenomics/errors.ts'].sort());
  });

  it('reads a genesis file as the node\'s parser does', () => {
    const validators = [1, 2, 3].map((i) => ({ publicKey: i.toString(16).padStart(2, '0').repeat(32), rewardWallet: '00000000-0000-5000-8000-00000000000' + i }));
    const config = defaultGenesis({ chainId: 'dchat-light', genesisTimeMs: 1_765_000_000_000n, validators, authority: [validators[0]!.publicKey], params: { blockTimeMs: 2_500n } });
    const json = JSON.parse(JSON.stringify(genesisToJson(config))) as Record<string, unknown>;
    const node = parseGenesisJson(json);
    for (const variant of [json, { ...json, block_time_ms: undefined }, { ...json, genesis_time: new Date(1_765_000_000_000).toISOString() }]) {
      const light = trustedGenesisFromJson(variant);
      const parsed = parseGenesisJson(variant);
      expect(light).toEqual({ chainId: parsed.params.chainId, genesisTimeMs: parsed.params.genesisTimeMs, blockTimeMs: parsed.params.blockTimeMs, validators: parsed.validators.map((v) => v.publicKey) });
    }
    expect(node.params.blockTimeMs).toBe(2_500n);
    expect(trustedGenesisFromJson({ ...json, block_time_ms: undefined }).blockTimeMs).toBe(DEFAULT_PARAMS.blockTimeMs);
  });
});
