/**
 * Blocks on the wire (docs/protocol.md §3): `[header, [signed tx...], signature]`, hash = SHA-256 of the
 * header encoding, tx_root = SHA-256 of the concatenated tx hashes. Round trips, tampering,
 * non-canonical forms and the transaction-count bound.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkHeader } from '../../../../src/chain/block-import.ts';
import {
  type Block,
  type BlockHeader,
  MAX_BLOCK_WIRE_BYTES,
  assembleBlock,
  decodeBlock,
  encodeHeader,
  headerHash,
  sealBlock,
  txRoot,
} from '../../../../src/chain/codec/block.ts';
import { unpack } from '../../../../src/chain/codec/msgpack.ts';
import { type SignedTx, signTx, verifyTx } from '../../../../src/chain/codec/tx.ts';
import { verifySignature } from '../../../../src/chain/crypto.ts';
import { ChainError, ChainErrorCode } from '../../../../src/chain/errors.ts';
import { ZERO_SIGNATURE, genesisParent } from '../../../../src/chain/genesis-block.ts';
import { slotStartMs } from '../../../../src/chain/poa.ts';
import { PROTOCOL_VERSION } from '../../../../src/chain/protocol-version.ts';
import { type ChainParams, type Validator, META_PARAMS, META_VALIDATORS, defaultGenesis } from '../../../../src/tokenomics/index.ts';
import { CHAIN_ID, OTHER, SAMPLES, SIGNER, chainErrorCode, expectCanonicalBlock, flipByte, hex, keyFromSeed } from './codec-fixture.ts';

const PROPOSER = keyFromSeed(new Uint8Array(32).fill(0x07));
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

const TXS: SignedTx[] = [
  signTx({ chainId: CHAIN_ID, signer: SIGNER.hex, nonce: 0n, op: SAMPLES.transfer[0]! }, SIGNER.secretKey),
  signTx({ chainId: CHAIN_ID, signer: OTHER.hex, nonce: 3n, op: SAMPLES['create-pool'][1]! }, OTHER.secretKey),
  signTx({ chainId: CHAIN_ID, signer: SIGNER.hex, nonce: 1n, op: SAMPLES['set-authority'][1]! }, SIGNER.secretKey),
];

function headerFor(txs: readonly SignedTx[], change: Partial<BlockHeader> = {}): BlockHeader {
  return {
    protocolVersion: BigInt(PROTOCOL_VERSION),
    chainId: CHAIN_ID,
    height: 12n,
    slot: 15n,
    parentHash: Uint8Array.from(createHash('sha256').update('parent').digest()),
    timestampMs: 1_767_225_690_000n,
    proposer: PROPOSER.hex,
    txRoot: txRoot(txs),
    stateRoot: Uint8Array.from(createHash('sha256').update('state').digest()),
    ...change,
  };
}

const seal = (txs: readonly SignedTx[], change: Partial<BlockHeader> = {}): Block => sealBlock(headerFor(txs, change), txs, PROPOSER.secretKey);

/** A header with its byte fields as hex (Buffer and Uint8Array compare unequal in toEqual). */
const view = (h: BlockHeader) => ({ ...h, parentHash: hex(h.parentHash), txRoot: hex(h.txRoot), stateRoot: hex(h.stateRoot) });

/** Everything a receiver can check about a block without state: signature, tx_root, each tx. */
function selfConsistent(block: Block): boolean {
  if (!verifySignature(Buffer.from(block.header.proposer, 'hex'), block.hash, block.signature)) return false;
  if (hex(txRoot(block.txs)) !== hex(block.header.txRoot)) return false;
  try {
    for (const tx of block.txs) verifyTx(tx, block.header.chainId);
  } catch {
    return false;
  }
  return true;
}

describe('tx_root', () => {
  it('of an empty block is SHA-256 of nothing', () => {
    expect(hex(txRoot([]))).toBe(EMPTY_SHA256);
    expect(createHash('sha256').digest('hex')).toBe(EMPTY_SHA256);
  });

  it('is SHA-256 of the concatenated tx hashes, in block order', () => {
    const concat = Buffer.concat(TXS.map((t) => t.hash));
    expect(hex(txRoot(TXS))).toBe(createHash('sha256').update(concat).digest('hex'));
    expect(hex(txRoot([TXS[0]!]))).toBe(createHash('sha256').update(TXS[0]!.hash).digest('hex'));
    expect(hex(txRoot([TXS[1]!, TXS[0]!, TXS[2]!]))).not.toBe(hex(txRoot(TXS)));
  });
});

