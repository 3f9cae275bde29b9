/**
 * The validator sets a light client follows (docs/protocol.md §17.7, §19.1). It starts from the
 * trusted genesis set and learns each later set from a change: the header at `activation − (2n + 1)`
 * (n the size of the set it already trusts), proven final by headers of that set below the
 * activation, and a proof that this header's state holds `meta:pending-validators` = the new set
 * with that activation height. From that block on the pending set is locked (§17.7), so it is
 * exactly the set that takes over: nothing but the old set's own signatures and the state tree
 * vouch for it.
 */
import { LightError, LightErrorCode } from './errors.ts';
import { MsgpackReader } from './msgpack.ts';
import { type SignedLightHeader, signedHeaderFromJson, u64FromJson } from './header.ts';
import { bytesToHex, hexToBytes } from './hex.ts';
import { verifyStateProof } from './state-proof.ts';

/** One validator set and the first height it proposes. */
export interface LightValidatorEpoch {
  readonly from: bigint;
  /** Public keys, lowercase hex, in the set's order: slot s belongs to keys[s mod n]. */
  readonly keys: readonly string[];
}

/** A change as the node sends it (GET /v1/light/validator-sets), parsed, not yet checked. */
export interface ValidatorSetChangeProof {
  readonly activationHeight: bigint;
  /** From the anchor (activation − (2n + 1)) up to the header that makes it final. */
  readonly headers: readonly SignedLightHeader[];
  /** The canonical bytes of `meta:pending-validators` in the anchor's state (§17.8). */
  readonly pendingValue: Uint8Array;
  readonly proof: Uint8Array;
}

/** Finality depth of a set of `n` (§17.7): a set scheduled at height b activates at b + 2n + 1 at the earliest. */
export const validatorSetDelay = (n: number): bigint => 2n * BigInt(n) + 1n;

export const PENDING_VALIDATORS_KEY = 'meta:pending-validators';

/**
 * The verified sets, oldest first. A chat app keeps one (and may store its epochs) so it checks each
 * change once; `verifiedAccount` and `verifiedState` extend it as they meet newer heights.
 */
export class LightValidatorSets {
  private readonly epochs: LightValidatorEpoch[];
  private readonly members: ReadonlySet<string>[];

  constructor(genesisValidators: readonly string[], learned: readonly LightValidatorEpoch[] = []) {
    if (genesisValidators.length === 0) throw new LightError(LightErrorCode.MalformedAnswer, 'The trusted genesis lists no validators.');
    this.epochs = [{ from: 0n, keys: [...genesisValidators] }];
    this.members = [new Set(genesisValidators)];
    // Epochs stored by an earlier run were verified then; they are taken in order as given.
    for (const epoch of learned) this.add(epoch);
  }

  /** The newest verified set. */
  get last(): LightValidatorEpoch {
    return this.epochs.at(-1)!;
  }

  /** Every verified set, oldest first (what an app stores to resume). */
  all(): readonly LightValidatorEpoch[] {
    return this.epochs;
  }

  /** The set in force at `height` as far as this client knows (sets activated above the newest verified one are unknown). */
  at(height: bigint): LightValidatorEpoch {
    return this.epochs[this.indexAt(height)]!;
  }

  isMember(height: bigint, key: string): boolean {
    return this.members[this.indexAt(height)]!.has(key);
  }

  add(epoch: LightValidatorEpoch): void {
    if (epoch.from <= this.last.from || epoch.keys.length === 0) {
      throw new LightError(LightErrorCode.BadValidatorSetChange, `A validator set from height ${epoch.from} does not follow the set from ${this.last.from}.`);
    }
    this.epochs.push({ from: epoch.from, keys: [...epoch.keys] });
    this.members.push(new Set(epoch.keys));
  }

  private indexAt(height: bigint): number {
    let i = this.epochs.length - 1;
    while (i > 0 && this.epochs[i]!.from > height) i--;
    return i;
  }
}

const fail = (message: string): never => {
  throw new LightError(LightErrorCode.BadValidatorSetChange, message);
};

/** `meta:pending-validators` (§17.8): `[validators: list([public_key: key32, reward_wallet: uuid]), activation_height: u64]`. */
export function decodePendingValidators(bytes: Uint8Array): { keys: string[]; activationHeight: bigint } {
  const r = new MsgpackReader(bytes, 'pending validator set');
  r.record(2);
  const keys = Array.from({ length: r.arrayHeader() }, () => {
    r.record(2);
    const key = bytesToHex(r.bin(32));
    r.bin(16);
    return key;
  });
  const activationHeight = r.u64();
  r.end();
  return { keys, activationHeight };
}

/**
 * Checks the anchor of `change` against the newest set of `sets` and returns the new epoch (the
 * caller adds it). `checkFinal` is the finality check (finality.ts) bound to the same sets: every
 * header of the anchor lies below the activation, so all are checked against the old set.
 */
export async function verifyValidatorSetChange(
  sets: LightValidatorSets,
  change: ValidatorSetChangeProof,
  checkFinal: (headers: readonly SignedLightHeader[]) => Promise<SignedLightHeader>,
): Promise<LightValidatorEpoch> {
  const previous = sets.last;
  const p = change.activationHeight;
  const anchorHeight = p - validatorSetDelay(previous.keys.length);
  if (anchorHeight < previous.from) fail(`A set activating at ${p} would have been scheduled before the set from ${previous.from} took over.`);
  const first = change.headers[0];
  if (first === undefined || first.header.height !== anchorHeight) {
    fail(`The change activating at ${p} must be anchored at height ${anchorHeight}, not ${first?.header.height ?? 'nothing'}.`);
  }
  const top = change.headers.at(-1)!.header.height;
  if (top >= p) fail(`The anchor of the change at ${p} is made final by headers up to ${top}: only headers of the old set, below ${p}, count.`);
  const anchor = await checkFinal(change.headers);
  const pending = decodePendingValidators(change.pendingValue);
  if (pending.activationHeight !== p) fail(`The pending set in the anchor's state activates at ${pending.activationHeight}, not ${p}.`);
  if (pending.keys.length === 0) fail(`The set activating at ${p} is empty.`);
  verifyStateProof({ root: anchor.header.stateRoot, key: new TextEncoder().encode(PENDING_VALIDATORS_KEY), value: change.pendingValue, proof: change.proof });
  return { from: p, keys: pending.keys };
}

/** One change of GET /v1/light/validator-sets: `{ activation_height, headers, pending_value_hex, proof }`. */
export function validatorSetChangeFromJson(json: unknown): ValidatorSetChangeProof {
  if (typeof json !== 'object' || json === null) throw new LightError(LightErrorCode.MalformedAnswer, 'A validator set change of the answer is not an object.');
  const j = json as Record<string, unknown>;
  if (!Array.isArray(j.headers)) throw new LightError(LightErrorCode.MalformedAnswer, 'A validator set change carries no list of headers.');
  return {
    activationHeight: u64FromJson(j.activation_height, 'activation_height'),
    headers: j.headers.map(signedHeaderFromJson),
    pendingValue: hexToBytes(j.pending_value_hex, 'pending_value_hex'),
    proof: hexToBytes(j.proof, 'proof'),
  };
}
