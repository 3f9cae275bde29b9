/** The account record (docs/protocol.md §8.1), decoded for display once its bytes are verified. */
import { MsgpackReader } from './msgpack.ts';

export interface LightAccount {
  readonly balance: bigint;
  readonly staked: bigint;
  readonly unbonding: readonly { readonly amount: bigint; readonly deadline: bigint }[];
  readonly pendingRewards: bigint;
  readonly nonce: bigint;
}

/** An account with no key reads as all zeros (§8.1). */
export const EMPTY_LIGHT_ACCOUNT: LightAccount = { balance: 0n, staked: 0n, unbonding: [], pendingRewards: 0n, nonce: 0n };

/** `[balance, staked, unbonding: list([amount, deadline]), pending_rewards, nonce]`. */
export function decodeAccountRecord(bytes: Uint8Array): LightAccount {
  const r = new MsgpackReader(bytes, 'account record');
  r.record(5);
  const balance = r.u64();
  const staked = r.u64();
  const unbonding = Array.from({ length: r.arrayHeader() }, () => {
    r.record(2);
    return { amount: r.u64(), deadline: r.u64() };
  });
  const account = { balance, staked, unbonding, pendingRewards: r.u64(), nonce: r.u64() };
  r.end();
  return account;
}
