/**
 * The fuzzing toolkit of the reliability suites: inputs from three sources, mixed per case:
 * - random bytes (mostly short, sometimes long), often starting with a msgpack array header;
 * - byte-level mutations of valid samples (bit flips, msgpack marker bytes, big-endian edge
 *   integers, inserts, deletes, truncation, duplicated ranges, splices from other samples);
 * - structural mutations: a valid sample is unpacked, a random node of its tree is replaced,
 *   dropped, duplicated or retyped (maps, negative and huge integers, floats, ext types, prototype
 *   names, over-long strings) and packed again with a general msgpack encoder.
 * `runFuzz` runs one target for N cases and sorts every outcome: accepted, refused with a typed
 * error (by code), or a failure (anything else thrown, or a check on an accepted value failing).
 */
import { Packr } from 'msgpackr';
import { pack } from '../../../src/chain/codec/msgpack.ts';
import { OPERATION_TYPES } from '../../../src/chain/codec/tx.ts';
import type { Rng } from '../support/rng.ts';

/** The node's own decoder settings, so a structural mutation starts from what the node would see. */
const reader = new Packr({ useRecords: false, int64AsType: 'bigint', mapsAsObjects: false, moreTypes: false } as ConstructorParameters<typeof Packr>[0]);
/** A general encoder: writes what the canonical one never does (maps, negatives, floats, non-minimal forms). */
const writer = new Packr({ useRecords: false, useBigIntExtension: false, largeBigIntToFloat: false, moreTypes: true } as ConstructorParameters<typeof Packr>[0]);

const MSGPACK_MARKERS = [
  0x00, 0x01, 0x7f, 0x80, 0x8f, 0x90, 0x91, 0x92, 0x93, 0x95, 0x98, 0x9f, 0xa0, 0xa1, 0xbf, 0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6,
  0xc7, 0xc8, 0xc9, 0xca, 0xcb, 0xcc, 0xcd, 0xce, 0xcf, 0xd0, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xdb,
  0xdc, 0xdd, 0xde, 0xdf, 0xe0, 0xff,
];

const EDGE_INTS: readonly number[] = [0, 1, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff];

const STRINGS = [
  '', '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', ...OPERATION_TYPES, 'dchat-test',
  'x'.repeat(65), 'y'.repeat(257), 'é☕'.repeat(40), '\u0000', '\ud800', '00000000-0000-0000-0000-000000000000', 'ok', 'bad-request',
  'rate-limited', 'account:', 'pool:', 'meta:head', 'mint', 'burn', 'distribution', 'inflation', 'genesis', 'voluntary',
];

export function randomBytes(rng: Rng): Uint8Array {
  const roll = rng.next();
  const length = roll < 0.6 ? rng.int(40) : roll < 0.9 ? rng.int(400) : rng.int(5_000);
  const bytes = rng.bytes(length);
  // Often a plausible msgpack start, so decoding goes deeper than the first byte.
  if (length > 0 && rng.chance(0.5)) bytes[0] = rng.pick([0x92, 0x93, 0x95, 0x98, 0x9f, 0xdc, 0xdd, 0x91]);
  return bytes;
}

function randomScalar(rng: Rng): unknown {
  switch (rng.int(14)) {
    case 0: return null;
    case 1: return rng.chance(0.5);
    case 2: return rng.int(300);
    case 3: return -rng.range(1, 2 ** 31);
    case 4: return rng.u64();
    case 5: return -rng.u64() - 1n;
    case 6: return rng.next() * 1e6;
    case 7: return rng.pick([Number.NaN, Number.POSITIVE_INFINITY, -0, 2 ** 53 + 2, 1.5]);
    case 8: return rng.pick(STRINGS);
    case 9: return Buffer.from(rng.bytes(rng.pick([0, 1, 16, 31, 32, 33, 63, 64, 65, rng.int(100)]))).toString('utf8');
    case 10: return rng.bytes(rng.pick([0, 1, 16, 31, 32, 33, 63, 64, 65, rng.int(100)]));
    case 11: return new Date(rng.int(2 ** 40));
    case 12: return undefined;
    default: return rng.pick(EDGE_INTS);
  }
}

