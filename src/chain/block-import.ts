/**
 * Full block validation (docs/protocol.md §3.3): parent, slot, timestamp, proposer, signature, size bounds,
 * every transaction (signature, chain id, then the token economy in order), tx_root and
 * state_root. Returns the block's state writes, events and state tree update, committing nothing.
 */
import { type BlockOutcome, type ChainParams, type StateView, type Validator, ErrorCode, META_PARAMS, applyBlock, isTokenError, validatorsAt } from '../tokenomics/index.ts';
import { BlockError, BlockErrorCode } from './block-error.ts';
import { type Block, type BlockHeader, txRoot } from './codec/block.ts';
import { bytesEqual } from './codec/msgpack.ts';
import { type ParentTree, updateTree } from './chain-tree.ts';
import type { TreeUpdate } from './state-tree/index.ts';
import { toTxInput } from './codec/tx.ts';
import { verifySignature } from './crypto.ts';
import { proposerFor, slotStartMs } from './poa.ts';
import { PROTOCOL_VERSION } from './protocol-version.ts';
import { type SignatureResults, verifyTxWith } from './verify/tx-signatures.ts';

export interface ParentInfo {
  readonly header: BlockHeader;
  readonly hash: Uint8Array;
  readonly state: StateView;
  /** The parent's state tree (docs/protocol.md §18): the block's update is made on it. */
  readonly tree: ParentTree;
}

