/**
 * Transactions on the wire (docs/protocol.md §2, §13.7): every operation type round-trips through its signed
 * encoding; tampered, foreign, non-canonical, oversize and random bytes are refused with a
 * ChainError and nothing else.
 */
import fc from 'fast-check';
import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { pack, unpack } from '../../../../src/chain/codec/msgpack.ts';
import {
  MAX_TX_BYTES,
  OPERATION_TYPES,
  type SignedTx,
  type UnsignedTx,
  decodeSignedTx,
  encodeUnsignedTx,
  signTx,
  toTxInput,
  txHash,
  verifyTx,
} from '../../../../src/chain/codec/tx.ts';
import { sha256 } from '../../../../src/chain/crypto.ts';
import { ChainError, ChainErrorCode } from '../../../../src/chain/errors.ts';
import type { Operation, OperationType } from '../../../../src/tokenomics/index.ts';
import {
  CHAIN_ID,
  OTHER,
  SAMPLES,
  SIGNER,
  U64_EDGES,
  chainErrorCode,
  flipByte,
  hex,
  mp,
  outcomeOf,
  payloadInDeclarationOrder,
  uuidBytes,
  variantsOf,
  expectCanonicalTx,
} from './codec-fixture.ts';

const unsigned = (op: Operation, nonce = 5n, chainId = CHAIN_ID, signer = SIGNER.hex): UnsignedTx => ({ chainId, signer, nonce, op });
const sign = (op: Operation, nonce = 5n, chainId = CHAIN_ID): SignedTx => signTx(unsigned(op, nonce, chainId), SIGNER.secretKey);

/** A general-purpose msgpack encoder, as a peer might use: floats, ints of every width, maps. */
const hostile = new Packr({ useRecords: false, mapsAsObjects: false } as ConstructorParameters<typeof Packr>[0]);

function float64Hex(x: number): string {
  const b = Buffer.alloc(8);
  b.writeDoubleBE(x);
  return b.toString('hex');
}

/** Decoded msgpack data in a comparable form: integers as bigint, binaries as hex. */
function normalize(v: unknown): unknown {
  if (typeof v === 'number') return BigInt(v);
  if (v instanceof Uint8Array) return `bin:${hex(v)}`;
  if (Array.isArray(v)) return v.map(normalize);
  return v;
}

describe('OPERATION_TYPES', () => {
  it('has a sample for every operation type, and nothing else', () => {
    expect([...OPERATION_TYPES].sort()).toEqual(Object.keys(SAMPLES).sort());
    expect(OPERATION_TYPES.length).toBeGreaterThanOrEqual(13);
  });
});

