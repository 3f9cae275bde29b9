/**
 * Relay recipients of `relays` schedules (docs/protocol.md §13.2): registered relays whose stake is at least
 * relay_min_stake at this height, in registration order. Registration (register-relay) arrives with
 * staking; until then the registry key is absent and relay schedules find no recipient.
 */
import type { Uuid } from '../ids.ts';
import type { Ledger } from '../ledger.ts';

export function relayRecipients(l: Ledger): Uuid[] {
  const minStake = l.params().relayMinStake;
  return l.relays().filter((id) => l.account(id).staked >= minStake);
}
