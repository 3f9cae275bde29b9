/**
 * `dchat gov` end to end on one dev node (periods of 10 blocks, min deposit 1,000, 250 ms blocks):
 * every proposal kind submitted, voted and executed through the CLI, several at once; a
 * param-change of burn_rate_bps from 100 to 200 makes the next 1,000-token transfer burn 20; the
 * authority retired by set-authority with no keys, its own operations then refused, and
 * governance still able to act (a treasury-spend passes after the retirement).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../../src/cli/errors.ts';
import { META_AUTHORITY, META_PENDING_VALIDATORS, META_VALIDATORS, SYSTEM_ACCOUNT_IDS } from '../../../src/tokenomics/index.ts';
import { waitFor } from '../../integration/node-client.ts';
import { type CliResult, type DevNode, cli, closedPort, startDevNode } from './harness.ts';

type Json = Record<string, unknown>;
let dev: DevNode;
/** dev-fund's balance before the deflation-burn and the schedule paying it. */
let devFundBefore = 0n;
/** Voting periods of 10 blocks: long enough for a CLI command or two between a proposal and its vote. */
const BLOCK_TIME_MS = 500;
const RECIPIENT = '2b0c9a4e-1f3d-4e5a-8b6c-7d8e9f0a1b2c';

const run = (args: readonly string[]): Promise<CliResult> => cli([...args, '--node', dev.url], { env: { DCHAT_DATA_DIR: dev.dataDir } });

async function ok(args: readonly string[]): Promise<CliResult> {
  const out = await run(args);
  expect(out.code, `${args.join(' ')}\n${out.stderr}`).toBe(0);
  return out;
}

/** Submits without waiting for the block (the mempool chains the wallet's nonces) and returns the proposal id. */
async function propose(kind: string, flags: readonly string[], deposit = '1000'): Promise<string> {
  const out = await ok(['gov', 'propose', kind, ...flags, '--title', `${kind} by the e2e test`, '--deposit', deposit, '--from', 'dev', '--no-wait', '--json']);
  return out.json<{ proposal_id: string }>().proposal_id;
}

/**
 * Proposes and votes at once (both in the mempool, chained by nonce), so the vote lands well inside
 * the 10-block voting period; a deposit below min_deposit is completed by `gov deposit` first.
 */
async function proposeAndVote(kind: string, flags: readonly string[], deposit = '1000'): Promise<string> {
  const id = await propose(kind, flags, deposit);
  if (deposit !== '1000') await ok(['gov', 'deposit', '--proposal-id', id, '--amount', String(1000 - Number(deposit)), '--from', 'dev', '--no-wait']);
  await ok(['gov', 'vote', '--proposal-id', id, '--option', 'yes', '--from', 'dev', '--no-wait']);
  return id;
}

const show = async (id: string): Promise<Json> => (await ok(['gov', 'show', '--proposal-id', id, '--json'])).json();

/** Waits until every proposal is closed and returns their statuses. */
async function outcomes(ids: readonly string[]): Promise<string[]> {
  return waitFor('the tallies', async () => {
    const statuses = await Promise.all(ids.map(async (id) => String((await show(id)).status)));
    return statuses.every((s) => s !== 'deposit' && s !== 'voting') ? statuses : undefined;
  }, 30_000, 250);
}

const balance = async (id: string): Promise<bigint> => BigInt((await ok(['token', 'balance', '--user-id', id, '--json'])).json<{ balance: string }>().balance);

beforeAll(async () => {
  dev = await startDevNode(BLOCK_TIME_MS);
  for (const name of ['dev', 'authority']) {
    const imported = await cli(['keys', 'import', '--name', name, '--file', join(dev.dataDir, 'keys', `${name}.json`), '--data-dir', dev.dataDir, '--json']);
    expect(imported.code, imported.stderr).toBe(0);
  }
  // The dev wallet is the only staker: its vote alone meets the quorum.
  await ok(['stake', 'stake', '--from', 'dev', '--amount', '100000']);
});

afterAll(async () => {
  await dev?.close();
});

