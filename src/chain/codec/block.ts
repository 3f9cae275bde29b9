/**
 * Blocks (docs/protocol.md §3.1, §7): header `[protocol_version, chain_id, height, slot,
 * parent_hash, timestamp_ms, proposer, tx_root, state_root]`, block hash = SHA-256 of the header encoding, tx_root = SHA-256 of the
 * concatenated tx hashes; a block travels as `[header, [signed tx...], signature]`.
 */
import { sha256, sha256OfAll, signMessage } from '../crypto.ts';
import { ChainError, ChainErrorCode, malformed } from '../errors.ts';
import { CanonicalReader } from './canonical-reader.ts';
import { pack, packArrayHeader } from './msgpack.ts';
import { bin, hexBin, record, str, u64 } from './schema.ts';
import { type SignedTx, readSignedTx } from './tx.ts';
import type { LightHeader } from '../../light/header.ts';

/**
 * A block header (docs/protocol.md §3.1): one definition for the node and the light client, which
 * may not import the node's code (it runs in a browser), so the node takes the light client's.
 */
export type BlockHeader = LightHeader;

export interface Block {
  readonly header: BlockHeader;
  readonly txs: readonly SignedTx[];
  readonly signature: Uint8Array;
  /** SHA-256 of the header encoding. */
  readonly hash: Uint8Array;
  readonly bytes: Uint8Array;
}

/** The protocol's hard ceiling on a block on the wire; genesis max_block_bytes is checked on top. */
export const MAX_BLOCK_WIRE_BYTES = 16 * 1024 * 1024;

const headerCodec = record<BlockHeader>({
  protocolVersion: u64,
  chainId: str(64),
  height: u64,
  slot: u64,
  parentHash: bin(32),
  timestampMs: u64,
  proposer: hexBin(32),
  txRoot: bin(32),
  stateRoot: bin(32),
});

export function encodeHeader(header: BlockHeader): Uint8Array {
  return pack(headerCodec.enc(header));
}

export function headerHash(header: BlockHeader): Uint8Array {
  return sha256(encodeHeader(header));
}

export function txRoot(txs: readonly SignedTx[]): Uint8Array {
  // docs/protocol.md §4: SHA-256 of the tx hashes in block order.
  return sha256OfAll(txs.map((t) => t.hash));
}

function blockBytes(header: BlockHeader, txs: readonly SignedTx[], signature: Uint8Array): Uint8Array {
  // Each tx is embedded as its own canonical bytes, so the block carries exactly those encodings.
  return Buffer.concat([packArrayHeader(3), encodeHeader(header), packArrayHeader(txs.length), ...txs.map((t) => t.bytes), pack(signature)]);
}

export function sealBlock(header: BlockHeader, txs: readonly SignedTx[], secretKey: Uint8Array): Block {
  const hash = headerHash(header);
  return assembleBlock(header, txs, signMessage(secretKey, hash));
}

/** A block from its parts (the genesis block carries a zero signature: nobody signs height 0). */
export function assembleBlock(header: BlockHeader, txs: readonly SignedTx[], signature: Uint8Array): Block {
  return { header, txs, signature, hash: headerHash(header), bytes: blockBytes(header, txs, signature) };
}

const signatureCodec = bin(64);

/**
 * The header of a block read from the start of its encoding (the whole block, or a split block's
 * head: docs/protocol.md §11.1), without reading its transactions. For the store's own bytes.
 */
export function decodeHeaderOf(bytes: Uint8Array): BlockHeader {
  const reader = new CanonicalReader(bytes, 'block');
  if (reader.arrayHeader() !== 3) malformed('block', 'expected [header, txs, signature].');
  return headerCodec.dec(reader.value(1), 'block.header');
}

/** Decodes an untrusted block: bounded, schema-checked, canonical-only. Throws MalformedBytes. */
export function decodeBlock(bytes: Uint8Array, maxTxs = 100_000): Block {
  if (!(bytes instanceof Uint8Array)) malformed('block', 'expected bytes.');
  if (bytes.length > MAX_BLOCK_WIRE_BYTES) {
    throw new ChainError(ChainErrorCode.MalformedBytes, `A block is at most ${MAX_BLOCK_WIRE_BYTES} bytes on the wire.`);
  }
  // One copy: the block and its txs keep views into it, and the caller's buffer may be reused.
  const own = Uint8Array.prototype.slice.call(bytes);
  const reader = new CanonicalReader(own, 'block');
  if (reader.arrayHeader() !== 3) malformed('block', 'expected [header, txs, signature].');
  const headerStart = reader.pos;
  const header = headerCodec.dec(reader.value(1), 'block.header');
  const hash = sha256(reader.slice(headerStart, reader.pos));
  const count = reader.arrayHeader();
  if (count > maxTxs) malformed('block.txs', `more than ${maxTxs} transactions.`);
  const txs: SignedTx[] = new Array(count);
  for (let i = 0; i < count; i++) txs[i] = readSignedTx(reader, `block.txs[${i}]`);
  const signature = signatureCodec.dec(reader.value(1), 'block.signature');
  reader.end();
  return { header, txs, signature, hash, bytes: own };
}
