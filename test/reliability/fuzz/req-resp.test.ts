/**
 * Fuzz suite, sync protocols over real libp2p streams (status and blocks-by-range), both ways:
 *
 * - as a server: a hostile client opens streams to a node's request handlers and writes mutated or
 *   random frames, raw bytes without a length prefix, huge length prefixes, several frames, or
 *   nothing at all. The handlers answer or close the stream; what they log as a failed request must
 *   be a typed error (or a stream's own end-of-input/abort), never a TypeError or the like; the
 *   chain is unchanged and the node still serves a well-formed request correctly afterwards.
 * - as a client: the node asks a hostile server for its status and for block ranges, and the
 *   server answers garbage (mutated headers and blocks, counts beyond the request, blocks out of
 *   order or not linked, raw bytes, silence). Each request returns a valid answer or a NetworkError,
 *   and one whose cause is not a programming error.
 *
 * DCHAT_FUZZ_CASES / 10 exchanges each way (at least 200).
 */
import { generateKeyPair as generateP2pKey } from '@libp2p/crypto/keys';
import type { PeerId, Stream } from '@libp2p/interface';
import { lpStream } from 'it-length-prefixed-stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '../../../src/chain/crypto.ts';
import { ChainError } from '../../../src/chain/errors.ts';
import { NetworkError } from '../../../src/node/network/errors.ts';
import { type P2pHost, createHost } from '../../../src/node/network/host.ts';
import { type Status, encodeRangeRequest, encodeResponseHeader, encodeStatus, decodeResponseHeader, decodeStatus } from '../../../src/node/network/messages.ts';
import { protocolNames } from '../../../src/node/network/protocols.ts';
import { RateLimiter } from '../../../src/node/network/rate-limiter.ts';
import { ReqResp } from '../../../src/node/network/req-resp.ts';
import { decodeBlock } from '../../../src/chain/codec/block.ts';
import { envCount, writeReport } from '../support/report.ts';
import { type RichChain, openRichChain } from '../support/rich-chain.ts';
import { Rng } from '../support/rng.ts';
import { type FuzzStats, fuzzInput, mutateBytes, newStats, record, refuse } from './fuzz-lib.ts';

const CASES = Math.max(200, Math.floor(envCount('DCHAT_FUZZ_CASES', 2_000) / 10));
const seed = Rng.fromEnv('DCHAT_FUZZ_SEED', 1).seed;
const PROGRAMMING_ERRORS = ['TypeError', 'RangeError', 'SyntaxError', 'ReferenceError', 'InternalError'];

let rich: RichChain;
const hosts: P2pHost[] = [];
const results: FuzzStats[] = [];
const serverLog: { msg: string; err?: { type?: string; message?: string; code?: string } }[] = [];

async function host(): Promise<P2pHost> {
  const names = protocolNames(rich.chain.params.chainId);
  const h = await createHost({
    privateKey: await generateP2pKey('Ed25519'), listen: ['/ip4/127.0.0.1/tcp/0'], announce: [], topics: [names.blocksTopic, names.txsTopic],
    maxMessageBytes: 1024 * 1024, isDenied: () => false, appScore: () => 0,
  });
  hosts.push(h);
  return h;
}

function localStatus(): Status {
  return { genesisHash: new Uint8Array(32), headHeight: rich.chain.head.header.height, headHash: rich.chain.head.hash, finalizedHeight: 0n, peers: [] };
}

function reqResp(h: P2pHost, logger: pino.Logger, onStatus: () => void = () => undefined): ReqResp {
  const limits = { status: new RateLimiter({ capacity: 1e9, refillPerSecond: 1e9 }, Date.now), blocks: new RateLimiter({ capacity: 1e12, refillPerSecond: 1e12 }, Date.now), snapshots: new RateLimiter({ capacity: 1e9, refillPerSecond: 1e9 }, Date.now) };
  return new ReqResp(
    { requestTimeoutMs: 1_000, maxBlockBytes: Number(rich.chain.params.maxBlockBytes) },
    { host: h, chain: rich.chain, names: protocolNames(rich.chain.params.chainId), logger, localStatus, onStatus, limits },
  );
}

beforeAll(async () => {
  rich = await openRichChain();
});

afterAll(async () => {
  for (const h of hosts) await Promise.resolve(h.stop()).catch(() => undefined);
  await rich?.close();
  if (results.length > 0) writeReport('fuzz-req-resp', { exchangesPerDirection: CASES, seed, targets: results });
});

/** A length-prefixed view of a stream, and a raw one (its length encoder writes nothing). */
const framed = (stream: Stream) => lpStream(stream, { maxDataLength: 32 * 1024 * 1024 });
const raw = (stream: Stream) => lpStream(stream, { lengthEncoder: () => new Uint8Array(0) });