describe('dchat gov', () => {
  let scheduleId = '';

  it('treasury-spend, param-change, deflation-burn, create-schedule and set-validators in parallel: each passes and executes', async () => {
    const transferBefore = (await ok(['token', 'transfer', '--from', 'dev', '--to', RECIPIENT, '--amount', '1000', '--json'])).json<{ fee_burned: string }>();
    expect(transferBefore.fee_burned).toBe('10');
    const treasury = await balance('treasury');
    devFundBefore = await balance('dev-fund');
    const recipient = await balance(RECIPIENT);
    const validatorKey = (dev.node.chain.state.get(META_VALIDATORS) as unknown as { publicKey: string }[])[0]!.publicKey;
    const ids = {
      spend: await proposeAndVote('treasury-spend', ['--to', RECIPIENT, '--amount', '5000']),
      burnRate: await proposeAndVote('param-change', ['--name', 'burn_rate_bps', '--value', '200']),
      // Below min_deposit: it waits in its deposit period until `gov deposit` completes it.
      burn: await proposeAndVote('deflation-burn', ['--from-account', 'dev-fund', '--amount', '777'], '250'),
      schedule: await proposeAndVote('create-schedule', ['--recipient-type', 'dev-fund', '--amount', '10', '--interval-blocks', '5']),
      // The same validator key with a new reward wallet: the dev node stays the one validator.
      validators: await proposeAndVote('set-validators', ['--validator', `${validatorKey}:${RECIPIENT}`, '--activation-height', '0']),
    };
    // A vote replaced by the same option, waiting for its block: by then every earlier transaction is in too.
    await ok(['gov', 'vote', '--proposal-id', ids.validators, '--option', 'yes', '--from', 'dev']);

    // The newest proposal is still voting (its 10 blocks started a command ago). Proposals of one
    // block are listed by id, so it need not be the first when the others share its block.
    const open = (await ok(['gov', 'list', '--status', 'open', '--json'])).json<Json[]>().map((p) => p.id);
    expect(open).toContain(ids.validators);
    const tally = (await ok(['gov', 'tally', '--proposal-id', ids.validators, '--json'])).json();
    expect(tally).toMatchObject({ status: 'voting', yes: '100000', turnout: '100000', outcome_now: 'passed' });
    const table = await ok(['gov', 'tally', '--proposal-id', ids.validators]);
    expect(table.stdout).toMatch(/^Yes: +100,000 \(100\.00% of yes\+no\+veto; passes above 50\.00%\)$/m);
    expect(table.stdout).toMatch(/^Outcome Now: +passed$/m);

    expect(await outcomes(Object.values(ids))).toEqual(['passed', 'passed', 'passed', 'passed', 'passed']);
    // treasury-spend: 5,000 under the fee rule at the old rate (1 % burned, 4,950 delivered): it executes before the param-change, created after it.
    expect(await balance(RECIPIENT) - recipient).toBe(4_950n);
    expect(treasury - await balance('treasury')).toBe(5_000n);
    // deflation-burn: 777 burned with reason deflation (out of dev-fund: checked once the schedule paying it is cancelled).
    const burns = (await ok(['token', 'burn-history', '--reason', 'deflation', '--json'])).json<Json[]>();
    expect(burns).toEqual([expect.objectContaining({ amount: '777', burner: SYSTEM_ACCOUNT_IDS['dev-fund'] })]);
    const schedules = (await ok(['token', 'list-schedules', '--json'])).json<Json[]>();
    const schedule = schedules.find((s) => s.recipient_type === 'dev-fund' && s.amount_per_interval === '10')!;
    expect(schedule).toMatchObject({ interval_blocks: '5', cancelled: false });
    scheduleId = String(schedule.id);
    // set-validators: pending until its activation height (at least 2n + 1 = 3 blocks after execution), then in force.
    const passed = await show(ids.validators);
    const state = dev.node.chain.state;
    await waitFor('the new validator set', async () => (state.get(META_PENDING_VALIDATORS) === undefined ? true : undefined));
    expect(state.get(META_VALIDATORS)).toEqual([{ publicKey: validatorKey, rewardWallet: RECIPIENT }]);
    expect(passed.closed_height).toBe(passed.voting_end);

    // param-change: burn_rate_bps is 200 now, and the next 1,000-token transfer burns 20.
    expect((await ok(['token', 'stats', '--json'])).json()).toMatchObject({ burn_rate_bps: '200' });
    const transferAfter = await ok(['token', 'transfer', '--from', 'dev', '--to', RECIPIENT, '--amount', '1000', '--json']);
    expect(transferAfter.json()).toMatchObject({ fee_burned: '20', delivered: '980' });

    const list = await ok(['gov', 'list', '--status', 'passed']);
    expect(list.stdout).toMatch(/^🏛️ {2}Proposals \(5\):$/m);
    expect(list.stdout).toMatch(/param-change by the e2e test +param-change +passed +1,000 +100,000 +0 +0 +- +[0-9a-f-]{36}/);
  });

  it('cancel-schedule and set-authority with no keys: the authority is retired, and governance still acts', async () => {
    const ids = [await proposeAndVote('cancel-schedule', ['--schedule-id', scheduleId]), await proposeAndVote('set-authority', ['--retire'])];
    expect(await outcomes(ids)).toEqual(['passed', 'passed']);
    const schedules = (await ok(['token', 'list-schedules', '--json'])).json<Json[]>();
    const cancelled = schedules.find((s) => s.id === scheduleId)!;
    expect(cancelled).toMatchObject({ cancelled: true });
    // What dev-fund lost and gained: the deflation-burn's 777 out, the schedule's payouts in.
    expect(await balance('dev-fund') - devFundBefore).toBe(BigInt(cancelled.paid_total as string) - 777n);
    await waitFor('the retirement', async () => ((dev.node.chain.state.get(META_AUTHORITY) as unknown as { pending: unknown }).pending === null ? true : undefined));
    expect(dev.node.chain.state.get(META_AUTHORITY)).toMatchObject({ keys: [] });

    // The former authority key may no longer do what only the authority did.
    const refused = await run(['token', 'create-schedule', '--recipient-type', 'treasury', '--amount', '1', '--interval-blocks', '10']);
    expect(refused.code, refused.stderr).toBe(EXIT_CODES.refused);
    expect(refused.stderr).toMatch(/^error Unauthorized: /);

    // Governance still spends the treasury.
    const before = await balance(RECIPIENT);
    const spend = await proposeAndVote('treasury-spend', ['--to', RECIPIENT, '--amount', '2000']);
    expect(await outcomes([spend])).toEqual(['passed']);
    // Under the fee rule at the burn rate governance set: 2 % of 2,000 burned.
    expect(await balance(RECIPIENT) - before).toBe(1_960n);
    const shown = await ok(['gov', 'show', '--proposal-id', spend]);
    expect(shown.stdout).toMatch(/^Status: +passed$/m);
    expect(shown.stdout).toMatch(/^from_account: +treasury$/m);
  });

  it('bad values are refused before any request', async () => {
    const port = await closedPort();
    const id = '6f1c3b52-7d4e-4c3a-9b1a-2f5e8d7c6b5a';
    for (const args of [
      ['gov', 'propose', 'param-change', '--name', 'no_such_param', '--value', '1', '--title', 't', '--deposit', '1000'],
      ['gov', 'propose', 'param-change', '--name', 'burn_rate_bps', '--value', '10001', '--title', 't', '--deposit', '1000'],
      ['gov', 'propose', 'treasury-spend', '--to', 'nobody', '--amount', '1', '--title', 't', '--deposit', '1000'],
      ['gov', 'propose', 'set-authority', '--title', 't', '--deposit', '1000'],
      ['gov', 'propose', 'set-validators', '--validator', 'abc:def', '--activation-height', '1', '--title', 't', '--deposit', '1000'],
      ['gov', 'propose', 'no-such-kind', '--title', 't', '--deposit', '1000'],
      ['gov', 'vote', '--proposal-id', id, '--option', 'maybe'],
      ['gov', 'deposit', '--proposal-id', 'x', '--amount', '5'],
      ['gov', 'list', '--status', 'closed'],
      ['gov', 'show', '--proposal-id', 'not-a-uuid'],
    ]) {
      const out = await cli([...args, '--node', `http://127.0.0.1:${port}`], { env: { DCHAT_DATA_DIR: dev.dataDir } });
      expect(out.code, args.join(' ')).toBe(EXIT_CODES.usage);
      expect(out.stderr).toMatch(/^error \w+: /);
    }
    const unknown = await run(['gov', 'show', '--proposal-id', id]);
    expect(unknown.code).toBe(EXIT_CODES.refused);
    expect(unknown.stderr).toMatch(/^error UnknownProposal: /);
  });
});
