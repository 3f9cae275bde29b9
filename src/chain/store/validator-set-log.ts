/**
 * The log of validator sets the canonical chain put in force (docs/protocol.md §17.7, §19.1): one
 * entry per activation, genesis's at height 0, so the set in force at any height and the changes
 * after one are a seek away, never a walk over the chain. An entry is written in the batch of the
 * block that activated the set (step 1 writes `meta:validators`) and deleted with it in a reorg.
 */
import { META_PENDING_VALIDATORS, META_VALIDATORS, type Validator, type WriteSet, validatorSetDelay } from '../../tokenomics/index.ts';
import { type Codec, bin, nullable, record, u64 } from '../codec/schema.ts';
import { decodeStateValue, encodeStateValue } from '../codec/state.ts';
import { Bucket, heightBytes } from './buckets.ts';
import { type BatchOp, type Db, Repository } from './repository.ts';
import { schemaCodec } from './store-codecs.ts';

/** A set put in force at `activationHeight`, and how many validators the set before it had (0 for genesis). */
export interface ValidatorSetChange {
  readonly activationHeight: bigint;
  readonly validators: readonly Validator[];
  readonly previousCount: number;
  /**
   * The tree proof of `meta:pending-validators` at the change's anchor height, kept once the
   * anchor's state tree version is trimmed (docs/protocol.md §20.6); null while that tree is
   * still in the store (the proof is then made from it) and for genesis.
   */
  readonly anchorProof: Uint8Array | null;
}

/** The height whose state a light client checks `change` by: 2n + 1 below its activation, n the previous set's size (§19.1). */
export function anchorHeight(change: ValidatorSetChange): bigint {
  return change.activationHeight - validatorSetDelay(change.previousCount);
}

/** The key `meta:pending-validators` as the tree holds it. */
export const PENDING_VALIDATORS_KEY: Uint8Array = new TextEncoder().encode(META_PENDING_VALIDATORS);

/** The value of `meta:pending-validators` at the anchor of `change` (encoded as the tree hashes it). */
export function pendingValue(change: ValidatorSetChange): Uint8Array {
  return encodeStateValue(META_PENDING_VALIDATORS, { validators: change.validators, activationHeight: change.activationHeight });
}

interface StoredChange {
  readonly set: Uint8Array;
  readonly previousCount: bigint;
  readonly anchorProof: Uint8Array | null;
}

const withProof = record<StoredChange>({ set: bin(), previousCount: u64, anchorProof: nullable(bin()) });
const withoutProof = record<Omit<StoredChange, 'anchorProof'>>({ set: bin(), previousCount: u64 });
/** [set, previous count, anchor proof | nil]; an entry written before proofs were kept has the first two only. */
const storedChange: Codec<StoredChange> = {
  enc: (v) => withProof.enc(v),
  dec: (raw, path) => (Array.isArray(raw) && raw.length === 2 ? { ...withoutProof.dec(raw, path), anchorProof: null } : withProof.dec(raw, path)),
};

export class ValidatorSetLog {
  private readonly entries: Repository<bigint, StoredChange>;

  constructor(db: Db) {
    this.entries = new Repository(db, 'validator set change', Bucket.VALIDATOR_SETS, schemaCodec(heightBytes, 'validator set change', storedChange));
  }

  /**
   * The entry of the block at `height` that wrote `writes` (with `undo` its previous values), if
   * it wrote `meta:validators`: genesis does, and so does step 1 of an activation height.
   */
  blockOps(height: bigint, writes: WriteSet, undo: WriteSet, ops: BatchOp[]): void {
    const validators = writes.get(META_VALIDATORS) as readonly Validator[] | null | undefined;
    if (validators === undefined || validators === null) return;
    const previous = undo.get(META_VALIDATORS) as readonly Validator[] | null | undefined;
    const set = encodeStateValue(META_VALIDATORS, validators);
    ops.push(this.entries.put(height, { set, previousCount: BigInt(previous?.length ?? 0), anchorProof: null }));
  }

  /** Removes the entry of an abandoned canonical block (if it had one). */
  abandonOp(height: bigint): BatchOp {
    return this.entries.del(height);
  }

  /** The entry of `change` with its anchor's proof kept (the anchor's tree version is about to go). */
  anchorProofOp(change: ValidatorSetChange, proof: Uint8Array): BatchOp {
    const set = encodeStateValue(META_VALIDATORS, change.validators);
    return this.entries.put(change.activationHeight, { set, previousCount: BigInt(change.previousCount), anchorProof: proof });
  }

  /** The changes with activation heights above `after`, ascending, at most `limit`. */
  async changesAfter(after: bigint, limit: number): Promise<ValidatorSetChange[]> {
    const out: ValidatorSetChange[] = [];
    if (limit <= 0) return out;
    for await (const [key, entry] of this.entries.entries({ gte: heightBytes(after + 1n) })) {
      out.push(change(key, entry));
      if (out.length >= limit) break;
    }
    return out;
  }

  /** The change in force at `height`: the one with the highest activation height ≤ `height` (null: an empty log). */
  async inForceAt(height: bigint): Promise<ValidatorSetChange | null> {
    for await (const [key, entry] of this.entries.entries({ lt: heightBytes(height + 1n), reverse: true })) return change(key, entry);
    return null;
  }
}

function change(key: Uint8Array, entry: StoredChange): ValidatorSetChange {
  return {
    activationHeight: Buffer.from(key).readBigUInt64BE(),
    validators: decodeStateValue(META_VALIDATORS, entry.set) as readonly Validator[],
    previousCount: Number(entry.previousCount),
    anchorProof: entry.anchorProof,
  };
}