describe.each(OPERATION_TYPES.map((type) => [type] as [OperationType]))('%s', (type) => {
  const variants = variantsOf(type);

  it('round-trips: decode(sign(tx)) is the same tx, hash, signature and bytes; verifyTx passes', () => {
    for (const { name, op } of variants) {
      for (const nonce of [0n, 5n, ...U64_EDGES.slice(1)]) {
        const signed = sign(op, nonce);
        const decoded = decodeSignedTx(signed.bytes);
        expect(decoded.tx, `${name}, nonce ${nonce}`).toEqual(signed.tx);
        expect(decoded.tx.op.type).toBe(type);
        expect(hex(decoded.hash)).toBe(hex(signed.hash));
        expect(hex(decoded.signature)).toBe(hex(signed.signature));
        expect(hex(decoded.bytes)).toBe(hex(signed.bytes));
        expect(() => verifyTx(decoded, CHAIN_ID)).not.toThrow();
        expect(toTxInput(decoded)).toEqual({ hash: hex(signed.hash), signer: SIGNER.hex, nonce, op });
      }
    }
  });

  it('hashes the unsigned encoding [chain_id, type, signer, nonce, payload], payload fields in declaration order', () => {
    for (const { name, op } of variants) {
      const signed = sign(op, 7n);
      const bytes = encodeUnsignedTx(signed.tx);
      expect(hex(signed.hash)).toBe(hex(sha256(bytes)));
      expect(hex(txHash(signed.tx))).toBe(hex(signed.hash));
      const raw = unpack(bytes, 'test');
      expect(normalize(raw), name).toEqual(normalize([CHAIN_ID, type, SIGNER.publicKey, 7n, payloadInDeclarationOrder(op)]));
      // The signed form is [unsigned, signature], its first element byte-identical to the unsigned encoding.
      expect(hex(signed.bytes)).toBe(`92${hex(bytes)}c440${hex(signed.signature)}`);
    }
  });

  it('matches an independent docs/protocol.md §2 msgpack writer byte for byte', () => {
    for (const { name, op } of variants) {
      const expected = mp([CHAIN_ID, type, SIGNER.publicKey, 7n, payloadInDeclarationOrder(op)]);
      expect(hex(encodeUnsignedTx(unsigned(op, 7n))), name).toBe(expected);
    }
  });

  it('refuses every single-byte flip: MalformedBytes on decode, or InvalidSignature / WrongChainId on verify', () => {
    // The last sample (nullable fields set), except the 64-key set-authority: its 2-key sample suffices.
    const samples = SAMPLES[type] as Operation[];
    const signed = sign((type === 'set-authority' ? samples[1] : samples[samples.length - 1])!, 2n ** 32n);
    const seen = new Set<string>();
    for (let i = 0; i < signed.bytes.length; i++) {
      for (const mask of [0x01, 0xff]) {
        const tampered = flipByte(signed.bytes, i, mask);
        let decoded: SignedTx;
        try {
          decoded = decodeSignedTx(tampered);
        } catch (err) {
          expect(err, `byte ${i} ^ ${mask}`).toBeInstanceOf(ChainError);
          expect((err as ChainError).code).toBe(ChainErrorCode.MalformedBytes);
          seen.add('decode:MalformedBytes');
          continue;
        }
        const code = chainErrorCode(() => verifyTx(decoded, CHAIN_ID));
        expect([ChainErrorCode.InvalidSignature, ChainErrorCode.WrongChainId], `byte ${i} ^ ${mask}`).toContain(code);
        seen.add(`verify:${code}`);
        // Even on the chain it names, the signature does not verify.
        expect(chainErrorCode(() => verifyTx(decoded, decoded.tx.chainId))).toBe(ChainErrorCode.InvalidSignature);
      }
    }
    expect(seen.has('decode:MalformedBytes')).toBe(true);
    expect(seen.has(`verify:${ChainErrorCode.InvalidSignature}`)).toBe(true);
  });
});

describe('signature and chain id (verifyTx)', () => {
  const op = SAMPLES.transfer[0]!;

  it('refuses a signature made by another key', () => {
    const forged = signTx(unsigned(op), OTHER.secretKey); // claims SIGNER, signed by OTHER
    const decoded = decodeSignedTx(forged.bytes);
    expect(chainErrorCode(() => verifyTx(decoded, CHAIN_ID))).toBe(ChainErrorCode.InvalidSignature);
  });

  it('refuses a valid signature moved onto another signer key, or onto another tx', () => {
    const good = sign(op);
    const otherSigner = signTx(unsigned(op, 5n, CHAIN_ID, OTHER.hex), OTHER.secretKey);
    const swappedKey = { ...otherSigner, signature: good.signature };
    expect(chainErrorCode(() => verifyTx(swappedKey, CHAIN_ID))).toBe(ChainErrorCode.InvalidSignature);
    const otherTx = unpack(sign({ ...op, amount: op.amount + 1n }).bytes, 'test') as unknown[];
    const moved = decodeSignedTx(pack([otherTx[0], good.signature]));
    expect(chainErrorCode(() => verifyTx(moved, CHAIN_ID))).toBe(ChainErrorCode.InvalidSignature);
  });

  it('refuses an all-zero signature and a signature with a non-canonical S (S + L)', () => {
    const good = sign(op);
    expect(chainErrorCode(() => verifyTx({ ...good, signature: new Uint8Array(64) }, CHAIN_ID))).toBe(ChainErrorCode.InvalidSignature);
    // Malleability: S' = S + L verifies under lax ed25519 but not under RFC 8032 strict verification.
    const L = 2n ** 252n + 27742317777372353535851937790883648493n;
    const sLE = good.signature.slice(32);
    const s = BigInt(`0x${Buffer.from(sLE).reverse().toString('hex')}`);
    const s2 = Buffer.from((s + L).toString(16).padStart(64, '0'), 'hex').reverse();
    const malleated = Uint8Array.from([...good.signature.slice(0, 32), ...s2]);
    expect(chainErrorCode(() => verifyTx({ ...good, signature: malleated }, CHAIN_ID))).toBe(ChainErrorCode.InvalidSignature);
  });

  it('refuses a tx signed for another chain id with WrongChainId, whatever its signature', () => {
    const foreign = decodeSignedTx(sign(op, 5n, 'dchat-main').bytes);
    expect(() => verifyTx(foreign, 'dchat-main')).not.toThrow();
    expect(chainErrorCode(() => verifyTx(foreign, CHAIN_ID))).toBe(ChainErrorCode.WrongChainId);
    expect(chainErrorCode(() => verifyTx(foreign, 'dchat-test '))).toBe(ChainErrorCode.WrongChainId);
    expect(chainErrorCode(() => verifyTx(foreign, ''))).toBe(ChainErrorCode.WrongChainId);
  });

  it('a changed chain id changes the hash, so the old signature no longer verifies', () => {
    const a = sign(op, 5n, 'dchat-a');
    const b = { ...a, tx: { ...a.tx, chainId: 'dchat-b' }, hash: txHash({ ...a.tx, chainId: 'dchat-b' }) };
    expect(hex(a.hash)).not.toBe(hex(b.hash));
    expect(chainErrorCode(() => verifyTx(b, 'dchat-b'))).toBe(ChainErrorCode.InvalidSignature);
  });
});

