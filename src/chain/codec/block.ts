/**
 * Blocks (SPEC 3.2, 7): header `[chain_id, height, slot, parent_hash, timestamp_ms, proposer,
 * tx_root, state_root]`, block hash = SHA-256 of the header encoding, tx_root = SHA-256 of the
 * concatenated tx hashes; a block travels as `[header, [signed tx...], signature]`.
 */
import { sha256, signMessage } from '../crypto.ts';
import { ChainError, ChainErrorCode, malformed } from '../errors.ts';
import { bytesEqual, pack, unpack } from './msgpack.ts';
import { bin, hexBin, record, str, u64 } from './schema.ts';
import { type SignedTx, decodeSignedTxData } from './tx.ts';

export interface BlockHeader {
  readonly chainId: string;
  readonly height: bigint;
  readonly slot: bigint;
  readonly parentHash: Uint8Array;
  readonly timestampMs: bigint;
  /** Hex of the proposer's raw ed25519 public key. */
  readonly proposer: string;
  readonly txRoot: Uint8Array;
  readonly stateRoot: Uint8Array;
}

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
  return sha256(...txs.map((t) => t.hash));
}

function blockBytes(header: BlockHeader, txs: readonly SignedTx[], signature: Uint8Array): Uint8Array {
  // Each tx is re-read from its own canonical bytes so the block embeds exactly those encodings.
  return pack([headerCodec.enc(header), txs.map((t) => unpack(t.bytes, 'tx')), signature]);
}

export function sealBlock(header: BlockHeader, txs: readonly SignedTx[], secretKey: Uint8Array): Block {
  const hash = headerHash(header);
  return assembleBlock(header, txs, signMessage(secretKey, hash));
}

/** A block from its parts (the genesis block carries a zero signature: nobody signs height 0). */
export function assembleBlock(header: BlockHeader, txs: readonly SignedTx[], signature: Uint8Array): Block {
  return { header, txs, signature, hash: headerHash(header), bytes: blockBytes(header, txs, signature) };
}

/** Decodes an untrusted block: bounded, schema-checked, canonical-only. Throws MalformedBytes. */
export function decodeBlock(bytes: Uint8Array, maxTxs = 100_000): Block {
  if (bytes.length > MAX_BLOCK_WIRE_BYTES) {
    throw new ChainError(ChainErrorCode.MalformedBytes, `A block is at most ${MAX_BLOCK_WIRE_BYTES} bytes on the wire.`);
  }
  const raw = unpack(bytes, 'block');
  if (!Array.isArray(raw) || raw.length !== 3) malformed('block', 'expected [header, txs, signature].');
  const header = headerCodec.dec(raw[0], 'block.header');
  if (!Array.isArray(raw[1])) malformed('block.txs', 'expected a list.');
  if (raw[1].length > maxTxs) malformed('block.txs', `more than ${maxTxs} transactions.`);
  const txs = raw[1].map((t, i) => decodeSignedTxData(t, `block.txs[${i}]`));
  const signature = bin(64).dec(raw[2], 'block.signature');
  const block: Block = { header, txs, signature, hash: headerHash(header), bytes: blockBytes(header, txs, signature) };
  if (!bytesEqual(block.bytes, bytes)) malformed('block', 'not in canonical encoding.');
  return block;
}
