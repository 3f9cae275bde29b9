/**
 * Building a block for our slot: the system steps, then mempool transactions in order, each
 * re-validated against the block being built; one that fails is left out with its reason.
 * Whatever a transaction throws, the block still gets built (issue 12, "the producer never
 * wedges"); only a failure of the system steps themselves, or a broken invariant, is fatal.
 */
import {
  BlockExecution,
  type BlockOutcome,
  type BlockPosition,
  type ChainParams,
  ErrorCode,
  TokenError,
  describeFailure,
  isTokenError,
} from '../tokenomics/index.ts';
import { type Block, type BlockHeader, sealBlock, txRoot } from './codec/block.ts';
import { updateTree } from './chain-tree.ts';
import { type SignedTx, toTxInput } from './codec/tx.ts';
import type { ImportedBlock, ParentInfo } from './block-import.ts';
import { ChainError, ChainErrorCode } from './errors.ts';
import { slotStartMs } from './poa.ts';
import { PROTOCOL_VERSION } from './protocol-version.ts';

export interface RejectedTx {
  readonly tx: SignedTx;
  readonly error: TokenError;
}

export interface ProducedBlock {
  readonly block: Block;
  readonly outcome: ImportedBlock;
  readonly rejected: readonly RejectedTx[];
}

/** Room for the header, signature and framing inside max_block_bytes. */
const BLOCK_OVERHEAD_BYTES = 512;

export async function produceBlock(
  parent: ParentInfo,
  params: ChainParams,
  slot: bigint,
  proposer: { publicKey: string; secretKey: Uint8Array },
  candidates: Iterable<SignedTx>,
): Promise<ProducedBlock> {
  const height = parent.header.height + 1n;
  const position = { height, timestampMs: slotStartMs(slot, params) };
  const execution = openBlock(parent, position);
  let included: SignedTx[] = [];
  const rejected: RejectedTx[] = [];
  let bytes = BLOCK_OVERHEAD_BYTES;
  for (const tx of candidates) {
    if (BigInt(included.length) >= params.maxBlockTxs) break;
    if (BigInt(bytes + tx.bytes.length) > params.maxBlockBytes) break;
    try {
      // applyTx throws TokenErrors only (anything else a tx throws becomes TxFailed).
      execution.applyTx(toTxInput(tx));
      included.push(tx);
      bytes += tx.bytes.length;
    } catch (err) {
      if (!isTokenError(err)) throw err;
      rejected.push({ tx, error: err });
    }
  }
  let outcome: BlockOutcome;
  try {
    outcome = execution.finish();
  } catch (err) {
    if (isTokenError(err, ErrorCode.InvariantViolation)) throw err;
    const rescued = finishWithout(parent, position, included, err);
    included = rescued.included;
    rejected.push(rescued.rejected);
    outcome = rescued.outcome;
  }
  const tree = await updateTree(parent.tree, height, outcome.writes);
  const root = tree.root.hash;
  const header: BlockHeader = {
    protocolVersion: BigInt(PROTOCOL_VERSION),
    chainId: params.chainId,
    height,
    slot,
    parentHash: parent.hash,
    timestampMs: position.timestampMs,
    proposer: proposer.publicKey,
    txRoot: txRoot(included),
    stateRoot: root,
  };
  return { block: sealBlock(header, included, proposer.secretKey), outcome: { ...outcome, stateRoot: root, tree }, rejected };
}

/** The block's system steps; if they throw, no block can be built on this state: this node's own bug. */
function openBlock(parent: ParentInfo, position: BlockPosition): BlockExecution {
  try {
    return new BlockExecution(parent.state, position);
  } catch (err) {
    throw stepsFailed(position, err);
  }
}

function stepsFailed(position: BlockPosition, err: unknown): ChainError {
  return new ChainError(
    ChainErrorCode.BlockStepsFailed,
    `The system steps of block ${position.height} fail on this node's state, so no block can be built: ${describeFailure(err)}`,
    { cause: err },
  );
}

/** `txs[0..count)` applied on the parent and finished: the outcome, or the error that stops it. */
function tryPrefix(parent: ParentInfo, position: BlockPosition, txs: readonly SignedTx[], count: number): { ok: true; outcome: BlockOutcome } | { ok: false; error: unknown } {
  try {
    const execution = new BlockExecution(parent.state, position);
    for (let i = 0; i < count; i++) execution.applyTx(toTxInput(txs[i]!));
    return { ok: true, outcome: execution.finish() };
  } catch (error) {
    return { ok: false, error };
  }
}

/**
 * The safety net when `finish` failed although every included tx applied (applyTx checks the block
 * invariants on each tx's writes, so this should not happen): bisects for the shortest prefix of
 * the included txs that cannot be finished, O(n log n) applies. Its last tx is rejected with the
 * reason; the block is the prefix before it (which finished). The txs after it stay pending for
 * the next block, so one production never loops. An empty block that cannot be finished is fatal.
 */
function finishWithout(
  parent: ParentInfo,
  position: BlockPosition,
  included: readonly SignedTx[],
  failure: unknown,
): { included: SignedTx[]; rejected: RejectedTx; outcome: BlockOutcome } {
  const empty = tryPrefix(parent, position, included, 0);
  if (!empty.ok) throw stepsFailed(position, empty.error);
  // Invariant: the prefix of `good` txs finishes with `outcome`; the prefix of `bad` fails with `error`.
  let good = 0;
  let outcome = empty.outcome;
  let bad = included.length;
  let error = failure;
  while (bad - good > 1) {
    const mid = good + Math.floor((bad - good) / 2);
    const probe = tryPrefix(parent, position, included, mid);
    if (probe.ok) {
      good = mid;
      outcome = probe.outcome;
    } else {
      bad = mid;
      error = probe.error;
    }
  }
  const offender = included[bad - 1]!;
  const reason = isTokenError(error) ? `${error.code}: ${error.message}` : describeFailure(error);
  return {
    included: included.slice(0, good),
    rejected: { tx: offender, error: new TokenError(ErrorCode.TxFailed, `The block cannot be finished with this transaction: ${reason}`, { cause: error }) },
    outcome,
  };
}
