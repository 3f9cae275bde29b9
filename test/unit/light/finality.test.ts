/**
 * The finality check of the light client (src/light/finality.ts) on headers signed by real keys:
 * the honest proof passes; a wrong signature, a wrong proposer, a broken parent link, a wrong
 * timestamp, another chain or too few distinct proposers are each refused with their own code; and
 * any flipped byte of any header field, hash or signature fails (property).
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { codeOfAsync } from '../../support/error-code.ts';
import { type Block, type BlockHeader, assembleBlock, encodeHeader, sealBlock } from '../../../src/chain/codec/block.ts';
import { toHex } from '../../../src/chain/crypto.ts';
import { PROTOCOL_VERSION } from '../../../src/chain/protocol-version.ts';
import { LIGHT_PROTOCOL_VERSION, LightErrorCode, type SignedLightHeader, encodeLightHeader, verifyFinality } from '../../../src/light/index.ts';
import { GENESIS, VALIDATOR_KEYS, buildLightChain } from '../../support/light-chain.ts';

let blocks: readonly Block[];

beforeAll(async () => {
  ({ blocks } = await buildLightChain(12));
});

const signed = (b: Block): SignedLightHeader => ({ header: b.header, signature: b.signature, hash: b.hash });
/** Heights from..from+count-1 as the finality route answers them. */
const proofFrom = (from: number, count: number): SignedLightHeader[] => blocks.slice(from, from + count).map(signed);


/** A header re-sealed after a change (a valid signature by `signer` over the changed header). */
const reseal = (header: BlockHeader, signer = VALIDATOR_KEYS[Number(header.slot % 4n)]!): SignedLightHeader => signed(sealBlock(header, [], signer.secretKey));

