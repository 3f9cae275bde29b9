/** Block production in tests whose validator set changes: the next block, by whichever of `keys` owns the first slot it can take. */
import type { Chain } from '../../../src/chain/chain.ts';
import { proposerFor } from '../../../src/chain/poa.ts';
import type { NamedKey } from './chain-fixture.ts';

/** Produces the next block at the first slot after the head whose proposer (under the set in force at that height) is one of `keys`. */
export async function produceNext(chain: Chain, keys: readonly NamedKey[]): Promise<void> {
  const validators = chain.validatorsFor(chain.head.header.height + 1n);
  for (let slot = chain.head.header.slot + 1n; ; slot++) {
    const key = keys.find((k) => k.hex === proposerFor(slot, validators).publicKey);
    if (key !== undefined) {
      await chain.produce(slot, { publicKey: key.hex, secretKey: key.secretKey });
      return;
    }
  }
}
