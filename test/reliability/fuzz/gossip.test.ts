/**
 * Fuzz suite, gossip: random and mutated bytes through the node's own gossip validators (the
 * functions gossipsub calls for every message on the block and tx topics), on a real chain. Every
 * message must get a verdict (accept, ignore or reject), never an exception, and never the
 * "unexpected" path (an untyped error logged as our fault); garbage is never accepted, and after
 * all of it the chain's head, state root and mempool are exactly as before.
 *
 * The corpus: the chain's own blocks, valid blocks for the next slot (with and without txs) that
 * were never imported, and valid transactions that were never submitted; a mutated input equal to
 * one of these is skipped, so only garbage reaches the validators.
 */
import { generateKeyPair as generateP2pKey } from '@libp2p/crypto/keys';
import { type Message, type PeerId, TopicValidatorResult } from '@libp2p/interface';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { produceBlock } from '../../../src/chain/block-production.ts';
import { toHex } from '../../../src/chain/crypto.ts';
import { slotStartMs } from '../../../src/chain/poa.ts';
import type { SlotClock } from '../../../src/node/slot-clock.ts';
import { Gossip } from '../../../src/node/network/gossip.ts';
import type { Pubsub } from '../../../src/node/network/host.ts';
import { protocolNames } from '../../../src/node/network/protocols.ts';
import { envCount, writeReport } from '../support/report.ts';
import { DEV, type RichChain, USER, VALIDATORS, openRichChain } from '../support/rich-chain.ts';
import { Rng } from '../support/rng.ts';
import { type FuzzStats, fuzzInput, newStats, record, refuse } from './fuzz-lib.ts';

const CASES = envCount('DCHAT_FUZZ_CASES', 2_000);
const seed = Rng.fromEnv('DCHAT_FUZZ_SEED', 1).seed;
type Validator = (peer: PeerId, message: Message) => Promise<TopicValidatorResult>;

let rich: RichChain;
let gossip: Gossip;
let peer: PeerId;
const validators = new Map<string, Validator>();
const logLines: { level: number; msg: string; reason?: string; err?: unknown }[] = [];
let unknownParents = 0;
const results: FuzzStats[] = [];

beforeAll(async () => {
  rich = await openRichChain();
  const { chain } = rich;
  const head = chain.head.header;
  const now = slotStartMs(head.slot + 2n, chain.params);
  const clock: SlotClock = { nowMs: () => now, currentSlot: () => head.slot + 2n, msUntilSlot: () => 0 };
  const pubsub = {
    topicValidators: validators,
    subscribe: () => undefined,
    publish: async () => ({ recipients: [] }),
  } as unknown as Pubsub;
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logLines.push(JSON.parse(line) as (typeof logLines)[number]) });
  // No per-peer tx budget: this suite drives the validators themselves, one peer sending all the
  // garbage, which the budget (test/reliability/hardening/gossip-flood.test.ts) would drop unread.
  const unlimited = { capacity: Number.MAX_SAFE_INTEGER, refillPerSecond: 0, banAfterFailures: Number.MAX_SAFE_INTEGER, streakWindowMs: 0 };
  gossip = new Gossip({ pubsub, chain, clock, names: protocolNames(chain.params.chainId), logger, onUnknownParent: () => void unknownParents++, txBudget: unlimited });
  gossip.start();
  peer = peerIdFromPrivateKey(await generateP2pKey('Ed25519'));
});

afterAll(async () => {
  gossip?.stop();
  await rich?.close();
  if (results.length > 0) writeReport('fuzz-gossip', { cases: CASES, seed, targets: results, unknownParentSyncs: unknownParents });
});

const VERDICTS = new Set<string>([TopicValidatorResult.Accept, TopicValidatorResult.Ignore, TopicValidatorResult.Reject]);

