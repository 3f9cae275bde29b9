/**
 * A block's transaction signatures on the verify pool, each checked once: those of txs the
 * mempool holds with the same signature were verified when they were accepted (a signature over a
 * hash does not change), the others go to the pool as soon as the block arrives, while this thread
 * is still busy with earlier blocks; the block is then applied while the workers verify.
 */
import { type ImportOptions, type ImportedBlock, type ParentInfo, importBlock } from '../block-import.ts';
import type { Block } from '../codec/block.ts';
import type { SignedTx } from '../codec/tx.ts';
import type { Mempool } from '../mempool.ts';
import type { SignatureVerifier } from './pool.ts';
import { type SignatureResults, allVerified, verifyTxSignatures } from './tx-signatures.ts';

/** A check of this exact tx's signature already on the pool (a gossiped or submitted copy on its way into the mempool), or undefined. */
export type SignatureInFlight = (tx: SignedTx) => Promise<number> | undefined;

/**
 * Starts checking the signatures of `block`'s txs that `mempool` does not hold verified already;
 * a tx whose copy is being checked for admission (`inFlight`) takes that check's answer instead of
 * a second one: under load a block often arrives while its txs' gossiped copies are in the pool.
 */
export function startTxSignatureChecks(block: Block, verifier: SignatureVerifier, mempool: Pick<Mempool, 'size' | 'holdsVerified'>, inFlight: SignatureInFlight = () => undefined): Promise<SignatureResults> {
  const results = new Uint8Array(block.txs.length);
  const unchecked: number[] = [];
  const shared: Promise<void>[] = [];
  const pending = mempool.size > 0;
  block.txs.forEach((tx, i) => {
    if (pending && mempool.holdsVerified(tx)) {
      results[i] = 1;
      return;
    }
    const check = inFlight(tx);
    if (check === undefined) unchecked.push(i);
    else shared.push(check.then((verified) => void (results[i] = verified)));
  });
  if (unchecked.length === 0 && shared.length === 0) return Promise.resolve(results);
  const own = verifyTxSignatures(verifier, unchecked.map((i) => block.txs[i]!)).then((verified) => unchecked.forEach((i, j) => (results[i] = verified[j]!)));
  return Promise.all([own, ...shared]).then(() => results);
}

/**
 * importBlock with the tx signatures checked by the pool: the block is applied on this thread
 * while the workers verify, and the outcome is kept only once every signature is known good.
 * If the pool reports a signature as bad (or could not check it), the import runs again with the
 * checks on this thread for those txs, so the error is exactly the one a plain import gives.
 */
export async function importWithSignatures(
  block: Block,
  parent: ParentInfo,
  currentSlot: bigint,
  signatures: Promise<SignatureResults>,
  checks: Omit<ImportOptions, 'signaturesVerified'> = {},
): Promise<ImportedBlock> {
  let imported: ImportedBlock | undefined;
  let failure: { error: unknown } | undefined;
  try {
    imported = await importBlock(block, parent, currentSlot, { ...checks, signaturesVerified: true });
  } catch (error) {
    failure = { error };
  }
  const results = await signatures;
  if (!allVerified(results)) return importBlock(block, parent, currentSlot, { ...checks, signaturesVerified: results });
  if (failure !== undefined) throw failure.error;
  return imported!;
}
