/**
 * Verified reads for the SDK (docs/protocol.md §19): the light client (src/light) run against the
 * client's node, so a chat app gets a balance that the trusted genesis, the validators' signatures
 * and the state tree vouch for, not the node's word. The validator sets it learns are kept for the
 * client's lifetime (and can be stored by the app: `sets.all()`), so each set change is checked once.
 */
import {
  type LightValidatorEpoch,
  LightValidatorSets,
  type TrustedGenesis,
  type VerifiedAccount,
  type VerifiedValue,
  verifiedAccount,
  verifiedState,
} from '../light/index.ts';
import type { NodeHttp } from './http.ts';

export class VerifiedReads {
  readonly genesis: TrustedGenesis;
  readonly sets: LightValidatorSets;
  private readonly http: NodeHttp;

  constructor(http: NodeHttp, genesis: TrustedGenesis, learned: readonly LightValidatorEpoch[] = []) {
    this.http = http;
    this.genesis = genesis;
    this.sets = new LightValidatorSets(genesis.validators, learned);
  }

  /** A wallet's or system account's record proven at the last final height (or `height`); absent reads as zeros. */
  account(id: string, height?: bigint): Promise<VerifiedAccount> {
    return verifiedAccount(this.options(), id, height);
  }

  /** Any state key (its ASCII text, §8.1), proven present with its value or proven absent. */
  state(key: string, height?: bigint): Promise<VerifiedValue> {
    return verifiedState(this.options(), key, height);
  }

  private options() {
    return { genesis: this.genesis, node: this.http.baseUrl, fetch: (url: string) => this.http.fetchUrl(url), validatorSets: this.sets };
  }
}
