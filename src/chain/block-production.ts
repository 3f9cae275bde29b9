/**
 * Building a block for our slot: the system steps, then mempool transactions in order, each
 * re-validated against the block being built; one that fails is left out with its reason.
 */
import { BlockExecution, type ChainParams, type StateView, type TokenError, isTokenError } from '../tokenomics/index.ts';
import { type Block, type BlockHeader, sealBlock, txRoot } from './codec/block.ts';
import { stateRoot } from './codec/state.ts';
import { type SignedTx, toTxInput } from './codec/tx.ts';
import type { ImportedBlock, ParentInfo } from './block-import.ts';
import { slotStartMs } from './poa.ts';

export interface ProducedBlock {
  readonly block: Block;
  readonly outcome: ImportedBlock;
  readonly rejected: readonly { readonly tx: SignedTx; readonly error: TokenError }[];
}

/** Room for the header, signature and framing inside max_block_bytes. */
const BLOCK_OVERHEAD_BYTES = 512;

export function produceBlock(
  parent: ParentInfo,
  params: ChainParams,
  slot: bigint,
  proposer: { publicKey: string; secretKey: Uint8Array },
  candidates: Iterable<SignedTx>,
): ProducedBlock {
  const height = parent.header.height + 1n;
  const timestampMs = slotStartMs(slot, params);
  const execution = new BlockExecution(parent.state, { height, timestampMs });
  const included: SignedTx[] = [];
  const rejected: { tx: SignedTx; error: TokenError }[] = [];
  let bytes = BLOCK_OVERHEAD_BYTES;
  for (const tx of candidates) {
    if (BigInt(included.length) >= params.maxBlockTxs) break;
    if (BigInt(bytes + tx.bytes.length) > params.maxBlockBytes) break;
    try {
      execution.applyTx(toTxInput(tx));
      included.push(tx);
      bytes += tx.bytes.length;
    } catch (err) {
      if (!isTokenError(err)) throw err;
      rejected.push({ tx, error: err });
    }
  }
  const outcome = execution.finish();
  const root = stateRoot(parent.header.stateRoot, outcome.writes);
  const header: BlockHeader = {
    chainId: params.chainId,
    height,
    slot,
    parentHash: parent.hash,
    timestampMs,
    proposer: proposer.publicKey,
    txRoot: txRoot(included),
    stateRoot: root,
  };
  return { block: sealBlock(header, included, proposer.secretKey), outcome: { ...outcome, stateRoot: root }, rejected };
}
