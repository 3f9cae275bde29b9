import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  DCHAT_NAMESPACE,
  ErrorCode,
  IdSource,
  SYSTEM_ACCOUNT_IDS,
  type GenesisConfig,
  applyBlock,
  buildGenesisState,
  defaultGenesis,
  exportState,
  genesisToJson,
  importState,
  parseGenesisJson,
  supplyStats,
  validateGenesis,
  walletIdFromPublicKey,
} from '../../../src/tokenomics/index.ts';
import { AUTHORITY, TestChain, keyOf, smallGenesis, walletOf } from './chain-harness.ts';

const threeValidators = ['v1', 'v2', 'v3'].map((n) => ({ publicKey: keyOf(n), rewardWallet: walletOf(`${n}-rewards`) }));

function template(): GenesisConfig {
  return defaultGenesis({ chainId: 'dchat-dev', genesisTimeMs: 1_767_225_600_000n, validators: threeValidators, authority: [keyOf(AUTHORITY)] });
}

function genesisError(config: GenesisConfig): string {
  try {
    validateGenesis(config);
  } catch (err) {
    expect((err as { code: string }).code).toBe(ErrorCode.InvalidGenesis);
    return (err as Error).message;
  }
  throw new Error('expected the genesis to be refused');
}

describe('genesis (docs/protocol.md §14.1)', () => {
  it("splits the default 100,000,000,000 as the seed does, remainder of the validators' part to the first", () => {
    const { state, events } = buildGenesisState(template());
    const balance = (id: string): bigint => (state.get(`account:${id}`) as { balance: bigint }).balance;
    expect(balance(walletOf('v1-rewards'))).toBe(6_666_666_668n);
    expect(balance(walletOf('v2-rewards'))).toBe(6_666_666_666n);
    expect(balance(walletOf('v3-rewards'))).toBe(6_666_666_666n);
    expect(balance(SYSTEM_ACCOUNT_IDS['relay-fund'])).toBe(15_000_000_000n);
    expect(balance(SYSTEM_ACCOUNT_IDS.treasury)).toBe(25_000_000_000n);
    expect(balance(SYSTEM_ACCOUNT_IDS['dev-fund'])).toBe(15_000_000_000n);
    expect(balance(SYSTEM_ACCOUNT_IDS.airdrop)).toBe(15_000_000_000n);
    const stats = supplyStats(state);
    expect(stats).toMatchObject({
      height: 0n,
      circulatingSupply: 100_000_000_000n,
      totalMinted: 100_000_000_000n,
      totalBurned: 0n,
      totalPoolLiquidity: 10_000_000_000n,
      poolCount: 1,
      issuedBps: 1_000n,
      annualProvision: 5_000_000_000n,
      effectiveSupply: 20_000_000_000n, // all but the validators' wallets is held by the protocol
    });
    expect(events.every((e) => e.kind === 'mint' && e.reason === 'genesis' && e.height === 0n)).toBe(true);
    expect(events.reduce((sum, e) => sum + e.amount, 0n)).toBe(100_000_000_000n);
  });

  it('refuses a genesis that breaks an invariant, naming the field', () => {
    const base = template();
    const moreDist = { ...base, distribution: [...base.distribution, { account: walletOf('x'), amount: 1n }] };
    expect(genesisError(moreDist)).toMatch(/genesis distribution: .*100000000001.*initial_supply is 100000000000/);
    const aboveMax = { ...base, params: { ...base.params, supply: { ...base.params.supply, maxSupply: 99n } } };
    expect(genesisError(aboveMax)).toMatch(/genesis supply\.initial_supply: 100000000000 is above supply\.max_supply 99/);
    expect(genesisError({ ...base, validators: [] })).toMatch(/genesis validators:/);
    expect(genesisError({ ...base, validators: [{ publicKey: 'xyz', rewardWallet: walletOf('a') }] })).toMatch(/validators\[0\]\.public_key/);
    expect(genesisError({ ...base, authority: [] })).toMatch(/genesis authority:/);
    expect(genesisError({ ...base, authority: [keyOf('v2')] })).toMatch(/genesis authority: a validator key/);
    expect(genesisError({ ...base, params: { ...base.params, supply: { ...base.params.supply, burnRateBps: 10_001n } } })).toMatch(/burn_rate_bps/);
    expect(genesisError({ ...base, params: { ...base.params, blocksPerYear: 0n } })).toMatch(/blocks_per_year/);
    expect(genesisError({ ...base, params: { ...base.params, chainId: '' } })).toMatch(/chain_id/);
    expect(() => buildGenesisState({ ...base, pools: [{ ...base.pools[0]!, name: '' }] })).toThrowError(/genesis pools\[0\]: InvalidParameter/);
  });

  it('genesis schedules open at height 0; a marketplace one defaults to the first genesis pool', () => {
    const base = template();
    const config: GenesisConfig = {
      ...base,
      schedules: [{ recipientType: 'marketplace', amountPerInterval: 5n, intervalBlocks: 1n, startBlock: null, durationBlocks: null, poolId: null }],
    };
    const { state } = buildGenesisState(config);
    const [scheduleId] = state.get('meta:schedules') as string[];
    const [poolId] = state.get('meta:pools') as string[];
    expect(state.get(`schedule:${scheduleId}`)).toMatchObject({ startBlock: 1n, poolId, createdHeight: 0n });
  });

  it('the genesis file format round-trips, and accepts system account names', () => {
    const config = template();
    const json = JSON.parse(JSON.stringify(genesisToJson(config)));
    expect(json.genesis_time).toBe('2026-01-01T00:00:00.000Z');
    expect(parseGenesisJson(json)).toEqual(config);
    json.distribution[3].account = 'treasury';
    expect(parseGenesisJson(json).distribution[3]!.account).toBe(SYSTEM_ACCOUNT_IDS.treasury);
  });

  it('the genesis file parser names the malformed field', () => {
    const json = JSON.parse(JSON.stringify(genesisToJson(template())));
    const refused = (mutate: (j: Record<string, unknown>) => void): string => {
      const copy = structuredClone(json);
      mutate(copy);
      try {
        parseGenesisJson(copy);
      } catch (err) {
        expect((err as { code: string }).code).toBe(ErrorCode.InvalidGenesis);
        return (err as Error).message;
      }
      throw new Error('expected a refusal');
    };
    expect(refused((j) => delete j.chain_id)).toMatch(/^genesis chain_id: must be a string/);
    expect(refused((j) => ((j.distribution as { amount: unknown }[])[1]!.amount = '12.5'))).toMatch(/^genesis distribution\[1\]\.amount/);
    expect(refused((j) => ((j.supply as Record<string, unknown>).initial_supply = -1))).toMatch(/^genesis supply\.initial_supply/);
    expect(refused((j) => (j.genesis_time = 'yesterday'))).toMatch(/^genesis genesis_time/);
    expect(refused((j) => (j.validators = {}))).toMatch(/^genesis validators: must be a list/);
    expect(refused((j) => ((j.distribution as { amount: unknown }[])[0]!.amount = 2 ** 60))).toMatch(/distribution\[0\]\.amount/);
  });

  it('wallet and system ids are UUIDv5 under the dchat namespace (checked against an independent SHA-1 derivation)', () => {
    const uuidv5 = (name: Buffer): string => {
      const ns = Buffer.from(DCHAT_NAMESPACE.replace(/-/g, ''), 'hex');
      const h = createHash('sha1').update(Buffer.concat([ns, name])).digest().subarray(0, 16);
      h[6] = (h[6]! & 0x0f) | 0x50;
      h[8] = (h[8]! & 0x3f) | 0x80;
      const hex = h.toString('hex');
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    };
    const key = 'ab'.repeat(32);
    expect(walletIdFromPublicKey(key)).toBe(uuidv5(Buffer.from(key, 'hex')));
    expect(SYSTEM_ACCOUNT_IDS.treasury).toBe(uuidv5(Buffer.from('system:treasury')));
    expect(SYSTEM_ACCOUNT_IDS.reserve).toBe(uuidv5(Buffer.from('system:reserve')));
    expect(IdSource.forTx('cd'.repeat(32)).id('pool')).toBe(uuidv5(Buffer.from(`pool:${'cd'.repeat(32)}:0`)));
    const block = IdSource.forBlock(7n);
    block.id('mint');
    expect(block.id('distribution')).toBe(uuidv5(Buffer.from('distribution:block:7:1')));
  });
});

