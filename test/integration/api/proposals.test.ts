/**
 * GET /v1/proposals and /v1/proposals/{id} on a real dev node (gov periods of 10 blocks, min deposit
 * 1,000): newest first, paged through x-next-cursor, filtered by status and proposer; one proposal
 * with its decoded payload, deposits, running tally (following a voter's stake) and a page of
 * votes; the tallied outcome and its voter reward, and the account's claimable_rewards being
 * exactly what claim-rewards then pays; an expiry.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readKeyFile } from '../../../src/node/key-files.ts';
import { IdSource, SYSTEM_ACCOUNT_IDS } from '../../../src/tokenomics/index.ts';
import { namedKey } from '../../unit/chain/chain-fixture.ts';
import { type DevNode, startDevNode } from '../../e2e/cli/harness.ts';
import { type SigningKey, api, includeTx, waitFor } from '../node-client.ts';

type Json = Record<string, unknown>;
let dev: DevNode;
let devKey: SigningKey;
const voters: SigningKey[] = [81, 82, 83].map((seed) => {
  const key = namedKey(seed);
  return { publicKeyHex: key.hex, secretKey: key.secretKey, walletId: key.wallet };
});
/** The voters' stakes, in order. */
const STAKES = [1_000n, 2_000n, 3_000n];
const RECIPIENT = '6f1c3b52-7d4e-4c3a-9b1a-2f5e8d7c6b5a';
let burnRate = '';
let spend = '';
let burn = '';

const get = <T = Json>(path: string) => api<T>(dev.url, path);
const submit = async (key: SigningKey, op: Json): Promise<string> =>
  IdSource.forTx((await includeTx(dev.url, key, { type: 'submit-proposal', ...op } as never)).hash).id('proposal');

/** Every page of a list route, following x-next-cursor. */
async function allPages(path: string): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const res = await fetch(`${dev.url}${path}${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`);
    ids.push(...((await res.json()) as Json[]).map((p) => String(p.id)));
    cursor = res.headers.get('x-next-cursor');
    pages++;
  } while (cursor !== null);
  return { ids, pages };
}

beforeAll(async () => {
  dev = await startDevNode();
  devKey = readKeyFile(dev.node.dev!.devKeyFile);
  for (const [i, voter] of voters.entries()) {
    await includeTx(dev.url, devKey, { type: 'transfer', to: voter.walletId, amount: 20_000n });
    await includeTx(dev.url, voter, { type: 'stake', amount: STAKES[i]! });
  }
  burnRate = await submit(devKey, { kind: 'param-change', payload: { name: 'burn_rate_bps', value: 200n }, title: 'Burn 2 %', deposit: 1_000n });
  // A quarter of min_deposit: it stays in its deposit period.
  spend = await submit(devKey, { kind: 'treasury-spend', payload: { fromAccount: SYSTEM_ACCOUNT_IDS.treasury, to: RECIPIENT, amount: 777n }, title: 'Pay a contributor', deposit: 250n });
  burn = await submit(voters[0]!, { kind: 'deflation-burn', payload: { fromAccount: SYSTEM_ACCOUNT_IDS.treasury, amount: 5n }, title: 'Burn 5', deposit: 1_000n });
});

afterAll(async () => {
  await dev?.close();
});

describe('GET /v1/proposals', () => {
  it('newest first, one page at a time through x-next-cursor, by status and by proposer', async () => {
    const all = await get<Json[]>('/v1/proposals');
    expect(all.status).toBe(200);
    expect(all.body.map((p) => p.id)).toEqual([burn, spend, burnRate]);
    expect(await allPages('/v1/proposals?limit=1')).toEqual({ ids: [burn, spend, burnRate], pages: 3 });
    const ids = async (query: string) => (await get<Json[]>(`/v1/proposals?${query}`)).body.map((p) => p.id);
    expect(await ids('status=voting')).toEqual([burn, burnRate]);
    expect(await ids('status=deposit')).toEqual([spend]);
    expect(await ids('status=open')).toEqual([burn, spend, burnRate]);
    expect(await ids('status=passed')).toEqual([]);
    expect(await ids(`proposer=${voters[0]!.walletId}`)).toEqual([burn]);
    expect(await ids(`proposer=${devKey.walletId}&status=deposit`)).toEqual([spend]);
  });

  it('refuses a bad status, proposer, limit or cursor with 400 {code, message}', async () => {
    for (const query of ['status=open-ish', 'proposer=nobody', 'limit=0', 'limit=1001', 'cursor=12']) {
      const reply = await get(`/v1/proposals?${query}`);
      expect(reply.status, query).toBe(400);
      expect(reply.body, query).toMatchObject({ code: 'BadRequest' });
    }
  });
});

