/**
 * Fuzz suite, decoders: random and mutated bytes into every decoder that reads untrusted input:
 * transactions (API, gossip) with their signature check, blocks (gossip, sync), the sync messages
 * (status, range request, response header), and the store's state values and events (a damaged
 * data dir). Each must either decode or throw a ChainError with a code; nothing else may escape.
 * What decodes must also encode again (nothing out of range slips through into state roots or the
 * wire), and transactions and blocks are canonical (their bytes are exactly the input).
 *
 * DCHAT_FUZZ_CASES cases per decoder (2,000 in CI; `npm run test:fuzz -- --cases 100000`), seeded
 * by DCHAT_FUZZ_SEED (default 1; "random" for a fresh one, printed in the report).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBlock, sealBlock, type BlockHeader } from '../../../src/chain/codec/block.ts';
import { decodeEvent, encodeEvent } from '../../../src/chain/codec/events.ts';
import { decodeStateValue, encodeStateValue } from '../../../src/chain/codec/state.ts';
import { MAX_TX_BYTES, OPERATION_TYPES, decodeSignedTx, signTx, verifyTx } from '../../../src/chain/codec/tx.ts';
import { ChainError } from '../../../src/chain/errors.ts';
import {
  decodeRangeRequest, decodeResponseHeader, decodeStatus, encodeRangeRequest, encodeResponseHeader, encodeStatus,
} from '../../../src/node/network/messages.ts';
import { CHAIN_ID as FIXTURE_CHAIN, SAMPLES, SIGNER, expectCanonicalBlock, expectCanonicalTx } from '../../unit/chain/codec/codec-fixture.ts';
import { envCount, writeReport } from '../support/report.ts';
import { type RichChain, VALIDATORS, openRichChain } from '../support/rich-chain.ts';
import { Rng } from '../support/rng.ts';
import { type FuzzStats, fuzzInput, mutateBytes, newStats, randomBytes, record, runFuzz } from './fuzz-lib.ts';
import { PROTOCOL_VERSION } from '../../../src/chain/protocol-version.ts';

const CASES = envCount('DCHAT_FUZZ_CASES', 2_000);
const base = Rng.fromEnv('DCHAT_FUZZ_SEED', 1);
const results: FuzzStats[] = [];
let rich: RichChain;

const chainCode = (err: unknown): string | null => (err instanceof ChainError ? err.code : null);
const rngFor = (i: number): Rng => new Rng(base.seed + i * 7919);

beforeAll(async () => {
  rich = await openRichChain();
});

afterAll(async () => {
  await rich?.close();
  if (results.length > 0) writeReport('fuzz-decoders', { casesPerDecoder: CASES, seed: base.seed, decoders: results });
});

function expectClean(stats: FuzzStats): void {
  results.push(stats);
  expect(stats.failures, `${stats.target}: untyped errors or failed checks`).toEqual([]);
  expect(stats.failed).toBe(0);
  expect(stats.cases).toBe(CASES);
  // The corpus is worth something only if mutated inputs reach past the first check sometimes.
  expect(stats.refused).toBeGreaterThan(0);
}

const txCorpus = (): Uint8Array[] => [
  ...OPERATION_TYPES.flatMap((type) => SAMPLES[type].map((op, i) => signTx({ chainId: FIXTURE_CHAIN, signer: SIGNER.hex, nonce: BigInt(i * 1_000), op }, SIGNER.secretKey).bytes)),
  ...rich.txs.map((t) => t.bytes),
];

describe(`decoders under fuzz (${CASES} cases each)`, () => {
  it('decodeSignedTx + verifyTx: decoded or a ChainError; decoded bytes are canonical', () => {
    const corpus = txCorpus();
    const stats = runFuzz('decodeSignedTx', CASES, rngFor(1), corpus, (bytes) => {
      const tx = decodeSignedTx(bytes);
      expectCanonicalTx(tx, bytes);
      verifyTx(tx, FIXTURE_CHAIN);
    }, chainCode);
    expectClean(stats);
    // An oversized input is refused by its size before decoding.
    expect(() => decodeSignedTx(new Uint8Array(MAX_TX_BYTES + 1))).toThrow(ChainError);
  });

  it('decodeBlock: decoded or a ChainError; decoded bytes are canonical', () => {
    const signedTxs = txCorpus().map((b) => decodeSignedTx(b));
    const rng = rngFor(2);
    const sealed = Array.from({ length: 12 }, (_, i) => {
      const v = VALIDATORS[i % 3]!;
      const header: BlockHeader = {
        protocolVersion: BigInt(PROTOCOL_VERSION), chainId: FIXTURE_CHAIN, height: BigInt(i + 1), slot: BigInt(i + 1), parentHash: rng.bytes(32), timestampMs: 1_767_225_600_000n + BigInt(i) * 1_000n,
        proposer: v.hex, txRoot: rng.bytes(32), stateRoot: rng.bytes(32),
      };
      return sealBlock(header, signedTxs.slice(i % 5, (i % 5) + (i % 4)), v.secretKey).bytes;
    });
    const corpus = [...rich.blocks.map((b) => b.bytes), ...sealed];
    const stats = runFuzz('decodeBlock', CASES, rng, corpus, (bytes) => {
      expectCanonicalBlock(decodeBlock(bytes), bytes);
    }, chainCode);
    expectClean(stats);
  });

  it('sync messages: decodeStatus, decodeRangeRequest, decodeResponseHeader', () => {
    const rng = rngFor(3);
    const statuses = [
      encodeStatus({ genesisHash: rng.bytes(32), headHeight: 12n, headHash: rng.bytes(32), finalizedHeight: 9n, peers: [] }),
      encodeStatus({ genesisHash: rng.bytes(32), headHeight: 2n ** 64n - 1n, headHash: rng.bytes(32), finalizedHeight: 0n, peers: Array.from({ length: 16 }, (_, i) => `/ip4/127.0.0.1/tcp/${7600 + i}/p2p/12D3KooWS1yMjbaB4xSDmCnQRjLx5piXTo2YVxwSA3JtdTyDA6Gk`) }),
    ];
    const requests = [encodeRangeRequest({ startHeight: 1n, count: 64n }), encodeRangeRequest({ startHeight: 2n ** 63n, count: 1n })];
    const headers = [
      encodeResponseHeader({ code: 'ok', message: '', count: 3n }),
      encodeResponseHeader({ code: 'rate-limited', message: 'too many blocks requested; slow down.', count: 0n }),
      encodeResponseHeader({ code: 'bad-request', message: 'x'.repeat(512), count: 0n }),
    ];
    const all = [...statuses, ...requests, ...headers];
    const targets: [string, (b: Uint8Array) => void, Uint8Array[]][] = [
      ['decodeStatus', (b) => void encodeStatus(decodeStatus(b)), statuses],
      ['decodeRangeRequest', (b) => void encodeRangeRequest(decodeRangeRequest(b)), requests],
      ['decodeResponseHeader', (b) => void encodeResponseHeader(decodeResponseHeader(b)), headers],
    ];
    for (const [i, [name, attempt, own]] of targets.entries()) {
      // Mostly its own samples, sometimes another message's (a confused or hostile peer).
      expectClean(runFuzz(name, CASES, rngFor(10 + i), [...own, ...own, ...all], attempt, chainCode));
    }
  });

  it('decodeStateValue: every key family, decoded (and encodable again) or a ChainError', () => {
    const rng = rngFor(4);
    const entries = rich.chain.state.sortedEntries().map(([key, value]) => ({ key, bytes: encodeStateValue(key, value) }));
    const corpus = entries.map((e) => e.bytes);
    const strangeKeys = ['', 'meta:', 'meta:headx', 'account', 'constructor', '__proto__', 'toString', 'hasOwnProperty', 'pool', 'deadline:', 'purchase:x', 'ACCOUNT:x'];
    const stats = newStats('decodeStateValue');
    const started = performance.now();
    for (let i = 0; i < CASES; i++) {
      const entry = rng.pick(entries);
      const roll = rng.next();
      const key = roll < 0.8 ? entry.key : roll < 0.9 ? rng.pick(entries).key : rng.pick(strangeKeys);
      const bytes = rng.chance(0.7) ? mutateBytes(rng, entry.bytes, corpus) : fuzzInput(rng, corpus).bytes;
      try {
        const value = decodeStateValue(key, bytes);
        encodeStateValue(key, value);
        record(stats, bytes, { ok: true }, chainCode);
      } catch (error) {
        record(stats, `${key} ${Buffer.from(bytes).toString('hex')}`, { ok: false, error }, chainCode);
      }
    }
    stats.ms = Math.round(performance.now() - started);
    expectClean(stats);
  });

  it('decodeEvent: mint, burn and distribution events, decoded (and encodable again) or a ChainError', async () => {
    const events = [
      ...(await rich.chain.history('mint', { limit: 50 })),
      ...(await rich.chain.history('burn', { limit: 50 })),
      ...(await rich.chain.history('distribution', { limit: 50 })),
    ];
    expect(new Set(events.map((e) => e.kind)).size).toBe(3);
    const corpus = events.map(encodeEvent);
    expectClean(runFuzz('decodeEvent', CASES, rngFor(5), corpus, (b) => void encodeEvent(decodeEvent(b)), chainCode));
  });

  it('pure random bytes of every length 0..64 into every decoder', () => {
    const rng = rngFor(6);
    const stats = newStats('all decoders, short random inputs');
    const decoders = [decodeSignedTx, decodeBlock, decodeStatus, decodeRangeRequest, decodeResponseHeader, decodeEvent, (b: Uint8Array) => decodeStateValue('meta:supply', b)];
    for (let i = 0; i < Math.max(1, Math.floor(CASES / decoders.length)); i++) {
      const bytes = i < 65 ? rng.bytes(i) : randomBytes(rng);
      for (const decode of decoders) {
        try {
          decode(bytes);
          record(stats, bytes, { ok: true }, chainCode);
        } catch (error) {
          record(stats, bytes, { ok: false, error }, chainCode);
        }
      }
    }
    expect(stats.failures).toEqual([]);
    results.push(stats);
  });
});