describe('state export and import', () => {
  it('round-trips a state with pools, allocations and schedules, and continues identically', () => {
    const chain = new TestChain(smallGenesis({ reserve: 10_000n, inflationRateBps: 500n, blocksPerYear: 20n, balances: { alice: 5_000n } }));
    chain.run(AUTHORITY, { type: 'create-pool', name: 'Goods', initialAmount: 1_000n, operator: null, autoReplenish: { below: 900n, upTo: 1_000n } });
    const [poolId] = chain.state.get('meta:pools') as string[];
    chain.run(AUTHORITY, { type: 'allocate', poolId: poolId!, amount: 200n, recipient: walletOf('bob'), expiresInBlocks: 5n });
    chain.run(AUTHORITY, { type: 'create-schedule', recipientType: 'validators', amountPerInterval: 9n, intervalBlocks: 2n, startBlock: null, durationBlocks: null, poolId: null });
    chain.run('alice', { type: 'transfer', to: walletOf('bob'), amount: 777n });
    const json = JSON.parse(JSON.stringify(exportState(chain.state)));
    const imported = importState(json);
    expect(imported.sortedEntries()).toEqual(chain.state.sortedEntries());
    const position = { height: chain.height + 1n, timestampMs: chain.timestampOf(chain.height + 1n) };
    expect(applyBlock(imported, position, [])).toEqual(applyBlock(chain.state, position, []));
  });

  it('refuses a snapshot whose holdings do not add up to the supply', () => {
    const chain = new TestChain(smallGenesis({ balances: { alice: 5n } }));
    const snapshot = exportState(chain.state);
    const tampered = JSON.parse(JSON.stringify(snapshot).replace('{"$n":"5"}', '{"$n":"6"}'));
    expect(() => importState(tampered)).toThrowError(expect.objectContaining({ code: ErrorCode.InvariantViolation }));
  });
});
