/**
 * Building and signing a transaction with the node's own encoder (src/chain/codec/tx-encoding.ts),
 * so the bytes are the node's byte for byte: hash = SHA-256 of the unsigned encoding, signature =
 * ed25519 over the hash, bytes = the signed encoding (docs/protocol.md §2).
 */
import { type UnsignedTx, encodeSignedTx, encodeUnsignedTx } from '../chain/codec/tx-encoding.ts';
import type { Operation } from '../tokenomics/operations.ts';
import { bytesToHex } from '../tokenomics/uuid-text.ts';
import { type ClientKey, digest } from './keys.ts';

export interface SignedTransaction {
  readonly tx: UnsignedTx;
  /** The signer's wallet id. */
  readonly walletId: string;
  /** Hex of the tx hash: what GET /v1/txs/{hash} and the event stream name it by. */
  readonly hash: string;
  readonly signature: Uint8Array;
  /** The canonical signed encoding: what POST /v1/txs takes. */
  readonly bytes: Uint8Array;
}

export interface TxFields {
  readonly chainId: string;
  readonly nonce: bigint;
  readonly op: Operation;
}

export async function signTransaction(key: ClientKey, fields: TxFields): Promise<SignedTransaction> {
  const tx: UnsignedTx = { chainId: fields.chainId, signer: key.publicKeyHex, nonce: fields.nonce, op: fields.op };
  const hash = await digest('SHA-256', encodeUnsignedTx(tx));
  const signature = await key.sign(hash);
  return { tx, walletId: key.walletId, hash: bytesToHex(hash), signature, bytes: encodeSignedTx(tx, signature) };
}
