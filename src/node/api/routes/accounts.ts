/** GET /v1/accounts/{id}: a wallet or system account (by UUID or system name), with its next nonce. */
import type { ChainView } from '../../../chain/chain-view.ts';
import {
  type Account,
  SYSTEM_ACCOUNT_IDS,
  type SystemAccountName,
  accountIn,
  claimableRewards,
} from '../../../tokenomics/index.ts';
import { accountJson } from '../json.ts';
import { params, ref } from '../schemas.ts';
import type { RouteModule } from './route.ts';

/**
 * The nonce a new transaction must carry: the committed one plus this wallet's pending
 * transactions, counted by the mempool (a walk over the mempool cost each request up to its 50,000 txs).
 */
function nextNonce(chain: ChainView, id: string, committed: bigint): bigint {
  return committed + BigInt(chain.mempool.pendingOf(id));
}

export const accountRoutes: RouteModule = (app, { chain }) => {
  app.get<{ Params: { id: string } }>('/v1/accounts/:id', {
    schema: { summary: 'Balance, staked, unbonding, pending and claimable rewards, total assets and nonce of an account', tags: ['accounts'], params: params.account },
    config: { openapi: { responses: { 200: ref('Account'), 400: ref('Error') } } },
  }, async (req) => {
    const given = req.params.id.toLowerCase();
    const id = SYSTEM_ACCOUNT_IDS[given as SystemAccountName] ?? given;
    const account = accountIn(chain.state, id);
    // Exact: the settlement a claim would run, on a scratch overlay (docs/protocol.md §17.6); bounded by the active proposals.
    return { ...(accountJson(id, account, nextNonce(chain, id, account.nonce)) as object), claimable_rewards: claimableRewards(chain.state, id).toString() };
  });
};
