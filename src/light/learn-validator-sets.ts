/**
 * Following the validator set changes of a chain (docs/protocol.md §19.1) from pages of them,
 * whoever fetches the pages: a chat app over HTTP (client.ts), a node's state sync over libp2p.
 */
import { LightError, LightErrorCode } from './errors.ts';
import { type TrustedGenesis, verifyFinality } from './finality.ts';
import { type LightValidatorSets, validatorSetChangeFromJson, verifyValidatorSetChange } from './validator-sets.ts';

/** Changes asked per page of the validator set changes (GET /v1/light/validator-sets, the validator-sets protocol: the node's own cap). */
export const CHANGES_PER_PAGE = 16;

/** One page of changes as a node answers it: `{ changes: [...] }` (GET /v1/light/validator-sets). */
export type ValidatorSetPage = (after: bigint, limit: number) => Promise<unknown>;

/**
 * Learns, in order, the validator sets put in force up to `upTo` that `sets` does not know yet
 * (§19.1), from pages of changes however they are fetched (HTTP for a chat app, libp2p for a
 * node's state sync): each change is checked against the set before it, so a node can withhold a
 * change (then the headers after it fail as WrongProposer) but cannot make the client trust a set
 * the old set's signatures and state did not fix.
 */
export async function learnValidatorSets(genesis: TrustedGenesis, sets: LightValidatorSets, upTo: bigint, page: ValidatorSetPage): Promise<void> {
  while (sets.last.from < upTo) {
    const answer = (await page(sets.last.from, CHANGES_PER_PAGE)) as { changes?: unknown } | null;
    const changes = answer?.changes;
    if (!Array.isArray(changes)) throw new LightError(LightErrorCode.MalformedAnswer, 'The validator sets answer carries no list of changes.');
    for (const json of changes) {
      const change = validatorSetChangeFromJson(json);
      if (change.activationHeight > upTo) return;
      sets.add(await verifyValidatorSetChange(sets, change, (anchor) => verifyFinality(genesis, anchor, sets)));
    }
    if (changes.length < CHANGES_PER_PAGE) return;
  }
}
