/** Reading an account from any state view (committed state, an overlay, a block's view). */
import type { Uuid } from '../ids.ts';
import { type Account, EMPTY_ACCOUNT } from '../records.ts';
import { accountKey } from './keys.ts';
import type { StateView } from './store.ts';

/** The account `id` in `state`; an id never written reads as the empty account (every id has one, SPEC 3). */
export const accountIn = (state: StateView, id: Uuid): Account => (state.get(accountKey(id)) as Account | undefined) ?? EMPTY_ACCOUNT;