describe('canonical encoding only', () => {
  // The nonce-5 transfer: 92 | 95 aa"dchat-test" a8"transfer" c420<key> 05 | 92 c410<to> cd03e8 | c440<sig>
  const op = SAMPLES.transfer[0]!;
  const signed = sign(op, 5n);
  const str = (s: string, head: string) => head + Buffer.from(s).toString('hex');
  const parts = {
    outer: '92',
    unsigned: '95',
    chain: str(CHAIN_ID, 'aa'),
    type: str('transfer', 'a8'),
    signer: `c420${SIGNER.hex}`,
    nonce: '05',
    payload: '92',
    to: `c410${hex(uuidBytes(op.to))}`,
    amount: 'cd03e8',
    extraPayload: '',
    extraUnsigned: '',
    signature: `c440${hex(signed.signature)}`,
    extraOuter: '',
    trailing: '',
  };
  type Parts = typeof parts;
  const build = (change: Partial<Parts>): Uint8Array => {
    const p = { ...parts, ...change };
    return Buffer.from(
      p.outer + p.unsigned + p.chain + p.type + p.signer + p.nonce + p.payload + p.to + p.amount + p.extraPayload + p.extraUnsigned + p.signature + p.extraOuter + p.trailing,
      'hex',
    );
  };

  it('the hand-assembled canonical bytes are exactly the signed bytes, and decode and verify', () => {
    expect(hex(build({}))).toBe(hex(signed.bytes));
    expect(() => verifyTx(decodeSignedTx(build({})), CHAIN_ID)).not.toThrow();
  });

  // Each of these decodes to the very same values as the valid tx, so its signature would verify:
  // only the byte-for-byte canonical check stands between them and a second encoding of one tx.
  const sameValue: [string, Partial<Parts>][] = [
    ['nonce 5 as uint 8', { nonce: 'cc05' }],
    ['nonce 5 as uint 16', { nonce: 'cd0005' }],
    ['nonce 5 as uint 32', { nonce: 'ce00000005' }],
    ['nonce 5 as uint 64', { nonce: 'cf0000000000000005' }],
    ['nonce 5 as int 8', { nonce: 'd005' }],
    ['nonce 5 as int 64', { nonce: 'd30000000000000005' }],
    ['nonce 5 as float 64', { nonce: 'cb4014000000000000' }],
    ['nonce 5 as float 32', { nonce: 'ca40a00000' }],
    ['amount 1000 as uint 32', { amount: 'ce000003e8' }],
    ['amount 1000 as uint 64', { amount: 'cf00000000000003e8' }],
    ['amount 1000 as int 16', { amount: 'd103e8' }],
    ['chain id as str 8', { chain: str(CHAIN_ID, 'd90a') }],
    ['chain id as str 16', { chain: str(CHAIN_ID, 'da000a') }],
    ['type as str 32', { type: str('transfer', 'db00000008') }],
    ['signer as bin 16', { signer: `c50020${SIGNER.hex}` }],
    ['signer as bin 32', { signer: `c600000020${SIGNER.hex}` }],
    ['outer array as array 16', { outer: 'dc0002' }],
    ['unsigned array as array 32', { unsigned: 'dd00000005' }],
    ['payload as array 16', { payload: 'dc0002' }],
  ];

  it.each(sameValue)('refuses %s (MalformedBytes)', (_name, change) => {
    const bytes = build(change);
    expect(hex(bytes)).not.toBe(hex(signed.bytes));
    expect(chainErrorCode(() => decodeSignedTx(bytes))).toBe(ChainErrorCode.MalformedBytes);
  });

  const wrongShape: [string, Partial<Parts>][] = [
    ['a trailing nil', { trailing: 'c0' }],
    ['a trailing zero byte', { trailing: '00' }],
    ['a second whole tx appended', { trailing: hex(signed.bytes) }],
    ['a map instead of the outer array', { outer: '82', unsigned: `0095`, signature: `01c440${hex(signed.signature)}` }],
    ['a map instead of the unsigned array', { unsigned: '8500', chain: `${str(CHAIN_ID, 'aa')}01`, type: `${str('transfer', 'a8')}02`, signer: `c420${SIGNER.hex}03`, nonce: '0504' }],
    ['a map instead of the payload array', { payload: '82a2746f', amount: `a6616d6f756e74cd03e8` }],
    ['a third element in the signed array', { outer: '93', extraOuter: 'c0' }],
    ['only the unsigned part', { outer: '91', signature: '' }],
    ['a sixth element in the unsigned array', { unsigned: '96', extraUnsigned: 'c0' }],
    ['no payload', { unsigned: '94', payload: '', to: '', amount: '' }],
    ['an extra payload field', { payload: '93', extraPayload: 'c0' }],
    ['a missing payload field', { payload: '91', amount: '' }],
    ['a nil recipient', { to: 'c0' }],
    ['a 15-byte recipient id', { to: `c40f${hex(uuidBytes(op.to)).slice(2)}` }],
    ['a 17-byte recipient id', { to: `c411${hex(uuidBytes(op.to))}00` }],
    ['the recipient id as a string', { to: str(op.to, 'd924') }],
    ['a 31-byte signer key', { signer: `c41f${SIGNER.hex.slice(2)}` }],
    ['a 63-byte signature', { signature: `c43f${hex(signed.signature).slice(2)}` }],
    ['a 65-byte signature', { signature: `c441${hex(signed.signature)}00` }],
    ['a nil signature', { signature: 'c0' }],
    ['a negative nonce', { nonce: 'ff' }],
    ['a negative amount', { amount: 'd1fc18' }],
    ['a fractional amount', { amount: 'cb408f440000000000' }],
    ['a boolean nonce', { nonce: 'c3' }],
    ['an unknown operation type', { type: str('transferx', 'a9') }],
    ['an operation type in upper case', { type: str('TRANSFER', 'a8') }],
    ['a chain id of 65 characters', { chain: str('d'.repeat(65), 'd941') }],
    ['a timestamp extension as the nonce', { nonce: 'd6ff00000005' }],
    ['the msgpack never-used byte 0xc1', { nonce: 'c1' }],
    ['a truncated encoding', { signature: `c440${hex(signed.signature).slice(0, 100)}` }],
  ];

  it.each(wrongShape)('refuses %s (MalformedBytes)', (_name, change) => {
    expect(chainErrorCode(() => decodeSignedTx(build(change)))).toBe(ChainErrorCode.MalformedBytes);
  });

  it('refuses empty bytes, non-bytes and a lone nil', () => {
    expect(chainErrorCode(() => decodeSignedTx(new Uint8Array(0)))).toBe(ChainErrorCode.MalformedBytes);
    expect(chainErrorCode(() => decodeSignedTx(Uint8Array.of(0xc0)))).toBe(ChainErrorCode.MalformedBytes);
    expect(chainErrorCode(() => decodeSignedTx('92' as unknown as Uint8Array))).toBe(ChainErrorCode.MalformedBytes);
  });

  it('refuses more than 64 authority keys and a string longer than its limit', () => {
    const tooMany = sign({ type: 'set-authority', keys: Array.from({ length: 65 }, (_, i) => (i + 1).toString(16).padStart(64, '0')) });
    expect(chainErrorCode(() => decodeSignedTx(tooMany.bytes))).toBe(ChainErrorCode.MalformedBytes);
    const longName = sign({ type: 'create-pool', name: 'x'.repeat(257), initialAmount: 1n, operator: null, autoReplenish: null });
    expect(chainErrorCode(() => decodeSignedTx(longName.bytes))).toBe(ChainErrorCode.MalformedBytes);
    const badReason = sign({ type: 'burn', amount: 1n, reason: 'r'.repeat(65), account: null });
    expect(chainErrorCode(() => decodeSignedTx(badReason.bytes))).toBe(ChainErrorCode.MalformedBytes);
  });

  it('refuses a payload of another operation type (same field count, wrong field kinds)', () => {
    // 'replenish-pool' is [pool_id, amount] like transfer's [to, amount]: the type tag decides the schema.
    const asStake = build({ type: str('stake', 'a5') }); // stake has one field
    expect(chainErrorCode(() => decodeSignedTx(asStake))).toBe(ChainErrorCode.MalformedBytes);
    const asReplenish = decodeSignedTx(build({ type: str('replenish-pool', 'ae') }));
    expect(asReplenish.tx.op).toEqual({ type: 'replenish-pool', poolId: op.to, amount: 1_000n });
    expect(chainErrorCode(() => verifyTx(asReplenish, CHAIN_ID))).toBe(ChainErrorCode.InvalidSignature);
  });
});

