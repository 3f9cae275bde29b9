/**
 * The genesis config fingerprint: the same config (however it was made) gives the same 32 bytes;
 * a change to any field, anywhere in a distribution longer than one hashing chunk, gives others;
 * a config the encoding cannot hold has none.
 */
import { describe, expect, it } from 'vitest';
import { genesisFingerprint } from '../../../src/chain/genesis-fingerprint.ts';
import { type GenesisConfig, genesisToJson, parseGenesisJson } from '../../../src/tokenomics/index.ts';
import { testGenesisConfig } from './chain-fixture.ts';

const base = testGenesisConfig(2);
const hex = (config: GenesisConfig): string => Buffer.from(genesisFingerprint(config)!).toString('hex');

function withWallets(count: number, lastAmount = 1n): GenesisConfig {
  const wallets = Array.from({ length: count }, (_, i) => ({ account: `00000000-0000-5000-8000-${i.toString(16).padStart(12, '0')}`, amount: i === count - 1 ? lastAmount : 1n }));
  return { ...base, distribution: [...base.distribution, ...wallets] };
}

describe('genesisFingerprint', () => {
  it('is 32 bytes, the same for an equal config however it was made', () => {
    expect(genesisFingerprint(base)).toHaveLength(32);
    expect(hex(testGenesisConfig(2))).toBe(hex(base));
    expect(hex(parseGenesisJson(JSON.parse(JSON.stringify(genesisToJson(base)))))).toBe(hex(base));
  });

  it('changes with every field', () => {
    const pool = base.pools[0]!;
    const changed: GenesisConfig[] = [
      { ...base, params: { ...base.params, chainId: 'dchat-other' } },
      { ...base, params: { ...base.params, supply: { ...base.params.supply, maxSupply: null } } },
      { ...base, validators: [...base.validators].reverse() },
      { ...base, validators: base.validators.slice(1) },
      { ...base, authority: ['ab'.repeat(32)] },
      { ...base, distribution: base.distribution.slice(1) },
      { ...base, distribution: base.distribution.map((d, i) => (i === 0 ? { ...d, amount: d.amount + 1n } : d)) },
      { ...base, pools: [{ ...pool, name: `${pool.name} ` }] },
      { ...base, pools: [{ ...pool, autoReplenish: { below: 1n, upTo: 2n } }] },
      { ...base, schedules: [{ recipientType: 'validators', amountPerInterval: 1n, intervalBlocks: 1n, startBlock: null, durationBlocks: null, poolId: null }] },
    ];
    const all = new Set([hex(base), ...changed.map(hex)]);
    expect(all.size).toBe(changed.length + 1);
  });

  it('covers the whole of a distribution longer than one chunk', () => {
    expect(hex(withWallets(10_000, 1n))).not.toBe(hex(withWallets(10_000, 2n)));
    expect(hex(withWallets(4_096))).not.toBe(hex(withWallets(4_097)));
  });

  it('tells strings apart that the canonical id encoding would not (case)', () => {
    const upper = { ...base, distribution: base.distribution.map((d, i) => (i === 0 ? { ...d, account: d.account.toUpperCase() } : d)) };
    expect(hex(upper)).not.toBe(hex(base));
  });

  it('is null for an amount outside u64', () => {
    expect(genesisFingerprint({ ...base, distribution: [{ account: base.distribution[0]!.account, amount: -1n }] })).toBeNull();
    expect(genesisFingerprint({ ...base, distribution: [{ account: base.distribution[0]!.account, amount: 1n << 64n }] })).toBeNull();
  });
});