async function fuzzTopic(kind: 'blocks' | 'txs', corpus: Uint8Array[], rng: Rng): Promise<FuzzStats> {
  const { chain } = rich;
  const names = protocolNames(chain.params.chainId);
  const topic = kind === 'blocks' ? names.blocksTopic : names.txsTopic;
  const validate = validators.get(topic)!;
  const valid = new Set(corpus.map((b) => toHex(b)));
  const before = { head: toHex(chain.head.hash), root: toHex(chain.head.header.stateRoot), mempool: chain.mempool.size };
  const counts = { ...gossip.counts[kind] };
  const internalBefore = logLines.filter((l) => l.msg === 'gossip validation failed unexpectedly').length;
  const stats = newStats(`gossip ${kind} topic validator`);
  const verdicts: Record<string, number> = {};
  const started = performance.now();
  for (let i = 0; i < CASES; i++) {
    let bytes = fuzzInput(rng, corpus).bytes;
    while (valid.has(toHex(bytes))) bytes = fuzzInput(rng, corpus).bytes;
    try {
      const verdict = await validate(peer, { type: 'unsigned', topic, data: bytes } as Message);
      if (!VERDICTS.has(verdict)) throw new Error(`not a verdict: ${String(verdict)}`);
      if (verdict === TopicValidatorResult.Accept) throw new Error('garbage was accepted');
      verdicts[verdict] = (verdicts[verdict] ?? 0) + 1;
      refuse(stats, `verdict:${verdict}`);
    } catch (error) {
      // The validator itself must never throw: every throw is a failure.
      record(stats, bytes, { ok: false, error }, () => null);
    }
  }
  stats.ms = Math.round(performance.now() - started);
  const internal = logLines.filter((l) => l.msg === 'gossip validation failed unexpectedly').slice(internalBefore);
  // Reasons, from the node's own counters and logs (reject reasons are logged at warn, ignores at debug).
  for (const line of logLines) if (line.reason !== undefined && (line.msg === 'rejected an invalid gossip message' || line.msg === 'ignored a gossip message')) stats.byCode[line.reason] = (stats.byCode[line.reason] ?? 0) + 1;
  logLines.length = 0;
  expect(stats.failures).toEqual([]);
  expect(internal.map((l) => JSON.stringify(l.err)), 'messages that hit the "unexpected error" path').toEqual([]);
  expect(gossip.counts[kind].accept).toBe(counts.accept);
  expect(gossip.counts[kind].reject - counts.reject + gossip.counts[kind].ignore - counts.ignore).toBe(CASES);
  expect({ head: toHex(chain.head.hash), root: toHex(chain.head.header.stateRoot), mempool: chain.mempool.size }).toEqual(before);
  results.push(stats);
  return stats;
}

describe(`gossip validators under fuzz (${CASES} messages per topic)`, () => {
  it('block topic: every message gets a verdict, garbage is never imported, the chain is unchanged', async () => {
    const { chain } = rich;
    const parent = chain.headParent();
    const slot = chain.head.header.slot + 1n;
    const v = VALIDATORS[Number(slot % 3n)]!;
    const key = { publicKey: v.hex, secretKey: v.secretKey };
    const pending = [
      rich.sign(DEV, { type: 'transfer', to: USER.wallet, amount: 1_000n }),
      rich.sign(USER, { type: 'burn', amount: 5n, reason: 'voluntary', account: null }),
    ];
    const next = [(await produceBlock(parent, chain.params, slot, key, [])).block, (await produceBlock(parent, chain.params, slot, key, pending)).block];
    expect(next[1]!.txs).toHaveLength(2);
    expect(toHex(chain.head.header.stateRoot)).toBe(toHex(parent.header.stateRoot));
    const stats = await fuzzTopic('blocks', [...rich.blocks.map((b) => b.bytes), ...next.map((b) => b.bytes)], new Rng(seed + 101));
    // Some mutations keep a valid header and signature and are refused deeper (roots, txs).
    expect(stats.byCode['verdict:reject']).toBeGreaterThan(0);
  });

  it('tx topic: every message gets a verdict, garbage never enters the mempool', async () => {
    const corpus = [
      rich.sign(DEV, { type: 'transfer', to: USER.wallet, amount: 77n }).bytes,
      rich.sign(USER, { type: 'create-listing', title: 'fuzz', price: 3n, quantity: 1n }).bytes,
      rich.sign(USER, { type: 'stake', amount: 10n }).bytes,
      ...rich.txs.map((t) => t.bytes),
    ];
    await fuzzTopic('txs', corpus, new Rng(seed + 102));
  });
});