describe('size bound', () => {
  it('refuses more than MAX_TX_BYTES with TxTooLarge, before decoding', () => {
    expect(MAX_TX_BYTES).toBe(64 * 1024);
    expect(chainErrorCode(() => decodeSignedTx(new Uint8Array(MAX_TX_BYTES + 1)))).toBe(ChainErrorCode.TxTooLarge);
    const valid = sign(SAMPLES.transfer[0]!).bytes;
    const padded = new Uint8Array(MAX_TX_BYTES + 1);
    padded.set(valid);
    expect(chainErrorCode(() => decodeSignedTx(padded))).toBe(ChainErrorCode.TxTooLarge);
    // At the bound itself, the size is fine and the bytes are judged as bytes.
    expect(chainErrorCode(() => decodeSignedTx(new Uint8Array(MAX_TX_BYTES)))).toBe(ChainErrorCode.MalformedBytes);
  });

  it('refuses a well-formed but oversize signed tx (2,000 authority keys) with TxTooLarge', () => {
    const huge = sign({ type: 'set-authority', keys: Array.from({ length: 2_000 }, (_, i) => (i + 1).toString(16).padStart(64, '0')) });
    expect(huge.bytes.length).toBeGreaterThan(MAX_TX_BYTES);
    expect(chainErrorCode(() => decodeSignedTx(huge.bytes))).toBe(ChainErrorCode.TxTooLarge);
  });
});