describe('GET /v1/proposals/{id}', () => {
  it('the decoded payload, the deposits and the deadline of the period it is in', async () => {
    const { status, body } = await get(`/v1/proposals/${spend}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      id: spend, proposer: devKey.walletId, kind: 'treasury-spend', title: 'Pay a contributor', status: 'deposit',
      payload: { from_account: SYSTEM_ACCOUNT_IDS.treasury, to: RECIPIENT, amount: '777' },
      deposits: [{ depositor: devKey.walletId, amount: '250' }], deposited: '250', min_deposit: '1000', voting_end: null, closed_height: null, votes: [],
    });
    expect(body.deadline).toBe(body.deposit_end);
    expect(BigInt(body.deposit_end as string) - BigInt(body.created_height as string)).toBe(10n);
    expect((body.tally as Json).outcome_now).toBeNull();
  });

  it('the running tally follows votes and stake changes; votes come a page at a time, by voter id', async () => {
    for (const [i, option] of (['yes', 'no', 'yes'] as const).entries()) await includeTx(dev.url, voters[i]!, { type: 'vote', proposalId: burnRate, option });
    const before = (await get<{ tally: Json }>(`/v1/proposals/${burnRate}`)).body.tally;
    expect(before).toMatchObject({ yes: '4000', no: '2000', abstain: '0', veto: '0', turnout: '6000', total_staked: '6000', quorum_turnout: '2004', outcome_now: 'passed' });
    // A vote's weight is its voter's stake now: staking 500 more adds 500 to yes.
    await includeTx(dev.url, voters[0]!, { type: 'stake', amount: 500n });
    const after = await get<Json & { tally: Json; votes: Json[] }>(`/v1/proposals/${burnRate}?limit=2`);
    expect(after.body.tally).toMatchObject({ yes: '4500', no: '2000', turnout: '6500', total_staked: '6500' });
    expect(after.body.deadline).toBe(after.body.voting_end);
    const byVoter = [...voters.map((v, i) => ({ voter: v.walletId, weight: String(STAKES[i]! + (i === 0 ? 500n : 0n)), option: ['yes', 'no', 'yes'][i] }))]
      .sort((a, b) => (a.voter < b.voter ? -1 : 1));
    expect(after.body.votes).toEqual(byVoter.slice(0, 2));
    const cursor = (await fetch(`${dev.url}/v1/proposals/${burnRate}?limit=2`)).headers.get('x-next-cursor');
    expect(cursor).not.toBeNull();
    const rest = await get<{ votes: Json[] }>(`/v1/proposals/${burnRate}?limit=2&cursor=${encodeURIComponent(cursor!)}`);
    expect(rest.body.votes).toEqual(byVoter.slice(2));
  });

  it('404 UnknownProposal for an id no proposal has, 400 for one that is no UUID', async () => {
    const unknown = await get('/v1/proposals/00000000-0000-4000-8000-000000000000');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 'UnknownProposal' });
    const bad = await get('/v1/proposals/42');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'BadRequest' });
  });

  it('after the tally: the outcome, the voter reward, and claimable_rewards exactly what claim-rewards pays', async () => {
    const passed = await waitFor('the tally', async () => {
      const reply = await get(`/v1/proposals/${burnRate}`);
      return reply.body.status === 'passed' ? reply.body : undefined;
    });
    expect(passed).toMatchObject({ deadline: null, unsettled_weight: '6500' });
    // gov_voter_reward (1,000,000) out of the reserve, or what the young reserve holds.
    const paid = BigInt(passed.reward_paid as string);
    expect(paid > 0n && paid + BigInt(passed.reward_shortfall as string) === 1_000_000n).toBe(true);
    expect(passed.reward_left).toBe(passed.reward_paid);
    expect(passed.closed_height).toBe(passed.voting_end);
    expect((passed.tally as Json).outcome_now).toBeNull();
    const voter = voters[1]!;
    const account = (await get(`/v1/accounts/${voter.walletId}`)).body;
    // floor(weight × reward_paid / turnout)
    const share = (2_000n * paid) / 6_500n;
    expect(account).toMatchObject({ pending_rewards: '0', claimable_rewards: String(share) });
    const claimed = await includeTx(dev.url, voter, { type: 'claim-rewards' });
    const fee = ((claimed.status.events as { burns: Json[] }).burns).reduce((sum, b) => sum + BigInt(b.amount as string), 0n);
    const balance = BigInt((await get(`/v1/accounts/${voter.walletId}`)).body.balance as string);
    expect(balance).toBe(BigInt(account.balance as string) + share - fee);
    expect((await get(`/v1/accounts/${voter.walletId}`)).body.claimable_rewards).toBe('0');
  });

  it('a proposal whose deposits fell short expires at its deposit_end, and leaves the open ones', async () => {
    const expired = await waitFor('the expiry', async () => {
      const reply = await get(`/v1/proposals/${spend}`);
      return reply.body.status === 'expired' ? reply.body : undefined;
    });
    expect(expired).toMatchObject({ deadline: null, voting_end: null, reward_paid: '0' });
    expect(expired.closed_height).toBe(expired.deposit_end);
    expect((await get<Json[]>('/v1/proposals?status=expired')).body.map((p) => p.id)).toEqual([spend]);
    expect((await get<Json[]>('/v1/proposals?status=open')).body.map((p) => p.id)).not.toContain(spend);
  });
});