describe('finality proofs', () => {
  it('the light encoding of a header is the node\'s, byte for byte', () => {
    for (const b of blocks) expect(Buffer.from(encodeLightHeader(b.header))).toEqual(Buffer.from(encodeHeader(b.header)));
    expect(LIGHT_PROTOCOL_VERSION).toBe(BigInt(PROTOCOL_VERSION));
    const big: BlockHeader = { ...blocks[1]!.header, chainId: 'x'.repeat(64), height: 2n ** 64n - 1n, slot: 70_000n, timestampMs: 2n ** 40n };
    expect(Buffer.from(encodeLightHeader(big))).toEqual(Buffer.from(encodeHeader(big)));
  });

  it('accepts a block with blocks of 3 of 4 validators on top, and the genesis block likewise', async () => {
    expect((await verifyFinality(GENESIS, proofFrom(5, 4))).header.height).toBe(5n);
    expect((await verifyFinality(GENESIS, proofFrom(0, 4))).header.height).toBe(0n);
  });

  it('accepts the genesis block of a chain from an exported state (slot 0 above height 0, docs/protocol.md §14.3) likewise', async () => {
    const genesisHeader: BlockHeader = { ...blocks[0]!.header, height: 40n };
    const genesis = signed(assembleBlock(genesisHeader, [], new Uint8Array(64)));
    const proof: SignedLightHeader[] = [genesis];
    for (let slot = 1n; slot <= 3n; slot++) {
      const prev = proof.at(-1)!;
      proof.push(reseal({ ...blocks[Number(slot)]!.header, height: 40n + slot, parentHash: prev.hash }));
    }
    expect((await verifyFinality(GENESIS, proof)).header.height).toBe(40n);
    // Only a slot-0 header is nobody's: the same header at slot 1 must be its slot owner's.
    const unsigned = signed(assembleBlock({ ...genesisHeader, slot: 1n, timestampMs: GENESIS.genesisTimeMs + GENESIS.blockTimeMs }, [], new Uint8Array(64)));
    expect(await codeOfAsync(verifyFinality(GENESIS, [unsigned, ...proof.slice(1)]))).toBe(LightErrorCode.WrongProposer);
  });

  it('refuses too few distinct proposers on top', async () => {
    expect(await codeOfAsync(verifyFinality(GENESIS, proofFrom(5, 3)))).toBe(LightErrorCode.NotFinal);
    expect(await codeOfAsync(verifyFinality(GENESIS, []))).toBe(LightErrorCode.NotFinal);
    // 1-of-4 repeated is still one proposer: the chain from one key is not finality.
    const key = VALIDATOR_KEYS[2]!;
    const own: SignedLightHeader[] = [signed(blocks[5]!)];
    for (let i = 1; i <= 4; i++) {
      const prev = own.at(-1)!;
      // The next slot of validator 2 (slot ≡ 2 mod 4) after the previous header's.
      const slot = prev.header.slot + ((2n - (prev.header.slot % 4n) + 4n) % 4n || 4n);
      own.push(reseal({ ...prev.header, height: prev.header.height + 1n, slot, parentHash: prev.hash, proposer: toHex(key.publicKey), timestampMs: GENESIS.genesisTimeMs + slot * GENESIS.blockTimeMs }, key));
    }
    expect(own.slice(1).every((h) => h.header.slot % 4n === 2n)).toBe(true);
    expect(await codeOfAsync(verifyFinality(GENESIS, own))).toBe(LightErrorCode.NotFinal);
  });

  it('refuses a wrong signature, a wrong proposer, a broken parent link, a wrong timestamp, another chain', async () => {
    const proof = proofFrom(5, 4);
    const withAt = (i: number, h: SignedLightHeader): SignedLightHeader[] => proof.map((x, j) => (j === i ? h : x));
    const target = proof[2]!;
    // Signed by the next slot's validator: a valid signature, of the wrong key.
    const otherSigner = VALIDATOR_KEYS[Number((target.header.slot + 1n) % 4n)]!;
    const forged = signed(sealBlock(target.header, [], otherSigner.secretKey));
    expect(await codeOfAsync(verifyFinality(GENESIS, withAt(2, forged)))).toBe(LightErrorCode.BadSignature);
    const wrongProposer = reseal({ ...target.header, proposer: toHex(otherSigner.publicKey) }, otherSigner);
    expect(await codeOfAsync(verifyFinality(GENESIS, withAt(2, wrongProposer)))).toBe(LightErrorCode.WrongProposer);
    const unlinked = reseal({ ...target.header, parentHash: blocks[1]!.hash });
    expect(await codeOfAsync(verifyFinality(GENESIS, withAt(2, unlinked)))).toBe(LightErrorCode.BrokenParentLink);
    expect(await codeOfAsync(verifyFinality(GENESIS, [proof[0]!, proof[2]!, proof[1]!, proof[3]!]))).toBe(LightErrorCode.BrokenParentLink);
    const late = reseal({ ...target.header, timestampMs: target.header.timestampMs + 1n });
    expect(await codeOfAsync(verifyFinality(GENESIS, withAt(2, late)))).toBe(LightErrorCode.WrongTimestamp);
    expect(await codeOfAsync(verifyFinality({ ...GENESIS, chainId: 'other' }, proof))).toBe(LightErrorCode.WrongChain);
    const otherVersion = reseal({ ...target.header, protocolVersion: target.header.protocolVersion + 1n });
    expect(await codeOfAsync(verifyFinality(GENESIS, withAt(2, otherVersion)))).toBe(LightErrorCode.WrongProtocolVersion);
    // A hash that is not the header's: caught before the signature is even looked at.
    expect(await codeOfAsync(verifyFinality(GENESIS, withAt(2, { ...target, hash: blocks[9]!.hash })))).toBe(LightErrorCode.HeaderHashMismatch);
  });

  it('any flipped byte of a header field, its hash or its signature fails (property)', async () => {
    const proof = proofFrom(5, 4);
    type Field = 'parentHash' | 'txRoot' | 'stateRoot' | 'hash' | 'signature';
    const fields: Field[] = ['parentHash', 'txRoot', 'stateRoot', 'hash', 'signature'];
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 3 }), fc.constantFrom(...fields), fc.integer({ min: 0, max: 63 }), fc.integer({ min: 1, max: 255 }), async (i, field, at, mask) => {
        const h = proof[i]!;
        const bytes = Uint8Array.from(field === 'hash' || field === 'signature' ? h[field] : h.header[field]);
        bytes[at % bytes.length]! ^= mask;
        const changed: SignedLightHeader = field === 'hash' || field === 'signature' ? { ...h, [field]: bytes } : { ...h, header: { ...h.header, [field]: bytes } };
        const code = await codeOfAsync(verifyFinality(GENESIS, proof.map((x, j) => (j === i ? changed : x))));
        expect(Object.values(LightErrorCode)).toContain(code);
      }),
      { numRuns: 120 },
    );
    // The numeric fields and the chain id: one change each, at every position.
    for (let i = 0; i < 4; i++) {
      for (const change of [{ protocolVersion: 2n }, { height: proof[i]!.header.height + 1n }, { slot: proof[i]!.header.slot + 4n }, { timestampMs: proof[i]!.header.timestampMs ^ 1n }, { chainId: 'light-tesT' }]) {
        const changed = { ...proof[i]!, header: { ...proof[i]!.header, ...change } };
        expect(Object.values(LightErrorCode)).toContain(await codeOfAsync(verifyFinality(GENESIS, proof.map((x, j) => (j === i ? changed : x)))));
      }
    }
  });
});
