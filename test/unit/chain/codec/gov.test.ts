/** Governance encodings (docs/protocol.md §17.8), pinned byte for byte. */
import { describe, expect, it } from 'vitest';
import { GOV_PAYLOADS, bigUint } from '../../../../src/chain/codec/gov.ts';
import { pack, unpack } from '../../../../src/chain/codec/msgpack.ts';
import { decodeStateValue, encodeStateValue } from '../../../../src/chain/codec/state.ts';
import { ChainError } from '../../../../src/chain/errors.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('governance encodings', () => {
  it('submit-proposal is [kind, payload, title, deposit] (the §17.8 example)', () => {
    const op = { kind: 'param-change', payload: { name: 'burn_rate_bps', value: 200n }, title: 'Burn 2 %', deposit: 10_000_000n } as const;
    const bytes = pack(GOV_PAYLOADS['submit-proposal'].enc(op));
    expect(hex(bytes)).toBe('94ac706172616d2d6368616e676592ad6275726e5f726174655f627073ccc8a84275726e20322025ce00989680');
    expect(GOV_PAYLOADS['submit-proposal'].dec(unpack(bytes, 't'), 'p')).toEqual(op);
  });

  it('refuses a payload that does not fit its kind, and an unknown kind', () => {
    const raw = unpack(pack(['param-change', ['x'], 'T', 1n]), 't');
    expect(() => GOV_PAYLOADS['submit-proposal'].dec(raw, 'p')).toThrow(ChainError);
    expect(() => GOV_PAYLOADS['submit-proposal'].dec(unpack(pack(['mint', [], 'T', 1n]), 't'), 'p')).toThrow(ChainError);
  });

  it('big: minimal big-endian bytes, 0 as the empty binary; a leading zero or 33 bytes refused', () => {
    expect(hex(pack(bigUint.enc(0n)))).toBe('c400');
    expect(hex(pack(bigUint.enc(1_000n)))).toBe('c40203e8');
    expect(bigUint.dec(unpack(pack(bigUint.enc(2n ** 200n + 7n)), 't'), 'p')).toBe(2n ** 200n + 7n);
    expect(() => bigUint.dec(Uint8Array.from([0, 1]), 'p')).toThrow(ChainError);
    expect(() => bigUint.dec(new Uint8Array(33).fill(1), 'p')).toThrow(ChainError);
  });

  it('a vote and the staking state by hand', () => {
    expect(hex(encodeStateValue(`vote:${'1'.repeat(36)}`, { option: 'veto', weight: 300n }))).toBe('92a4' + '7665746f' + 'cd012c');
    const staking = { totalStaked: 6n, rewardPerStake: 10n ** 20n, remainder: 5n, pot: 600n };
    const bytes = encodeStateValue('meta:staking', staking);
    expect(hex(bytes)).toBe(`9406c409${(10n ** 20n).toString(16).padStart(18, '0')}05cd0258`);
    expect(decodeStateValue('meta:staking', bytes)).toEqual(staking);
  });
});
