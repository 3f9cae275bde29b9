/**
 * Transactions on the wire (docs/protocol.md §2), encoded by tx-encoding.ts: the tx hash is SHA-256
 * of the unsigned encoding; the signature (ed25519 over that hash) is not part of it. Here: hashing,
 * signing, decoding untrusted bytes and the stateless checks.
 */
import type { Operation, OperationType, TxInput } from '../../tokenomics/index.ts';
import { sha256, signMessage, toHex, verifySignature } from '../crypto.ts';
import { ChainError, ChainErrorCode, malformed } from '../errors.ts';
import { CanonicalReader } from './canonical-reader.ts';
import { type Codec, bin, describeRaw, u64 } from './schema.ts';
import { MAX_TX_BYTES, PAYLOADS, type UnsignedTx, chainIdCodec, encodeSignedTx, encodeUnsignedTx, signerCodec } from './tx-encoding.ts';

export { MAX_TX_BYTES, OPERATION_TYPES, type UnsignedTx, encodeSignedTx, encodeUnsignedTx } from './tx-encoding.ts';

export interface SignedTx {
  readonly tx: UnsignedTx;
  readonly signature: Uint8Array;
  /** SHA-256 of the unsigned encoding. */
  readonly hash: Uint8Array;
  /** The canonical signed encoding (what travels and is stored). */
  readonly bytes: Uint8Array;
}

export function txHash(tx: UnsignedTx): Uint8Array {
  return sha256(encodeUnsignedTx(tx));
}

export function signTx(tx: UnsignedTx, secretKey: Uint8Array): SignedTx {
  const hash = txHash(tx);
  const signature = signMessage(secretKey, hash);
  return { tx, signature, hash, bytes: encodeSignedTx(tx, signature) };
}

function decodeUnsigned(raw: unknown, path: string): UnsignedTx {
  if (!Array.isArray(raw) || raw.length !== 5) malformed(path, 'expected [chain_id, type, signer, nonce, payload].');
  const [chainId, type, signer, nonce, payload] = raw;
  // Own properties only: "toString" or "__proto__" are not operation types.
  if (typeof type !== 'string' || !Object.hasOwn(PAYLOADS, type)) malformed(`${path}.type`, `unknown operation type ${describeRaw(type)}.`);
  const fields = (PAYLOADS[type as OperationType] as Codec<object>).dec(payload, `${path}.payload`);
  return {
    chainId: chainIdCodec.dec(chainId, `${path}.chain_id`),
    signer: signerCodec.dec(signer, `${path}.signer`),
    nonce: u64.dec(nonce, `${path}.nonce`),
    op: { type, ...fields } as Operation,
  };
}

const signatureCodec = bin(64);

/**
 * Reads one signed tx where the reader stands: its hash is SHA-256 of the unsigned part exactly as
 * read and its bytes are the range read (the reader accepts only canonical forms, so both equal
 * what re-encoding would give, without re-encoding).
 */
export function readSignedTx(reader: CanonicalReader, path: string): SignedTx {
  const start = reader.pos;
  if (reader.arrayHeader() !== 2) malformed(path, 'expected [unsigned, signature].');
  const unsignedStart = reader.pos;
  const rawUnsigned = reader.value(1);
  const unsignedEnd = reader.pos;
  const rawSignature = reader.value(1);
  const tx = decodeUnsigned(rawUnsigned, `${path}.unsigned`);
  const signature = signatureCodec.dec(rawSignature, `${path}.signature`);
  return { tx, signature, hash: sha256(reader.slice(unsignedStart, unsignedEnd)), bytes: reader.slice(start, reader.pos) };
}

/** Decodes untrusted bytes: size-bounded, schema-checked, canonical-only. Throws MalformedBytes. */
export function decodeSignedTx(bytes: Uint8Array): SignedTx {
  if (!(bytes instanceof Uint8Array)) malformed('tx', 'expected bytes.');
  if (bytes.length > MAX_TX_BYTES) throw new ChainError(ChainErrorCode.TxTooLarge, `A transaction is at most ${MAX_TX_BYTES} bytes.`);
  // A copy: the tx keeps views into it, and the caller's buffer may be reused.
  const reader = new CanonicalReader(Uint8Array.prototype.slice.call(bytes), 'tx');
  const signed = readSignedTx(reader, 'tx');
  reader.end();
  return signed;
}

/** Signature and chain id: the checks that need no state. */
export function verifyTx(signed: SignedTx, chainId: string): void {
  if (signed.tx.chainId !== chainId) {
    throw new ChainError(ChainErrorCode.WrongChainId, `The transaction is for chain "${signed.tx.chainId}", this is "${chainId}".`);
  }
  if (!verifySignature(Buffer.from(signed.tx.signer, 'hex'), signed.hash, signed.signature)) {
    throw new ChainError(ChainErrorCode.InvalidSignature, 'The signature does not verify for the signer key over the tx hash.');
  }
}

/** The token economy's view of a verified transaction. */
export function toTxInput(signed: SignedTx): TxInput {
  return { hash: toHex(signed.hash), signer: signed.tx.signer, nonce: signed.tx.nonce, op: signed.tx.op };
}
