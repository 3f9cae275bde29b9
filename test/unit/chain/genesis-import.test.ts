/**
 * A genesis from an exported state (docs/protocol.md §14.3): its block stands at initial_height - 1
 * with the root over the file's pairs; the file round-trips through JSON; its fingerprint covers
 * the pairs while a genesis without them keeps its old file and hash; and each way of getting the
 * pairs or their agreement with the genesis fields wrong is refused as InvalidGenesis.
 */
import { describe, expect, it } from 'vitest';
import { encodeStateValue, stateKeyBytes } from '../../../src/chain/codec/state.ts';
import { toHex } from '../../../src/chain/crypto.ts';
import { buildGenesis } from '../../../src/chain/genesis-block.ts';
import { genesisFingerprint } from '../../../src/chain/genesis-fingerprint.ts';
import { buildTree } from '../../../src/chain/state-tree/index.ts';
import { ErrorCode, type GenesisConfig, buildGenesisState, genesisToJson, parseGenesisJson } from '../../../src/tokenomics/index.ts';
import { codeOfAsync } from '../../support/error-code.ts';
import { DEV, testGenesisConfig } from './chain-fixture.ts';

const HEIGHT = 41n;
const FRESH = testGenesisConfig();

/**
 * FRESH's genesis state as if exported at HEIGHT: every pair encoded, keys ascending, meta:head moved
 * to the exported height (what export-state writes for a chain whose state is the genesis one).
 */
function exported(config: GenesisConfig = FRESH, height = HEIGHT): GenesisConfig {
  const { state } = buildGenesisState(config);
  const pairs = state.sortedEntries().map(([key, value]) => {
    const written = key === 'meta:head' ? { height, timestampMs: config.params.genesisTimeMs } : value;
    return [key, encodeStateValue(key, written)] as const;
  });
  return { ...config, distribution: [], pools: [], schedules: [], initialState: { initialHeight: height + 1n, pairs } };
}

type Json = Record<string, unknown>;
const json = (config: GenesisConfig): Json => JSON.parse(JSON.stringify(genesisToJson(config))) as Json;
const pairsOf = (file: Json): [string, string][] => file.initial_state as [string, string][];
const build = (file: Json): Promise<unknown> => buildGenesis(parseGenesisJson(file));

