/**
 * What a light client (src/light) asks besides proofs (docs/protocol.md §19): the headers that
 * make a block final (§14.2), and the validator sets the chain put in force with the anchors that
 * let the client check each against the set before it (§19.1). Each answer reads at most a
 * bounded number of headers (the set sizes plus a slack), never more as the chain grows.
 */
import { blockOrThrow } from './blocks.ts';
import type { ChainView } from '../../../chain/chain-view.ts';
import type { Block } from '../../../chain/codec/block.ts';
import { toHex } from '../../../chain/crypto.ts';
import { PENDING_VALIDATORS_KEY, type ValidatorSetChange, anchorHeight, pendingValue } from '../../../chain/store/validator-set-log.ts';
import { ApiError } from '../../http/errors.ts';
import { headerJson } from '../json.ts';
import { query, ref } from '../schemas.ts';
import type { RouteModule } from './route.ts';

/** Headers on top of the asked block that the finality walk reads at most, beyond one per validator. */
export const FINALITY_SLACK = 64;
/** Validator set changes per answer at most (each carries up to 2n headers). */
export const MAX_CHANGES_PER_PAGE = 16;


const signedHeaderJson = (block: Block): unknown => headerJson(block.header, block.signature, block.hash);

/**
 * The validator set in force as a walk climbs: the change in force at a height and the next one,
 * read from the set log a seek at a time, so climbing n headers costs one read per change met.
 */
class SetWalk {
  private change: ValidatorSetChange;
  private next: ValidatorSetChange | undefined;
  private members: ReadonlySet<string>;
  private readonly chain: ChainView;

  private constructor(chain: ChainView, change: ValidatorSetChange, next: ValidatorSetChange | undefined) {
    this.chain = chain;
    this.change = change;
    this.next = next;
    this.members = new Set(change.validators.map((v) => v.publicKey));
  }

  static async from(chain: ChainView, height: bigint): Promise<SetWalk> {
    const change = await chain.validatorSetAt(height);
    return new SetWalk(chain, change, (await chain.validatorSetChanges(change.activationHeight, 1))[0]);
  }

  /** Moves to `height` (ascending); whether the set in force changed. */
  async climb(height: bigint): Promise<boolean> {
    let moved = false;
    while (this.next !== undefined && this.next.activationHeight <= height) {
      this.change = this.next;
      this.members = new Set(this.change.validators.map((v) => v.publicKey));
      this.next = (await this.chain.validatorSetChanges(this.change.activationHeight, 1))[0];
      moved = true;
    }
    return moved;
  }

  get size(): number {
    return this.change.validators.length;
  }

  has(key: string): boolean {
    return this.members.has(key);
  }
}

/**
 * The headers from `height` up to the first one above which blocks from more than 2/3 of the set
 * in force at that last header are built, counting only its members (§14.2, as the light client
 * checks it: src/light/finality.ts).
 */
async function finalityJson(chain: ChainView, height: bigint | undefined): Promise<unknown> {
  const final = chain.finalizedHeight;
  const from = height ?? final;
  if (from > final) throw new ApiError('NotFinal', `Height ${from} is not final; the last final height is ${final}.`, 409);
  const first = await blockOrThrow(chain, from);
  const headers = [signedHeaderJson(first)];
  const top = chain.head.header.height;
  const walk = await SetWalk.from(chain, from + 1n > top ? top : from + 1n);
  const limit = from + BigInt(Math.max(walk.size, chain.validators().length) + FINALITY_SLACK);
  const proposers = new Set<string>();
  let counted = 0;
  for (let h = from + 1n; h <= top && h <= limit; h++) {
    const block = await blockOrThrow(chain, h);
    headers.push(signedHeaderJson(block));
    const key = block.header.proposer;
    if (await walk.climb(h)) {
      proposers.add(key);
      counted = [...proposers].filter((p) => walk.has(p)).length;
    } else if (!proposers.has(key)) {
      proposers.add(key);
      if (walk.has(key)) counted++;
    }
    if (counted * 3 > walk.size * 2) return { height: from.toString(), final_height: final.toString(), headers };
  }
  throw new ApiError('NotFinal', `No blocks from more than 2/3 of the validators within ${limit - from} blocks above height ${from}.`, 409);
}

/**
 * One change (§19.1): the anchor header at activation − (2n + 1), n the previous set's size, and
 * the headers above it up to the first that makes it final under the previous set (all below the
 * activation, or as many as there are), with the proof of `meta:pending-validators` in its state.
 */
async function changeJson(chain: ChainView, change: ValidatorSetChange): Promise<Record<string, unknown>> {
  const p = change.activationHeight;
  const anchor = anchorHeight(change);
  // Its anchor's block and state tree are gone on a pruning or restored node: typed, as for blocks.
  if (anchor < chain.baseHeight) await blockOrThrow(chain, anchor);
  const pending = pendingValue(change);
  // Kept in the log once the anchor's tree version was trimmed (docs/protocol.md §20.6).
  const proof = change.anchorProof ?? (await chain.proveValueAt(PENDING_VALIDATORS_KEY, pending, anchor));
  const headers: unknown[] = [];
  const proposers = new Set<string>();
  for (let h = anchor; h < p; h++) {
    const block = await blockOrThrow(chain, h);
    headers.push(signedHeaderJson(block));
    if (h > anchor) proposers.add(block.header.proposer);
    if (proposers.size * 3 > change.previousCount * 2) break;
  }
  return {
    activation_height: p.toString(),
    anchor_height: anchor.toString(),
    validators: change.validators.map((v) => ({ public_key: v.publicKey, reward_wallet: v.rewardWallet })),
    pending_value_hex: toHex(pending),
    proof: toHex(proof),
    headers,
  };
}

export async function validatorSetsJson(chain: ChainView, asked: bigint, limit: number): Promise<unknown> {
  // The genesis set is the trusted one, not a change: its log entry (at the genesis height, 0 or
  // above for a chain from an exported state, §14.3) has no anchor below it.
  const after = asked < chain.genesisHeight ? chain.genesisHeight : asked;
  const changes = after >= chain.head.header.height ? [] : await chain.validatorSetChanges(after, limit);
  const full = changes.length === limit;
  return {
    changes: await Promise.all(changes.map((c) => changeJson(chain, c))),
    next_after: full ? changes.at(-1)!.activationHeight.toString() : null,
  };
}

const heightOf = (text: string | undefined): bigint | undefined => (text === undefined ? undefined : BigInt(text));

export const lightRoutes: RouteModule = (app, { chain }) => {
  app.get<{ Querystring: { height?: string } }>('/v1/light/finality', {
    schema: { summary: 'The headers, with signatures, from a block up to the one that makes it final', tags: ['proofs'], querystring: query.proofHeight },
    config: { openapi: { responses: { 200: ref('FinalityProof'), 400: ref('Error'), 404: ref('Error'), 409: ref('Error') } } },
  }, async (req) => finalityJson(chain, heightOf(req.query.height)));

  app.get<{ Querystring: { after?: string; limit?: number } }>('/v1/light/validator-sets', {
    schema: { summary: 'The validator sets put in force above a height, each with the anchor a light client checks it by', tags: ['proofs'], querystring: query.validatorSets },
    config: { openapi: { responses: { 200: ref('ValidatorSetChanges'), 400: ref('Error') } } },
  }, async (req) => validatorSetsJson(chain, heightOf(req.query.after) ?? 0n, req.query.limit ?? MAX_CHANGES_PER_PAGE));
};