export interface ImportedBlock extends BlockOutcome {
  readonly stateRoot: Uint8Array;
  /** The block's state tree update: its root is `stateRoot`, its nodes go in the block's batch. */
  readonly tree: TreeUpdate;
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/**
 * Checks that need neither the parent's state nor the transactions (cheap, done first). With
 * `signatureVerified` the proposer's signature over the block hash was checked already (by gossip,
 * docs/protocol.md §9) and is not checked again; who the proposer must be always is.
 */
export function checkHeader(block: Block, parent: ParentInfo, params: ChainParams, validators: readonly Validator[], currentSlot: bigint, signatureVerified = false): void {
  const h = block.header;
  const invalid = (rule: string, message: string): never => {
    throw new BlockError({ code: BlockErrorCode.InvalidBlock, height: h.height, rule }, message);
  };
  if (h.protocolVersion !== BigInt(PROTOCOL_VERSION)) {
    throw new BlockError(
      { code: BlockErrorCode.WrongProtocolVersion, version: h.protocolVersion, expected: BigInt(PROTOCOL_VERSION) },
      `Block ${h.height} was made by protocol version ${h.protocolVersion}; this node runs version ${PROTOCOL_VERSION}.`,
    );
  }
  if (h.chainId !== params.chainId) invalid('chainId', `Block for chain "${h.chainId}", this is "${params.chainId}".`);
  if (!bytesEqual(h.parentHash, parent.hash)) throw new BlockError({ code: BlockErrorCode.UnknownParent, parentHash: hex(h.parentHash) }, `Block ${h.height} does not build on the given parent.`);
  if (h.height !== parent.header.height + 1n) invalid('height', `Block height ${h.height} does not follow its parent's ${parent.header.height}.`);
  if (h.slot <= parent.header.slot) invalid('slot', `Block slot ${h.slot} is not after its parent's slot ${parent.header.slot}.`);
  if (h.slot > currentSlot + 1n) throw new BlockError({ code: BlockErrorCode.FutureSlot, slot: h.slot, currentSlot }, `Block slot ${h.slot} is ahead of the local clock's slot ${currentSlot} by more than one.`);
  if (h.timestampMs !== slotStartMs(h.slot, params)) invalid('timestamp', `Block timestamp ${h.timestampMs} is not the start of slot ${h.slot}.`);
  checkProposer(block, validators, signatureVerified);
  if (BigInt(block.txs.length) > params.maxBlockTxs) invalid('maxBlockTxs', `Block has ${block.txs.length} transactions; the limit is ${params.maxBlockTxs}.`);
  if (BigInt(block.bytes.length) > params.maxBlockBytes) invalid('maxBlockBytes', `Block has ${block.bytes.length} bytes; the limit is ${params.maxBlockBytes}.`);
  if (!bytesEqual(txRoot(block.txs), h.txRoot)) throw new BlockError({ code: BlockErrorCode.BadTxRoot, height: h.height }, `The tx_root of block ${h.height} does not match its transactions.`);
}

/** The header's proposer is the validator of its slot, and (unless already checked) the signature is theirs (docs/protocol.md §3.3). */
export function checkProposer(block: Block, validators: readonly Validator[], signatureVerified = false): void {
  const h = block.header;
  const expected = proposerFor(h.slot, validators).publicKey;
  if (h.proposer !== expected) {
    throw new BlockError({ code: BlockErrorCode.WrongProposer, slot: h.slot, proposer: h.proposer, expected }, `Slot ${h.slot} belongs to validator ${expected}, not ${h.proposer}.`);
  }
  if (!signatureVerified) checkProposerSignature(block);
}

/** The block hash is signed by the key its header names (the one check that proves who made a header). */
export function checkProposerSignature(block: Block): void {
  const h = block.header;
  if (!verifySignature(Buffer.from(h.proposer, 'hex'), block.hash, block.signature)) {
    throw new BlockError({ code: BlockErrorCode.InvalidSignature, height: h.height }, `The signature of block ${h.height} does not verify for its proposer.`);
  }
}

export interface ImportOptions {
  /**
   * The transactions' signatures as already checked elsewhere (the verify pool): `true` = all of
   * them verify; per tx, 1 = verifies, 0 = check it here. A checked signature is not checked twice;
   * the chain id always is, and unchecked signatures are verified here, in order, so the error is
   * the one a plain import gives. The caller must not keep the result before that check is done.
   */
  readonly signaturesVerified?: boolean | SignatureResults;
  /** The proposer's signature over the block hash was verified already (gossip); see checkHeader. */
  readonly proposerSignatureVerified?: boolean;
  /**
   * Runs after the header checks (the proposer and signature known good) and before any tx is
   * executed: the chain's seen-proposals check (an equivocation costs no execution).
   */
  readonly beforeExecution?: () => void;
}

export async function importBlock(block: Block, parent: ParentInfo, currentSlot: bigint, options: ImportOptions = {}): Promise<ImportedBlock> {
  const params = parent.state.get(META_PARAMS) as ChainParams;
  // The set in force at this height on this block's own branch (docs/protocol.md §17.7).
  const validators = validatorsAt(parent.state, block.header.height);
  checkHeader(block, parent, params, validators, currentSlot, options.proposerSignatureVerified === true);
  options.beforeExecution?.();
  const verified = options.signaturesVerified ?? false;
  block.txs.forEach((tx, i) => verifyTxWith(tx, params.chainId, verified === true || (verified !== false && verified[i] === 1)));
  let outcome: BlockOutcome;
  try {
    outcome = applyBlock(parent.state, { height: block.header.height, timestampMs: block.header.timestampMs }, block.txs.map(toTxInput));
  } catch (err) {
    throw txFailure(block, err);
  }
  // docs/protocol.md §7: the state_root is the root of the tree over the whole state after the block.
  const tree = await updateTree(parent.tree, block.header.height, outcome.writes);
  if (!bytesEqual(tree.root.hash, block.header.stateRoot)) {
    throw new BlockError({ code: BlockErrorCode.BadStateRoot, height: block.header.height }, `The state_root of block ${block.header.height} does not match the state after it.`);
  }
  return { ...outcome, stateRoot: tree.root.hash, tree };
}

/**
 * The block's execution failed. applyBlock wraps a failing tx's error in an InvalidBlock TokenError:
 * the tx's own error is unwrapped and kept as `txError` (its verdict decides the block's). An
 * InvariantViolation of the block as a whole, or anything untyped, is this node's own failure and
 * is thrown as it is (gossip IGNOREs it, the producer halts on it).
 */
function txFailure(block: Block, err: unknown): unknown {
  if (!isTokenError(err, ErrorCode.InvalidBlock)) return err;
  const height = block.header.height;
  if (!isTokenError(err.cause)) return new BlockError({ code: BlockErrorCode.InvalidBlock, height, rule: 'execution' }, err.message);
  return new BlockError({ code: BlockErrorCode.InvalidBlock, height, rule: 'tx', txError: err.cause }, err.message);
}
