import { describe, expect, it } from 'vitest';
import { encodeEvent } from '../../../../src/chain/codec/events.ts';
import { COMPACT_EVENT_RECORD, decodeEventRecord, encodeEventRecord } from '../../../../src/chain/store/event-records.ts';
import { type BurnEvent, type DistributionEvent, type MintEvent, type TokenEvent, IdSource, createdIdAt, knownIdIndex, systemAccountId } from '../../../../src/tokenomics/index.ts';
import { ChainErrorCode } from '../../../../src/chain/errors.ts';
import { codeOf } from '../../../support/error-code.ts';

const TX = 'ab'.repeat(32);
const ACCOUNT = systemAccountId('treasury');

const mint: MintEvent = { kind: 'mint', id: createdIdAt('mint', 7n, 0), amount: 951n, reason: 'inflation', recipient: ACCOUNT, poolId: null, height: 7n, timestampMs: 1_767_225_607_000n, txHash: null };
/** The third id the tx made, as a block's execution makes it (so it is among the recent ones). */
const txIds = IdSource.forTx(TX);
const burnId = [txIds.id('pool'), txIds.id('burn'), txIds.id('burn')][2]!;
const burn: BurnEvent = { kind: 'burn', id: burnId, amount: 10n, reason: 'transaction-fee', burner: ACCOUNT, height: 7n, timestampMs: 1_767_225_607_000n, txHash: TX };
const payout: DistributionEvent = { kind: 'distribution', id: createdIdAt('distribution', 7n, 40), scheduleId: null, recipientType: 'treasury', recipient: ACCOUNT, amount: 5n, height: 7n, timestampMs: 1_767_225_607_000n, txHash: null };

describe('event records of the history buckets', () => {
  it('know the call number of an id made recently, for its own kind and source only', () => {
    expect(burn.id).toBe(createdIdAt('burn', TX, 2));
    expect(knownIdIndex('burn', TX, burn.id)).toBe(2);
    expect(knownIdIndex('mint', TX, burn.id)).toBeNull();
    expect(knownIdIndex('burn', 7n, burn.id)).toBeNull();
  });

  it('read back every kind exactly, smaller than the canonical encoding when the id and height are implied', () => {
    for (const event of [mint, burn] as TokenEvent[]) {
      const bytes = encodeEventRecord(event, 7n);
      expect(bytes[0]).toBe(COMPACT_EVENT_RECORD);
      expect(decodeEventRecord(bytes, 7n).event()).toEqual(event);
      // The 16 id bytes and the height's 9 (a height this small packs in 1) stay out.
      expect(bytes.length).toBeLessThanOrEqual(encodeEvent(event).length - 16);
    }
  });

  it('keep an id no small call of its source gives, and a height other than the key\'s, in full', () => {
    const foreign: DistributionEvent = { ...payout, id: createdIdAt('distribution', 99n, 3) };
    expect(decodeEventRecord(encodeEventRecord(foreign, 7n), 7n).event()).toEqual(foreign);
    expect(decodeEventRecord(encodeEventRecord(payout, 8n), 8n).event()).toEqual(payout);
  });

  it('find the call number by hashing when the id was not made recently in this process (a run of genesis mints)', () => {
    const run = Array.from({ length: 40 }, (_, i): MintEvent => ({ ...mint, id: createdIdAt('mint', 0n, i), height: 0n }));
    // Derived again, not made by an IdSource: unknown to the table of recent ids.
    expect(knownIdIndex('mint', 0n, run[0]!.id)).toBeNull();
    const records = run.map((event) => encodeEventRecord(event, 0n));
    records.forEach((bytes, i) => expect(decodeEventRecord(bytes, 0n).event()).toEqual(run[i]));
    expect(Math.max(...records.map((bytes) => bytes.length))).toBeLessThanOrEqual(encodeEvent(run[39]!).length - 16);
  });

  it('read records written by older nodes (the canonical encoding)', () => {
    for (const event of [mint, burn, payout] as TokenEvent[]) expect(decodeEventRecord(encodeEvent(event), event.height).event()).toEqual(event);
  });

  it('name the tx by its index in a split block, its hash supplied on reading (the id derived from it)', () => {
    const whole = encodeEventRecord(burn, 7n);
    const bytes = encodeEventRecord(burn, 7n, { txIndexOf: (hash) => (hash === TX ? 3 : undefined) });
    // The 32 hash bytes (and their 2-byte header) become one byte.
    expect(bytes.length).toBe(whole.length - 33);
    const record = decodeEventRecord(bytes, 7n);
    expect(record.txIndex).toBe(3);
    expect(record.needsTimestamp).toBe(false);
    expect(record.fields).toMatchObject({ kind: 'burn', reason: 'transaction-fee', burner: ACCOUNT, height: 7n });
    expect(record.event({ txHash: TX })).toEqual(burn);
    expect(() => record.event()).toThrow(/not resolved/);
    // An event of no tx, or of a tx not in the block, keeps what it has.
    expect(decodeEventRecord(encodeEventRecord(mint, 7n, { txIndexOf: () => 0 }), 7n).event()).toEqual(mint);
    expect(decodeEventRecord(encodeEventRecord(burn, 7n, { txIndexOf: () => undefined }), 7n).txIndex).toBeNull();
  });

  it('leave the timestamp to the block when it is the block\'s, and keep any other', () => {
    const whole = encodeEventRecord(mint, 7n);
    const bytes = encodeEventRecord(mint, 7n, { timestampMs: mint.timestampMs });
    // A u64 this large packs in 9 bytes; nil in 1.
    expect(bytes.length).toBe(whole.length - 8);
    const record = decodeEventRecord(bytes, 7n);
    expect(record.needsTimestamp).toBe(true);
    expect(record.event({ timestampMs: mint.timestampMs })).toEqual(mint);
    expect(() => record.event()).toThrow(/timestamp/);
    const other = encodeEventRecord(mint, 7n, { timestampMs: mint.timestampMs + 1n });
    expect(other).toEqual(whole);
    expect(decodeEventRecord(other, 7n).needsTimestamp).toBe(false);
  });

  it('refuse a record of an unknown kind or with a bad id index as MalformedBytes', () => {
    const bytes = encodeEventRecord(burn, 7n);
    const renamed = Uint8Array.from(bytes);
    renamed.set(Buffer.from('bxrn'), renamed.indexOf(0x62, 2));
    expect(codeOf(() => decodeEventRecord(renamed, 7n))).toBe(ChainErrorCode.MalformedBytes);
    expect(codeOf(() => decodeEventRecord(Uint8Array.of(COMPACT_EVENT_RECORD, 0xc0), 7n))).toBe(ChainErrorCode.MalformedBytes);
  });
});