describe('a genesis from an exported state', () => {
  it('stands at initial_height - 1 with the root over its pairs, and holds the exported state', async () => {
    const config = exported();
    const genesis = await buildGenesis(config);
    const root = await buildTree(0n, config.initialState!.pairs.map(([key, value]) => [stateKeyBytes(key), value] as const), () => undefined);
    expect(genesis.header.height).toBe(HEIGHT);
    expect(genesis.header.slot).toBe(0n);
    expect(toHex(genesis.stateRoot)).toBe(toHex(root.hash));
    expect(genesis.events).toEqual([]);
    const fresh = buildGenesisState(FRESH).state;
    expect(genesis.state.get(`account:${DEV.wallet}`)).toEqual(fresh.get(`account:${DEV.wallet}`));
    expect(genesis.state.get('meta:supply')).toEqual(fresh.get('meta:supply'));
  });

  it('round-trips through its JSON form to the same genesis block', async () => {
    const config = exported();
    const file = json(config);
    expect(file.initial_height).toBe(String(HEIGHT + 1n));
    expect(pairsOf(file)[0]).toEqual([config.initialState!.pairs[0]![0], toHex(config.initialState!.pairs[0]![1])]);
    const again = parseGenesisJson(file);
    expect(again).toEqual(config);
    expect(toHex((await buildGenesis(again)).hash)).toBe(toHex((await buildGenesis(config)).hash));
  });

  it('leaves a genesis without a state as it was: no new fields, the fingerprint of its fields alone', async () => {
    expect(Object.keys(genesisToJson(FRESH))).not.toContain('initial_state');
    expect(Object.keys(genesisToJson(FRESH))).not.toContain('initial_height');
    expect((await buildGenesis(FRESH)).header.height).toBe(0n);
    const withUndefined: GenesisConfig = { ...FRESH, initialState: undefined };
    expect(toHex(genesisFingerprint(withUndefined)!)).toBe(toHex(genesisFingerprint(FRESH)!));
  });

  it('has a fingerprint of its pairs: another state or height gives another one', () => {
    const config = exported();
    const fingerprint = toHex(genesisFingerprint(config)!);
    expect(fingerprint).not.toBe(toHex(genesisFingerprint(FRESH)!));
    expect(toHex(genesisFingerprint(exported(FRESH, HEIGHT + 1n))!)).not.toBe(fingerprint);
    const pairs = [...config.initialState!.pairs];
    pairs[0] = [pairs[0]![0], Uint8Array.from([...pairs[0]![1]].reverse())];
    expect(toHex(genesisFingerprint({ ...config, initialState: { ...config.initialState!, pairs } })!)).not.toBe(fingerprint);
  });

  describe('refuses, naming the field, a file whose', () => {
    const file = (): Json => json(exported());
    const withPairs = (edit: (pairs: [string, string][]) => void): Json => {
      const f = file();
      edit(pairsOf(f));
      return f;
    };
    const at = (pairs: [string, string][], key: string): number => pairs.findIndex(([k]) => k === key);
    const account = `account:${DEV.wallet}`;
    const cases: [string, () => Json][] = [
      ['value is not lowercase hex', () => withPairs((p) => { p[0]![1] = p[0]![1].toUpperCase(); })],
      ['value has an odd number of hex digits', () => withPairs((p) => { p[0]![1] += '0'; })],
      ['pair is not [key, value]', () => withPairs((p) => { (p[0] as unknown as string[]).push('00'); })],
      ['keys are out of order', () => withPairs((p) => p.reverse())],
      ['key repeats', () => withPairs((p) => { p.splice(1, 0, [...p[0]!]); })],
      ['key has no codec', () => withPairs((p) => { p.push(['zzz:unknown', '00']); })],
      ['value does not decode', () => withPairs((p) => { p[at(p, account)]![1] = 'c0'; })],
      ['value is not canonical (a u64 in a wider form)', () => withPairs((p) => { p[at(p, 'meta:pools')]![1] = 'dc0000'; })],
      ['meta:staking is missing', () => withPairs((p) => { p.splice(at(p, 'meta:staking'), 1); })],
      ['balances no longer add up to the supply', () => withPairs((p) => {
        const i = at(p, account);
        p[i]![1] = toHex(encodeStateValue(account, { ...(buildGenesisState(FRESH).state.get(account) as object), balance: 1n } as never));
      })],
      ['chain_id is not the one of meta:params', () => ({ ...file(), chain_id: 'dchat-other' })],
      ['initial_height is not one above meta:head', () => ({ ...file(), initial_height: String(HEIGHT + 5n) })],
      ['initial_height is 0', () => ({ ...file(), initial_height: '0' })],
      ['validators are not meta:validators', () => ({ ...file(), validators: [{ public_key: '11'.repeat(32), reward_wallet: DEV.wallet }] })],
      ['authority is not the state\'s', () => ({ ...file(), authority: ['22'.repeat(32)] })],
      ['distribution is not empty', () => ({ ...file(), distribution: [{ account: DEV.wallet, amount: '1' }] })],
      ['initial_height comes without an initial_state', () => ({ ...json(FRESH), initial_height: '5' })],
      ['initial_state is empty', () => ({ ...file(), initial_state: [] })],
    ];
    for (const [what, make] of cases) {
      it(what, async () => {
        const err = await Promise.resolve().then(() => build(make())).then(() => null, (e: unknown) => e as Error); console.log(what, '=>', err?.message); expect(await codeOfAsync(Promise.resolve().then(() => build(make())))).toBe(ErrorCode.InvalidGenesis);
      });
    }
  });
});