export function randomValue(rng: Rng, depth = 0): unknown {
  const roll = rng.int(10);
  if (depth > 3 || roll < 5) return randomScalar(rng);
  if (roll < 8) return Array.from({ length: rng.int(10) }, () => randomValue(rng, depth + 1));
  if (roll < 9) return new Map(Array.from({ length: rng.int(4) }, () => [randomScalar(rng), randomValue(rng, depth + 1)] as const));
  return Object.fromEntries(Array.from({ length: rng.int(4) }, () => [String(rng.pick(STRINGS)), randomValue(rng, depth + 1)]));
}

/** Packs with the general encoder; falls back to the canonical one or raw bytes if it cannot. */
export function packAny(value: unknown): Uint8Array {
  try {
    return writer.pack(value);
  } catch {
    try {
      return pack(value);
    } catch {
      return new Uint8Array([0xc1]);
    }
  }
}

function writeBigEndian(bytes: Uint8Array, at: number, width: number, value: number): void {
  for (let i = width - 1; i >= 0 && at + i < bytes.length; i--) {
    if (at + i >= 0) bytes[at + i] = value & 0xff;
    value = Math.floor(value / 256);
  }
}

/** 1-4 byte-level edits of `sample` (never returned unchanged when it can be changed). */
export function mutateBytes(rng: Rng, sample: Uint8Array, corpus: readonly Uint8Array[]): Uint8Array {
  let out: Uint8Array = Uint8Array.from(sample);
  const edits = 1 + rng.int(4);
  for (let e = 0; e < edits; e++) {
    const at = rng.int(Math.max(1, out.length));
    switch (rng.int(11)) {
      case 0:
        if (out.length > 0) out[at] = out[at]! ^ (1 << rng.int(8));
        break;
      case 1:
        if (out.length > 0) out[at] = rng.int(256);
        break;
      case 2:
        if (out.length > 0) out[at] = rng.pick(MSGPACK_MARKERS);
        break;
      case 3:
        writeBigEndian(out, at, rng.pick([1, 2, 4, 8]), rng.pick(EDGE_INTS));
        break;
      case 4: {
        const insert = rng.chance(0.5) ? rng.bytes(1 + rng.int(8)) : Uint8Array.of(rng.pick(MSGPACK_MARKERS));
        out = concat(out.subarray(0, at), insert, out.subarray(at));
        break;
      }
      case 5:
        out = concat(out.subarray(0, at), out.subarray(Math.min(out.length, at + 1 + rng.int(16))));
        break;
      case 6:
        out = out.subarray(0, at);
        break;
      case 7: {
        const end = Math.min(out.length, at + 1 + rng.int(64));
        out = concat(out.subarray(0, end), out.subarray(at, end), out.subarray(end));
        break;
      }
      case 8: {
        const other = rng.pick(corpus);
        const from = rng.int(Math.max(1, other.length));
        out = concat(out.subarray(0, at), other.subarray(from, from + 1 + rng.int(64)), out.subarray(at + rng.int(16)));
        break;
      }
      case 9:
        out = concat(out, rng.bytes(1 + rng.int(16)));
        break;
      default:
        // Swap two bytes.
        if (out.length > 1) {
          const other = rng.int(out.length);
          const t = out[at]!;
          out[at] = out[other]!;
          out[other] = t;
        }
    }
  }
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Unpacks `sample`, changes one node of its tree, and packs it again (canonically or not). */
export function mutateStructure(rng: Rng, sample: Uint8Array): Uint8Array {
  let tree: unknown;
  try {
    tree = reader.unpack(sample);
  } catch {
    return mutateBytes(rng, sample, [sample]);
  }
  // Walk to a random array (the canonical encoding is all arrays) and edit one element.
  let parent: unknown[] | null = null;
  let node: unknown = tree;
  for (let depth = 0; depth < 6 && Array.isArray(node) && node.length > 0; depth++) {
    if (depth > 0 && rng.chance(0.3)) break;
    parent = node;
    node = node[rng.int(node.length)];
  }
  const target = parent ?? (Array.isArray(tree) ? tree : null);
  if (target === null) return packAny(randomValue(rng));
  const i = rng.int(Math.max(1, target.length));
  switch (rng.int(7)) {
    case 0: target[i] = randomScalar(rng); break;
    case 1: target[i] = randomValue(rng, 2); break;
    case 2: target.splice(i, 1); break;
    case 3: target.splice(i, 0, target[i] ?? randomScalar(rng)); break;
    case 4: target.push(randomScalar(rng)); break;
    case 5: {
      // Same value, other type: a number as a bigint or string, bytes as a string, ...
      const v = target[i];
      target[i] = typeof v === 'bigint' ? (rng.chance(0.5) ? Number(v) : String(v)) : typeof v === 'number' ? BigInt(Math.trunc(v)) : v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : typeof v === 'string' ? Buffer.from(v) : [v];
      break;
    }
    default: target[i] = new Map([[rng.int(8), target[i]]]);
  }
  return rng.chance(0.5) ? packAny(tree) : (() => {
    try {
      return pack(tree);
    } catch {
      return packAny(tree);
    }
  })();
}

/** One fuzz input: random bytes, a byte mutation or a structural mutation of a corpus sample. */
export function fuzzInput(rng: Rng, corpus: readonly Uint8Array[]): { kind: 'random' | 'bytes' | 'structure' | 'value'; bytes: Uint8Array } {
  const roll = rng.next();
  if (roll < 0.2 || corpus.length === 0) return { kind: 'random', bytes: randomBytes(rng) };
  if (roll < 0.3) return { kind: 'value', bytes: packAny(randomValue(rng)) };
  const sample = rng.pick(corpus);
  if (roll < 0.7) return { kind: 'bytes', bytes: mutateBytes(rng, sample, corpus) };
  return { kind: 'structure', bytes: mutateStructure(rng, sample) };
}

export interface FuzzFailure {
  readonly case: number;
  readonly input: string;
  readonly error: string;
}

export interface FuzzStats {
  readonly target: string;
  cases: number;
  accepted: number;
  refused: number;
  /** Cases that threw something untyped or failed a check: must stay 0. */
  failed: number;
  readonly byCode: Record<string, number>;
  readonly failures: FuzzFailure[];
  ms: number;
}

export function newStats(target: string): FuzzStats {
  return { target, cases: 0, accepted: 0, refused: 0, failed: 0, byCode: {}, failures: [], ms: 0 };
}

/**
 * Records one outcome. `typedCode` returns the code of an error the target may throw, or null for
 * an error it must never throw (which becomes a failure, with the input's hex).
 */
export function record(stats: FuzzStats, input: Uint8Array | string, outcome: { ok: true } | { ok: false; error: unknown }, typedCode: (err: unknown) => string | null): void {
  stats.cases++;
  if (outcome.ok) {
    stats.accepted++;
    return;
  }
  const code = typedCode(outcome.error);
  if (code !== null) {
    stats.refused++;
    stats.byCode[code] = (stats.byCode[code] ?? 0) + 1;
    return;
  }
  stats.failed++;
  if (stats.failures.length < 20) {
    const err = outcome.error;
    stats.failures.push({
      case: stats.cases,
      input: typeof input === 'string' ? input.slice(0, 2_000) : Buffer.from(input.subarray(0, 1_000)).toString('hex'),
      error: err instanceof Error ? `${err.constructor.name}: ${err.message}\n${err.stack?.split('\n').slice(1, 4).join('\n')}` : String(err),
    });
  }
}

/** Records one case refused with a typed error (or verdict, status, exit code) named `code`. */
export function refuse(stats: FuzzStats, code: string): void {
  stats.cases++;
  stats.refused++;
  stats.byCode[code] = (stats.byCode[code] ?? 0) + 1;
}

/** Runs `cases` synchronous cases of one target. */
export function runFuzz(
  target: string,
  cases: number,
  rng: Rng,
  corpus: readonly Uint8Array[],
  attempt: (bytes: Uint8Array) => void,
  typedCode: (err: unknown) => string | null,
): FuzzStats {
  const stats = newStats(target);
  const started = performance.now();
  for (let i = 0; i < cases; i++) {
    const { bytes } = fuzzInput(rng, corpus);
    try {
      attempt(bytes);
      record(stats, bytes, { ok: true }, typedCode);
    } catch (error) {
      record(stats, bytes, { ok: false, error }, typedCode);
    }
  }
  stats.ms = Math.round(performance.now() - started);
  return stats;
}

export const FUZZ_CASES_DEFAULT = 2_000;
