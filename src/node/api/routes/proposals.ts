/**
 * GET /v1/proposals and /v1/proposals/{id}: governance proposals (docs/protocol.md §17), newest
 * first, from the API's collection index; one proposal with its deposits, its running tally and a
 * page of its votes (by voter id). A page costs O(limit) reads whatever the number of proposals
 * or votes: the tally is the one the chain keeps running, never a walk over the votes.
 */
import { ErrorCode, type Proposal, proposalKey } from '../../../tokenomics/index.ts';
import { ApiError } from '../../http/errors.ts';
import { proposalJson, voteJson } from '../governance-json.ts';
import { governanceQuery } from '../governance-schemas.ts';
import { withNext } from '../paging.ts';
import { listOf, params, ref } from '../schemas.ts';
import type { RouteModule } from './route.ts';

interface Page {
  limit: number;
  cursor?: string;
}

const isOpen = (p: Proposal): boolean => p.status === 'deposit' || p.status === 'voting';

export const proposalRoutes: RouteModule = (app, { chain }) => {
  const { collections } = app;

  app.get<{ Querystring: Page & { status?: string; proposer?: string } }>('/v1/proposals', {
    schema: { summary: 'Governance proposals, newest first, by status or proposer, with their running tallies', tags: ['governance'], querystring: governanceQuery.proposals },
    config: { openapi: { responses: { 200: listOf('Proposal'), 400: ref('Error') } } },
  }, async (req, reply) => {
    const { status, limit, cursor } = req.query;
    const proposer = req.query.proposer?.toLowerCase();
    const where = status === undefined ? undefined : status === 'open' ? isOpen : (p: Proposal) => p.status === status;
    const page = collections.page('proposal', proposer === undefined ? 'all' : `proposer:${proposer}`, {
      limit, ...(cursor === undefined ? {} : { cursor }), ...(where === undefined ? {} : { where }),
    });
    const state = chain.state;
    return withNext(reply, { items: page.items.map((p) => proposalJson(state, p)), next: page.next });
  });

  app.get<{ Params: { id: string }; Querystring: Page }>('/v1/proposals/:id', {
    schema: { summary: 'One proposal: payload, deposits, running tally, deadlines, rewards and a page of its votes', tags: ['governance'], params: params.uuid, querystring: governanceQuery.proposalVotes },
    config: { openapi: { responses: { 200: { allOf: [ref('Proposal'), { type: 'object', properties: { votes: listOf('ProposalVote') } }] }, 400: ref('Error'), 404: ref('Error') } } },
  }, async (req, reply) => {
    const id = req.params.id.toLowerCase();
    const state = chain.state;
    const proposal = state.get(proposalKey(id)) as Proposal | undefined;
    if (proposal === undefined) throw new ApiError(ErrorCode.UnknownProposal, `No proposal ${id}.`);
    const { limit, cursor } = req.query;
    const page = collections.page('vote', `proposal:${id}`, { limit, oldestFirst: true, ...(cursor === undefined ? {} : { cursor }) });
    const votes = page.items.map((vote, i) => voteJson(page.ids[i]!, vote));
    return withNext(reply, { items: { ...(proposalJson(state, proposal) as object), votes }, next: page.next });
  });
};