describe.each([0, 1, 3])('a block with %i txs', (count) => {
  const txs = TXS.slice(0, count);
  const block = seal(txs);

  it('round-trips through decodeBlock: same header, txs, signature, hash and bytes', () => {
    const decoded = decodeBlock(block.bytes);
    expect(view(decoded.header)).toEqual(view(block.header));
    expect(decoded.txs.map((t) => hex(t.bytes))).toEqual(txs.map((t) => hex(t.bytes)));
    expect(decoded.txs.map((t) => hex(t.hash))).toEqual(txs.map((t) => hex(t.hash)));
    expect(decoded.txs.map((t) => t.tx)).toEqual(txs.map((t) => t.tx));
    expect(hex(decoded.signature)).toBe(hex(block.signature));
    expect(hex(decoded.hash)).toBe(hex(block.hash));
    expect(hex(decoded.bytes)).toBe(hex(block.bytes));
    expect(selfConsistent(decoded)).toBe(true);
  });

  it('hash = SHA-256 of the header encoding, signed by the proposer; the header commits to the txs', () => {
    expect(hex(block.hash)).toBe(createHash('sha256').update(encodeHeader(block.header)).digest('hex'));
    expect(hex(headerHash(block.header))).toBe(hex(block.hash));
    expect(verifySignature(PROPOSER.publicKey, block.hash, block.signature)).toBe(true);
    expect(verifySignature(OTHER.publicKey, block.hash, block.signature)).toBe(false);
    expect(hex(block.header.txRoot)).toBe(count === 0 ? EMPTY_SHA256 : hex(txRoot(txs)));
  });

  it('is [header, [signed tx...], signature], each tx embedded as its own canonical bytes', () => {
    const bytes = hex(block.bytes);
    const txList = (count < 16 ? (0x90 | count).toString(16) : 'dc') + txs.map((t) => hex(t.bytes)).join('');
    expect(bytes).toBe(`93${hex(encodeHeader(block.header))}${txList}c440${hex(block.signature)}`);
    const raw = unpack(block.bytes, 'test') as unknown[];
    expect(raw).toHaveLength(3);
    expect(raw[0]).toHaveLength(9); // protocol_version first (docs/protocol.md §3.1)
    expect(raw[1]).toHaveLength(count);
  });

  it('refuses every single-byte flip: MalformedBytes, or a block that fails its signature / tx_root / tx checks', () => {
    const masks = count === 3 ? [0xff] : [0x01, 0xff];
    for (let i = 0; i < block.bytes.length; i++) {
      for (const mask of masks) {
        const tampered = flipByte(block.bytes, i, mask);
        let decoded: Block;
        try {
          decoded = decodeBlock(tampered);
        } catch (err) {
          expect(err, `byte ${i} ^ ${mask}`).toBeInstanceOf(ChainError);
          expect((err as ChainError).code).toBe(ChainErrorCode.MalformedBytes);
          continue;
        }
        expect(selfConsistent(decoded), `byte ${i} ^ ${mask} went unnoticed`).toBe(false);
        expectCanonicalBlock(decoded, tampered);
      }
    }
  });
});

