/**
 * Transactions' signatures as pool checks, and the stateless tx checks for a transaction whose
 * signature is already known to verify (only the chain id is left).
 */
import { type SignedTx, verifyTx } from '../codec/tx.ts';
import type { SignatureCheck, SignatureVerifier } from './pool.ts';

/** Per tx, what the pool found: 1 = the signature verifies, 0 = check it on this thread. */
export type SignatureResults = Uint8Array;

export function txSignatureCheck(signed: SignedTx): SignatureCheck {
  return { publicKey: Buffer.from(signed.tx.signer, 'hex'), message: signed.hash, signature: signed.signature };
}

/** Starts verifying the signatures of `txs` (in order) on `verifier`; never rejects. */
export function verifyTxSignatures(verifier: SignatureVerifier, txs: readonly SignedTx[]): Promise<SignatureResults> {
  if (txs.length === 0) return Promise.resolve(new Uint8Array(0));
  return verifier.verify(txs.map(txSignatureCheck)).catch(() => new Uint8Array(txs.length));
}

export function allVerified(results: SignatureResults): boolean {
  return results.every((r) => r === 1);
}

/**
 * verifyTx for a tx whose signature `signatureVerified` says is known good: the chain id is still
 * checked here (with verifyTx's own error); otherwise the whole verifyTx runs on this thread.
 */
export function verifyTxWith(signed: SignedTx, chainId: string, signatureVerified: boolean): void {
  if (!signatureVerified || signed.tx.chainId !== chainId) verifyTx(signed, chainId);
}
