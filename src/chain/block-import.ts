/**
 * Full block validation (docs/protocol.md §3.3): parent, slot, timestamp, proposer, signature, size bounds,
 * every transaction (signature, chain id, then the token economy in order), tx_root and
 * state_root. Returns the block's state writes and events, committing nothing.
 */
import { type BlockOutcome, type ChainParams, type StateView, type Validator, META_PARAMS, META_VALIDATORS, applyBlock, isTokenError } from '../tokenomics/index.ts';
import { type Block, type BlockHeader, txRoot } from './codec/block.ts';
import { bytesEqual } from './codec/msgpack.ts';
import { stateRoot } from './codec/state.ts';
import { toTxInput } from './codec/tx.ts';
import { verifySignature } from './crypto.ts';
import { ChainError, ChainErrorCode } from './errors.ts';
import { proposerFor, slotStartMs } from './poa.ts';
import { type SignatureResults, verifyTxWith } from './verify/tx-signatures.ts';

export interface ParentInfo {
  readonly header: BlockHeader;
  readonly hash: Uint8Array;
  readonly state: StateView;
}

export interface ImportedBlock extends BlockOutcome {
  readonly stateRoot: Uint8Array;
}

const fail = (code: keyof typeof ChainErrorCode, message: string): never => {
  throw new ChainError(ChainErrorCode[code], message);
};

/** Checks that need neither the parent's state nor the transactions (cheap, done first). */
export function checkHeader(block: Block, parent: ParentInfo, params: ChainParams, validators: readonly Validator[], currentSlot: bigint): void {
  const h = block.header;
  if (h.chainId !== params.chainId) fail('InvalidBlock', `Block for chain "${h.chainId}", this is "${params.chainId}".`);
  if (!bytesEqual(h.parentHash, parent.hash)) fail('UnknownParent', `Block ${h.height} does not build on the given parent.`);
  if (h.height !== parent.header.height + 1n) fail('InvalidBlock', `Block height ${h.height} does not follow its parent's ${parent.header.height}.`);
  if (h.slot <= parent.header.slot) fail('InvalidBlock', `Block slot ${h.slot} is not after its parent's slot ${parent.header.slot}.`);
  if (h.slot > currentSlot + 1n) fail('FutureSlot', `Block slot ${h.slot} is ahead of the local clock's slot ${currentSlot} by more than one.`);
  if (h.timestampMs !== slotStartMs(h.slot, params)) fail('InvalidBlock', `Block timestamp ${h.timestampMs} is not the start of slot ${h.slot}.`);
  const expected = proposerFor(h.slot, validators).publicKey;
  if (h.proposer !== expected) fail('WrongProposer', `Slot ${h.slot} belongs to validator ${expected}, not ${h.proposer}.`);
  if (!verifySignature(Buffer.from(h.proposer, 'hex'), block.hash, block.signature)) {
    fail('InvalidSignature', `The signature of block ${h.height} does not verify for its proposer.`);
  }
  if (BigInt(block.txs.length) > params.maxBlockTxs) fail('InvalidBlock', `Block has ${block.txs.length} transactions; the limit is ${params.maxBlockTxs}.`);
  if (BigInt(block.bytes.length) > params.maxBlockBytes) fail('InvalidBlock', `Block has ${block.bytes.length} bytes; the limit is ${params.maxBlockBytes}.`);
  if (!bytesEqual(txRoot(block.txs), h.txRoot)) fail('BadTxRoot', `The tx_root of block ${h.height} does not match its transactions.`);
}

export interface ImportOptions {
  /**
   * The transactions' signatures as already checked elsewhere (the verify pool): `true` = all of
   * them verify; per tx, 1 = verifies, 0 = check it here. A checked signature is not checked twice;
   * the chain id always is, and unchecked signatures are verified here, in order, so the error is
   * the one a plain import gives. The caller must not keep the result before that check is done.
   */
  readonly signaturesVerified?: boolean | SignatureResults;
}

export function importBlock(block: Block, parent: ParentInfo, currentSlot: bigint, options: ImportOptions = {}): ImportedBlock {
  const params = parent.state.get(META_PARAMS) as ChainParams;
  const validators = parent.state.get(META_VALIDATORS) as readonly Validator[];
  checkHeader(block, parent, params, validators, currentSlot);
  const verified = options.signaturesVerified ?? false;
  block.txs.forEach((tx, i) => verifyTxWith(tx, params.chainId, verified === true || (verified !== false && verified[i] === 1)));
  let outcome: BlockOutcome;
  try {
    outcome = applyBlock(parent.state, { height: block.header.height, timestampMs: block.header.timestampMs }, block.txs.map(toTxInput));
  } catch (err) {
    if (isTokenError(err)) throw new ChainError(ChainErrorCode.InvalidBlock, err.message, { cause: err });
    throw err;
  }
  const root = stateRoot(parent.header.stateRoot, outcome.writes);
  if (!bytesEqual(root, block.header.stateRoot)) fail('BadStateRoot', `The state_root of block ${block.header.height} does not match the state after it.`);
  return { ...outcome, stateRoot: root };
}