describe('untrusted bytes throw ChainError and nothing else (fuzz)', () => {
  const reference = OPERATION_TYPES.map((type) => sign(variantsOf(type)[0]!.op, 3n));
  const expectOnlyChainError = (bytes: Uint8Array): void => {
    let decoded: SignedTx;
    try {
      decoded = decodeSignedTx(bytes);
    } catch (err) {
      if (!(err instanceof ChainError)) throw new Error(`non-ChainError for ${hex(bytes)}: ${String(err)}`);
      expect([ChainErrorCode.MalformedBytes, ChainErrorCode.TxTooLarge]).toContain(err.code);
      return;
    }
    // Whatever decodes is canonical: encoding its values again gives the input and its hash.
    expectCanonicalTx(decoded, bytes);
  };

  it('random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => expectOnlyChainError(bytes)), { numRuns: 3_000, seed: 7 });
  });

  it('random bytes behind a plausible [[...5 items], sig] prefix', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (tail) => expectOnlyChainError(Uint8Array.from([0x92, 0x95, ...tail]))),
      { numRuns: 1_500, seed: 11 },
    );
  });

  it('valid txs with random byte edits, insertions and deletions: refused, or decoded and then refused by verifyTx', () => {
    const edit = fc.record({ at: fc.nat(), kind: fc.constantFrom('set', 'insert', 'delete'), byte: fc.integer({ min: 0, max: 255 }) });
    fc.assert(
      fc.property(fc.nat({ max: reference.length - 1 }), fc.array(edit, { minLength: 1, maxLength: 4 }), (which, edits) => {
        const bytes = [...reference[which]!.bytes];
        for (const e of edits) {
          const at = e.at % (bytes.length + 1);
          if (e.kind === 'set') bytes[at % bytes.length] = e.byte;
          else if (e.kind === 'insert') bytes.splice(at, 0, e.byte);
          else bytes.splice(at % bytes.length, 1);
        }
        const mutated = Uint8Array.from(bytes);
        if (hex(mutated) === hex(reference[which]!.bytes)) return;
        const outcome = outcomeOf(() => verifyTx(decodeSignedTx(mutated), CHAIN_ID));
        expect([ChainErrorCode.MalformedBytes, ChainErrorCode.InvalidSignature, ChainErrorCode.WrongChainId]).toContain(outcome);
      }),
      { numRuns: 2_000, seed: 13 },
    );
  });

  // Anything msgpack can carry, written by a general-purpose encoder (msgpackr): floats, negative
  // and 64-bit integers in any form, maps, prototype property names as strings.
  const leaf = fc.oneof(
    fc.constant(null),
    fc.boolean(),
    fc.integer({ min: -1_000, max: 100_000 }),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }),
    fc.double(),
    fc.string({ maxLength: 40 }),
    fc.constantFrom(...Object.getOwnPropertyNames(Object.prototype)),
    fc.constantFrom(...OPERATION_TYPES, CHAIN_ID),
    fc.uint8Array({ maxLength: 70 }),
    fc.constantFrom(new Uint8Array(16), new Uint8Array(32), new Uint8Array(64)),
  );
  const value = fc.letrec<{ v: unknown }>((tie) => ({
    v: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.array(tie('v'), { maxLength: 6 }),
      fc.array(fc.tuple(leaf, tie('v')), { maxLength: 3 }).map((entries) => new Map(entries)),
    ),
  })).v;

  it('valid tx structures with one element replaced by an arbitrary msgpack value', () => {
    fc.assert(
      fc.property(fc.nat({ max: reference.length - 1 }), fc.array(fc.nat(), { minLength: 1, maxLength: 3 }), value, (which, path, replacement) => {
        const raw = unpack(reference[which]!.bytes, 'ref') as unknown[];
        // Walk down `path` through arrays, replacing the element reached.
        let parent: unknown[] = raw;
        for (let depth = 0; ; depth++) {
          const index = path[depth]! % parent.length;
          const child = parent[index];
          if (depth + 1 < path.length && Array.isArray(child) && child.length > 0) parent = child;
          else {
            parent[index] = replacement;
            break;
          }
        }
        let bytes: Uint8Array;
        try {
          bytes = hostile.pack(raw);
        } catch {
          return; // not encodable at all: nothing to send
        }
        const outcome = outcomeOf(() => verifyTx(decodeSignedTx(bytes), CHAIN_ID));
        expect(['ok', ChainErrorCode.MalformedBytes, ChainErrorCode.InvalidSignature, ChainErrorCode.WrongChainId]).toContain(outcome);
        if (outcome === 'ok') expect(hex(bytes)).toBe(hex(reference[which]!.bytes));
      }),
      { numRuns: 2_000, seed: 17 },
    );
  });

  it('decoding hostile bytes leaves the encoder unchanged (same bytes for the same tx afterwards)', () => {
    for (const ref of reference) expect(hex(signTx(ref.tx, SIGNER.secretKey).bytes)).toBe(hex(ref.bytes));
  });
});