describe('decodeBlock refuses', () => {
  const block = seal(TXS.slice(0, 1));
  const b = hex(block.bytes);
  const headerHex = hex(encodeHeader(block.header));
  const txHex = hex(TXS[0]!.bytes);
  const sigHex = `c440${hex(block.signature)}`;

  it.each<[string, string]>([
    ['trailing bytes', `${b}00`],
    ['a map instead of the block array', `8300${headerHex}01${'91' + txHex}02${sigHex}`],
    ['a fourth element', `94${headerHex}91${txHex}${sigHex}c0`],
    ['no signature', `92${headerHex}91${txHex}`],
    ['a header of 7 fields', `93${headerHex.replace(/^98/, '97').slice(0, -68)}91${txHex}${sigHex}`],
    ['a header of 9 fields', `93${headerHex.replace(/^98/, '99')}c091${txHex}${sigHex}`],
    ['the tx list as nil', `93${headerHex}c0${sigHex}`],
    ['the tx list as array 16', `93${headerHex}dc0001${txHex}${sigHex}`],
    ['a 63-byte signature', `93${headerHex}91${txHex}c43f${hex(block.signature).slice(2)}`],
    ['a non-canonical tx inside (nonce 0 as uint 8)', `93${headerHex}91${txHex.replace(`c420${SIGNER.hex}00`, `c420${SIGNER.hex}cc00`)}${sigHex}`],
    ['a tx without its signature', `93${headerHex}91${txHex.replace(/^92/, '91').slice(0, -132)}${sigHex}`],
    ['height as int 64', `93${headerHex.replace('0c0f', 'd3000000000000000c0f')}91${txHex}${sigHex}`],
    ['a 31-byte parent hash', `93${headerHex.replace(/c420([0-9a-f]{64})/, (_m, h: string) => `c41f${h.slice(2)}`)}91${txHex}${sigHex}`],
    ['empty bytes', ''],
  ])('%s (MalformedBytes)', (_name, bytesHex) => {
    expect(chainErrorCode(() => decodeBlock(Buffer.from(bytesHex, 'hex')))).toBe(ChainErrorCode.MalformedBytes);
  });

  it('more than MAX_BLOCK_WIRE_BYTES, before decoding', () => {
    const big = new Uint8Array(MAX_BLOCK_WIRE_BYTES + 1);
    big.set(block.bytes);
    expect(chainErrorCode(() => decodeBlock(big))).toBe(ChainErrorCode.MalformedBytes);
  });

  it('random bytes with ChainError only', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (tail, prefixed) => {
        const bytes = prefixed ? Uint8Array.from([0x93, 0x98, ...tail]) : tail;
        try {
          expectCanonicalBlock(decodeBlock(bytes), bytes);
        } catch (err) {
          expect(err).toBeInstanceOf(ChainError);
        }
      }),
      { numRuns: 1_000, seed: 23 },
    );
  });
});

describe('the transaction-count bound', () => {
  const block = seal(TXS);

  it('decodeBlock refuses more txs than maxTxs, and accepts exactly maxTxs', () => {
    expect(chainErrorCode(() => decodeBlock(block.bytes, 2))).toBe(ChainErrorCode.MalformedBytes);
    expect(chainErrorCode(() => decodeBlock(block.bytes, 0))).toBe(ChainErrorCode.MalformedBytes);
    expect(decodeBlock(block.bytes, 3).txs).toHaveLength(3);
    expect(decodeBlock(seal([]).bytes, 0).txs).toHaveLength(0);
  });

  it('block validation refuses more txs than the genesis max_block_txs (InvalidBlock)', async () => {
    const { genesis, parent } = await genesisParent(
      defaultGenesis({
        chainId: CHAIN_ID,
        genesisTimeMs: 1_767_225_600_000n,
        validators: [{ publicKey: PROPOSER.hex, rewardWallet: SIGNER.wallet }],
        authority: [OTHER.hex],
        params: { maxBlockTxs: 2n },
      }),
    );
    const params = genesis.state.get(META_PARAMS) as ChainParams;
    const validators = genesis.state.get(META_VALIDATORS) as readonly Validator[];
    const build = (txs: readonly SignedTx[]): Block =>
      seal(txs, { height: 1n, slot: 1n, parentHash: genesis.hash, timestampMs: slotStartMs(1n, params) });
    expect(() => checkHeader(build(TXS.slice(0, 2)), parent, params, validators, 1n)).not.toThrow();
    expect(chainErrorCode(() => checkHeader(build(TXS), parent, params, validators, 1n))).toBe(ChainErrorCode.InvalidBlock);
  });
});

describe('the genesis block (zero signature)', () => {
  it('assembles with a zero signature and round-trips', () => {
    const header = headerFor([], { height: 0n, slot: 0n, parentHash: new Uint8Array(32), proposer: '00'.repeat(32) });
    const block = assembleBlock(header, [], ZERO_SIGNATURE);
    const decoded = decodeBlock(block.bytes);
    expect(view(decoded.header)).toEqual(view(header));
    expect(hex(decoded.signature)).toBe('00'.repeat(64));
    expect(hex(decoded.hash)).toBe(hex(headerHash(header)));
  });
});
