/**
 * The log of validator sets the canonical chain put in force (docs/protocol.md §17.7, §19.1): one
 * entry per activation, genesis's at height 0, so the set in force at any height and the changes
 * after one are a seek away, never a walk over the chain. An entry is written in the batch of the
 * block that activated the set (step 1 writes `meta:validators`) and deleted with it in a reorg.
 */
import { META_VALIDATORS, type Validator, type WriteSet } from '../../tokenomics/index.ts';
import { bin, record, u64 } from '../codec/schema.ts';
import { decodeStateValue, encodeStateValue } from '../codec/state.ts';
import { Bucket, heightBytes } from './buckets.ts';
import { type BatchOp, type Db, Repository } from './repository.ts';
import { schemaCodec } from './store-codecs.ts';

/** A set put in force at `activationHeight`, and how many validators the set before it had (0 for genesis). */
export interface ValidatorSetChange {
  readonly activationHeight: bigint;
  readonly validators: readonly Validator[];
  readonly previousCount: number;
}

interface StoredChange {
  readonly set: Uint8Array;
  readonly previousCount: bigint;
}

const storedChange = record<StoredChange>({ set: bin(), previousCount: u64 });

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
    ops.push(this.entries.put(height, { set, previousCount: BigInt(previous?.length ?? 0) }));
  }

  /** Removes the entry of an abandoned canonical block (if it had one). */
  abandonOp(height: bigint): BatchOp {
    return this.entries.del(height);
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
  };
}