describe('regressions: hostile type tags and u64 forms', () => {
  const op = SAMPLES.transfer[0]!;
  const good = sign(op, 5n);
  const raw = unpack(good.bytes, 'ref') as [unknown[], Uint8Array];

  // Was a TypeError: `type in PAYLOADS` accepted names inherited from Object.prototype.
  it.each(['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf'])('the type tag %j is refused with MalformedBytes', (type) => {
    const bytes = hostile.pack([[raw[0][0], type, raw[0][2], raw[0][3], raw[0][4]], raw[1]]);
    expect(chainErrorCode(() => decodeSignedTx(bytes))).toBe(ChainErrorCode.MalformedBytes);
  });

  // Was a TypeError: the error message used JSON.stringify on a bigint type tag.
  it.each([
    ['int 64 zero', 'd30000000000000000'],
    ['uint 64 2^63', 'cf8000000000000000'],
    ['[int 64 zero]', '91d30000000000000000'],
  ])('the type tag %s is refused with MalformedBytes', (_name, typeHex) => {
    const bytes = Buffer.from(hex(good.bytes).replace(`a8${Buffer.from('transfer').toString('hex')}`, typeHex), 'hex');
    expect(chainErrorCode(() => decodeSignedTx(bytes))).toBe(ChainErrorCode.MalformedBytes);
  });

  // Was a RangeError: a float >= 2^64 passed u64.dec and broke the canonical re-encoding.
  it.each([
    ['float 64 2^64', `cb${float64Hex(2 ** 64)}`],
    ['float 64 1e300', `cb${float64Hex(1e300)}`],
    ['float 64 2^53 + 2', `cb${float64Hex(2 ** 53 + 2)}`],
    ['float 32 2^64', 'ca5f800000'],
    ['float 64 NaN', `cb${float64Hex(Number.NaN)}`],
    ['float 64 -0', `cb${float64Hex(-0)}`],
  ])('a nonce encoded as %s is refused with MalformedBytes', (_name, nonceHex) => {
    const bytes = Buffer.from(hex(good.bytes).replace(`c420${SIGNER.hex}05`, `c420${SIGNER.hex}${nonceHex}`), 'hex');
    expect(chainErrorCode(() => decodeSignedTx(bytes))).toBe(ChainErrorCode.MalformedBytes);
  });

  // docs/protocol.md §1.1 (amounts and heights as msgpack unsigned integers): 2^32 ..= 2^63-1 used to go out as
  // msgpack int 64 (0xd3); they are uint 64 (0xcf), and the int 64 form is refused.
  it.each([
    [2n ** 32n, 'cf0000000100000000', 'd30000000100000000'],
    [2n ** 63n - 1n, 'cf7fffffffffffffff', 'd37fffffffffffffff'],
    [2n ** 64n - 1n, 'cfffffffffffffffff', null],
  ])('the amount %s is written as uint 64 only', (amount, uintHex, intHex) => {
    const big = sign({ ...op, amount }, 5n);
    expect(hex(big.bytes)).toContain(`c410${hex(uuidBytes(op.to))}${uintHex}c440`);
    expect(decodeSignedTx(big.bytes).tx.op).toEqual({ ...op, amount });
    if (intHex !== null) {
      const asInt = Buffer.from(hex(big.bytes).replace(uintHex, intHex), 'hex');
      expect(chainErrorCode(() => decodeSignedTx(asInt))).toBe(ChainErrorCode.MalformedBytes);
    }
  });

  it('2^32 - 1 is the largest uint 32, and a nonce of 2^32 is uint 64', () => {
    expect(hex(sign({ ...op, amount: 2n ** 32n - 1n }, 5n).bytes)).toContain('ceffffffff');
    expect(hex(encodeUnsignedTx(unsigned(op, 2n ** 32n)))).toContain(`c420${SIGNER.hex}cf0000000100000000`);
  });
});