describe(`sync protocols under fuzz (${CASES} exchanges each way)`, () => {
  it('as a server: garbage requests are answered or dropped, failures are typed, the node still serves', async () => {
    const rng = new Rng(seed + 201);
    const server = await host();
    const logger = pino({ level: 'debug' }, { write: (line: string) => void serverLog.push(JSON.parse(line) as (typeof serverLog)[number]) });
    let statuses = 0;
    const rr = reqResp(server, logger, () => void statuses++);
    await rr.start();
    await server.start();
    const client = await host();
    await client.start();
    await client.dial(server.getMultiaddrs()[0]!);
    const names = protocolNames(rich.chain.params.chainId);
    const before = { head: toHex(rich.chain.head.hash), root: toHex(rich.chain.head.header.stateRoot) };
    const corpus = [
      encodeStatus(localStatus()),
      encodeRangeRequest({ startHeight: 1n, count: 3n }),
      encodeRangeRequest({ startHeight: 0n, count: 64n }),
      encodeRangeRequest({ startHeight: 2n ** 64n - 2n, count: 64n }),
    ];
    const stats = newStats('req-resp server (status, blocks-by-range)');
    const answers: Record<string, number> = {};
    const started = performance.now();
    for (let i = 0; i < CASES; i++) {
      const protocol = rng.chance(0.5) ? names.status : names.blocksByRange;
      const input = fuzzInput(rng, corpus).bytes;
      try {
        const stream = await client.dialProtocol(server.peerId, protocol, { signal: AbortSignal.timeout(3_000) });
        const behaviour = rng.int(6);
        if (behaviour === 0) await raw(stream).write(input);
        else if (behaviour === 1) await raw(stream).write(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x0f, ...input.subarray(0, 8)));
        else if (behaviour === 2) await framed(stream).writeV([input, input]);
        else if (behaviour !== 3) await framed(stream).write(input);
        await stream.closeWrite().catch(() => undefined);
        // Read whatever comes back (an answer header and blocks, a status, or the stream's end).
        const lp = framed(stream);
        let answer = 'closed';
        try {
          const first = (await lp.read({ signal: AbortSignal.timeout(2_000) })).subarray();
          if (protocol === names.status) {
            decodeStatus(first);
            answer = 'status';
          } else {
            const header = decodeResponseHeader(first);
            answer = header.code;
            for (let b = 0n; b < header.count; b++) decodeBlock((await lp.read({ signal: AbortSignal.timeout(2_000) })).subarray());
          }
        } catch {
          // An aborted or closed stream is a fine answer to garbage.
        }
        answers[answer] = (answers[answer] ?? 0) + 1;
        await stream.close().catch(() => stream.abort(new Error('done')));
        if (answer === 'ok' || answer === 'status') record(stats, input, { ok: true }, () => null);
        else refuse(stats, `answer:${answer}`);
      } catch (error) {
        record(stats, input, { ok: false, error }, () => null);
      }
    }
    stats.ms = Math.round(performance.now() - started);
    // What the handlers logged as failed requests: typed errors, or the stream's own errors.
    const failures = serverLog.filter((l) => l.msg === 'request from peer failed');
    const kinds: Record<string, number> = {};
    for (const f of failures) {
      const kind = f.err?.code ?? f.err?.type ?? 'unknown';
      kinds[kind] = (kinds[kind] ?? 0) + 1;
    }
    Object.assign(stats.byCode, Object.fromEntries(Object.entries(kinds).map(([k, v]) => [`server-failure:${k}`, v])));
    results.push(stats);
    expect(stats.failures).toEqual([]);
    expect(failures.filter((f) => PROGRAMMING_ERRORS.includes(f.err?.type ?? '')).map((f) => f.err)).toEqual([]);
    expect({ head: toHex(rich.chain.head.hash), root: toHex(rich.chain.head.header.stateRoot) }).toEqual(before);

    // A well-formed request is still served: blocks 1..3 of the chain, as a peer would ask.
    const honest = reqResp(client, pino({ level: 'silent' }));
    const blocks = await honest.blocksByRange(server.peerId, { startHeight: 1n, count: 3n });
    expect(blocks.map((b) => toHex(b.hash))).toEqual(rich.blocks.slice(0, 3).map((b) => toHex(b.hash)));
    expect((await honest.status(server.peerId)).headHeight).toBe(rich.chain.head.header.height);
  });

  it('as a client: garbage answers give a valid result or a typed NetworkError', async () => {
    const rng = new Rng(seed + 202);
    const evil = await host();
    const names = protocolNames(rich.chain.params.chainId);
    const blocks = rich.blocks.map((b) => b.bytes);
    const okHeader = (count: bigint) => encodeResponseHeader({ code: 'ok', message: '', count });
    const headers = [okHeader(0n), okHeader(1n), okHeader(3n), okHeader(64n), encodeResponseHeader({ code: 'rate-limited', message: 'slow down', count: 0n })];
    const statusCorpus = [encodeStatus(localStatus())];
    let respond: (stream: Stream) => Promise<void> = async () => undefined;
    const serve = ({ stream }: { stream: Stream }): void => {
      void (async () => {
        try {
          await framed(stream).read({ signal: AbortSignal.timeout(2_000) });
          await respond(stream);
          await stream.close();
        } catch {
          stream.abort(new Error('evil server done'));
        }
      })();
    };
    await evil.handle(names.status, serve);
    await evil.handle(names.blocksByRange, serve);
    await evil.start();
    const me = await host();
    await me.start();
    await me.dial(evil.getMultiaddrs()[0]!);
    const client = reqResp(me, pino({ level: 'silent' }));
    const target: PeerId = evil.peerId;

    const stats = newStats('req-resp client (status, blocks-by-range)');
    const outcomes: Record<string, number> = {};
    const started = performance.now();
    for (let i = 0; i < CASES; i++) {
      const asksStatus = rng.chance(0.3);
      const count = BigInt(1 + rng.int(8));
      const behaviour = rng.int(8);
      const frames: Uint8Array[] = [];
      let rawBytes: Uint8Array | null = null;
      if (asksStatus) {
        frames.push(fuzzInput(rng, statusCorpus).bytes);
      } else if (behaviour === 0) {
        rawBytes = fuzzInput(rng, headers).bytes;
      } else if (behaviour === 1) {
        // A fine header announcing more blocks than asked for, then real blocks.
        frames.push(okHeader(count + BigInt(1 + rng.int(3))), ...blocks.slice(0, Number(count) + 1));
      } else if (behaviour === 2) {
        // Real blocks, out of order or not linked.
        const shuffled = [...blocks].sort(() => rng.next() - 0.5).slice(0, Number(count));
        frames.push(okHeader(BigInt(shuffled.length)), ...shuffled);
      } else if (behaviour === 3) {
        frames.push(okHeader(count)); // and then nothing: the client's read times out or sees the end
      } else {
        frames.push(rng.chance(0.7) ? rng.pick(headers) : fuzzInput(rng, headers).bytes);
        for (let b = 0; b < 1 + rng.int(4); b++) frames.push(rng.chance(0.5) ? mutateBytes(rng, rng.pick(blocks), blocks) : rng.pick(blocks));
      }
      respond = async (stream) => {
        if (rawBytes !== null) await raw(stream).write(rawBytes);
        else if (frames.length > 0) await framed(stream).writeV(frames);
      };
      const input = rawBytes ?? frames[0] ?? new Uint8Array(0);
      try {
        if (asksStatus) {
          await client.status(target);
        } else {
          const got = await client.blocksByRange(target, { startHeight: 1n, count });
          // What the client accepts is a chain: consecutive heights from 1, each linked to the last.
          if (BigInt(got.length) > count) throw new Error(`accepted ${got.length} blocks for a request of ${count}`);
          for (const [j, b] of got.entries()) {
            if (b.header.height !== BigInt(j + 1)) throw new Error(`accepted block ${b.header.height} at position ${j}`);
            if (j > 0 && toHex(b.header.parentHash) !== toHex(got[j - 1]!.hash)) throw new Error('accepted blocks that do not link');
          }
        }
        outcomes.ok = (outcomes.ok ?? 0) + 1;
        record(stats, input, { ok: true }, () => null);
      } catch (error) {
        const typed = error instanceof NetworkError ? error : null;
        const cause = typed === null ? null : (typed as { cause?: unknown }).cause;
        const causeName = cause instanceof Error ? cause.constructor.name : null;
        const ok = typed !== null && !PROGRAMMING_ERRORS.includes(causeName ?? '') && !(cause instanceof Error && !(cause instanceof ChainError) && PROGRAMMING_ERRORS.includes(cause.name));
        const key = typed === null ? 'untyped' : `${typed.code}${causeName === null ? '' : `(${causeName})`}`;
        outcomes[key] = (outcomes[key] ?? 0) + 1;
        record(stats, input, { ok: false, error }, () => (ok ? key : null));
      }
    }
    stats.ms = Math.round(performance.now() - started);
    stats.byCode.ok = outcomes.ok ?? 0;
    results.push(stats);
    expect(stats.failures).toEqual([]);
  });
});
