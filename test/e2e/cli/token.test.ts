/**
 * Every `dchat token` command against a real dev node, in-process: human tables and --json with
 * exact numbers (a 1,000 transfer burns 10 and delivers 990), and the node's refusals with their
 * codes and exit codes.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../../src/cli/errors.ts';
import { formatDuration, formatTokens } from '../../../src/cli/format.ts';
import { SYSTEM_ACCOUNT_IDS } from '../../../src/tokenomics/index.ts';
import { type DevNode, cli, closedPort, startDevNode } from './harness.ts';

let dev: DevNode;
let devWallet = '';

/** `dchat token ...` at the test node, with the keystore in its data dir. */
const token = (args: readonly string[], tty = false) =>
  cli(['token', ...args, '--node', dev.url], { env: { DCHAT_DATA_DIR: dev.dataDir }, tty });

type Json = Record<string, unknown> & { events: { mints: Json[]; burns: Json[]; distributions: Json[] } };

beforeAll(async () => {
  dev = await startDevNode();
  for (const name of ['dev', 'authority']) {
    const imported = await cli(['keys', 'import', '--name', name, '--file', join(dev.dataDir, 'keys', `${name}.json`), '--data-dir', dev.dataDir, '--json']);
    expect(imported.code, imported.stderr).toBe(0);
    if (name === 'dev') devWallet = imported.json<{ wallet_id: string }>().wallet_id;
  }
  expect(devWallet).toBe(dev.node.dev!.devWalletId);
});

afterAll(async () => {
  await dev?.close();
});

describe('dchat token (against a dev node)', () => {
  it('stats: the seed table, aligned, and the same figures as JSON', async () => {
    const human = await token(['stats']);
    expect(human.code, human.stderr).toBe(0);
    const lines = human.stdout.split('\n');
    // First the node that answered and its chain, then the seed's table.
    expect(lines[0]).toBe(`Node: ${dev.url}  Chain: ${dev.node.chain.params.chainId}`);
    expect(lines[1]).toBe('💰 Token Supply Statistics');
    expect(lines[2]).toBe('='.repeat(60));
    expect(human.stdout).toContain('📊 Economics');
    expect(human.stdout).toContain('🏪 Marketplace Liquidity');
    expect(human.stdout).toMatch(/^Max Supply: +1,000,000,000,000 tokens \(10\.00% issued\)$/m);
    expect(human.stdout).toMatch(/^Inflation Rate: +5%$/m);
    expect(human.stdout).toMatch(/^Burn Rate: +1%$/m);
    expect(human.stdout).toMatch(/^Total Pool Liquidity: +10,000,000,000 tokens$/m);
    // Every amount ends in the same column, as in the seed.
    const ends = lines.filter((l) => / tokens/.test(l)).map((l) => l.indexOf(' tokens'));
    expect(new Set(ends)).toEqual(new Set([42]));

    const stats = (await token(['stats', '--json'])).json<Record<string, string>>();
    expect(BigInt(stats.total_minted!) - BigInt(stats.total_burned!)).toBe(BigInt(stats.circulating_supply!));
    expect(stats).toMatchObject({ max_supply: '1000000000000', inflation_rate_bps: '500', burn_rate_bps: '100', pool_count: 1 });
    expect(BigInt(stats.head_height!)).toBeGreaterThanOrEqual(0n);
  });

  it('transfer: 1,000 burns 10 and delivers 990 (by key name and by wallet id), and balance shows it', async () => {
    const to = randomUUID();
    const human = await token(['transfer', '--from', 'dev', '--to', to, '--amount', '1000']);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/^✅ Transfer included \(block [\d,]+\)$/m);
    expect(human.stdout).toMatch(/^Amount: +1,000 tokens$/m);
    expect(human.stdout).toMatch(/^Fee Burned: +10 tokens$/m);
    expect(human.stdout).toMatch(/^Delivered: +990 tokens$/m);

    const json = await token(['transfer', '--from', devWallet, '--to', to, '--amount', '1,000', '--json']);
    expect(json.code, json.stderr).toBe(0);
    const outcome = json.json<Json>();
    expect(outcome).toMatchObject({ status: 'included', from: devWallet, to, amount: '1000', fee_burned: '10', delivered: '990' });
    expect(BigInt(outcome.height as string)).toBeGreaterThan(0n);
    expect(outcome.events.burns).toEqual([expect.objectContaining({ amount: '10', reason: 'transaction-fee', burner: devWallet })]);

    const balance = await token(['balance', '--user-id', to, '--json']);
    expect(balance.json()).toMatchObject({ id: to, balance: '1980', total_assets: '1980', nonce: '0' });
    const table = await token(['balance', '--user-id', to]);
    expect(table.stdout).toContain('💰 Wallet Balance');
    expect(table.stdout).toContain(`User ID: ${to}`);
    expect(table.stdout).toMatch(/^Balance: +1,980 tokens$/m);
    expect(table.stdout).toMatch(/^Total Assets: +1,980 tokens$/m);
    expect(table.stdout.split('\n').filter((l) => l.endsWith(' tokens')).map((l) => l.indexOf(' tokens'))).toEqual([34, 34, 34, 34, 34]);
  });

  it('balance accepts a system account name', async () => {
    const treasury = await token(['balance', '--user-id', 'treasury', '--json']);
    expect(treasury.json()).toMatchObject({ id: SYSTEM_ACCOUNT_IDS.treasury, name: 'treasury' });
  });

  it('mint (alias "marketplace") and mint-history with a reason filter', async () => {
    const recipient = randomUUID();
    const minted = await token(['mint', '--amount', '5000', '--reason', 'marketplace', '--recipient', recipient, '--json']);
    expect(minted.code, minted.stderr).toBe(0);
    expect(minted.json<Json>()).toMatchObject({ amount: '5000', reason: 'marketplace-liquidity', recipient });
    expect(minted.json<Json>().events.mints).toEqual([expect.objectContaining({ amount: '5000', reason: 'marketplace-liquidity', recipient })]);
    expect((await token(['balance', '--user-id', recipient, '--json'])).json()).toMatchObject({ balance: '5000' });

    const history = await token(['mint-history', '--limit', '1', '--reason', 'marketplace', '--json']);
    expect(history.json<Json[]>()).toEqual([expect.objectContaining({ amount: '5000', reason: 'marketplace-liquidity', recipient })]);
    const table = await token(['mint-history', '--limit', '3']);
    expect(table.stdout).toMatch(/^🪙 Mint History \(3, newest first\)$/m);
    expect(table.stdout).toMatch(/^ *\d+ +\d{3} +inflation +reserve /m);

    const defaultRecipient = await token(['mint', '--amount', '42', '--reason', 'airdrop', '--json']);
    expect(defaultRecipient.json()).toMatchObject({ recipient: SYSTEM_ACCOUNT_IDS.treasury });
  });

  it('burn: the authority from a system account (deflation), a wallet its own (voluntary, plus the min fee)', async () => {
    const before = BigInt((await token(['stats', '--json'])).json<{ total_burned: string }>().total_burned);
    const system = await token(['burn', '--user-id', 'treasury', '--amount', '777', '--reason', 'deflation', '--json']);
    expect(system.code, system.stderr).toBe(0);
    expect(system.json<Json>().events.burns).toEqual([expect.objectContaining({ amount: '777', reason: 'deflation', burner: SYSTEM_ACCOUNT_IDS.treasury })]);
    const after = BigInt((await token(['stats', '--json'])).json<{ total_burned: string }>().total_burned);
    expect(after - before).toBe(777n);

    const own = await token(['burn', '--account', devWallet, '--amount', '100']);
    expect(own.code, own.stderr).toBe(0);
    // What was burned and the min fee apart, not "Burned: 101".
    expect(own.stdout).toMatch(/^Burned: +100 tokens$/m);
    expect(own.stdout).toMatch(/^Fee Burned: +1 tokens$/m);
    const history = await token(['burn-history', '--limit', '1', '--reason', 'voluntary', '--json']);
    expect(history.json<Json[]>()).toEqual([expect.objectContaining({ amount: '100', reason: 'voluntary', burner: devWallet })]);
    const table = await token(['burn-history', '--limit', '2']);
    expect(table.stdout).toMatch(/^🔥 Burn History/m);
    expect(table.stdout).toMatch(/^ *\d+ +1 +fee +[0-9a-f-]{36} /m);
  });

  it('pools: create, list, info, replenish, allocate, release (fee rule) and cancel', async () => {
    const created = await token(['create-pool', '--name', 'Digital Goods', '--initial-amount', '50000000', '--auto-replenish-below', '1000', '--auto-replenish-up-to', '5000', '--json']);
    expect(created.code, created.stderr).toBe(0);
    const pool = created.json<Json & { pool_id: string; pool: Json }>();
    expect(pool.pool).toMatchObject({ id: pool.pool_id, name: 'Digital Goods', total: '50000000', available: '50000000', reserved: '0', auto_replenish: { below: '1000', up_to: '5000' } });
    expect(pool.events.mints).toEqual([expect.objectContaining({ amount: '50000000', reason: 'marketplace-liquidity', pool_id: pool.pool_id })]);

    const list = await token(['list-pools']);
    expect(list.stdout).toMatch(/^🏪 Marketplace Liquidity Pools \(2\):$/m);
    expect(list.stdout).toMatch(new RegExp(`^Digital Goods +50,000,000 tokens +50,000,000 tokens +0 tokens +${pool.pool_id}$`, 'm'));
    const rules = list.stdout.split('\n').filter((l) => /^=+$/.test(l));
    expect(rules).toHaveLength(2);
    // The rules span the table: as wide as its widest row.
    expect(rules[0]!.length).toBe(Math.max(...list.stdout.split('\n').slice(3).filter((l) => !/^=+$/.test(l)).map((l) => l.length)));

    const replenished = await token(['replenish-pool', '--pool-id', pool.pool_id, '--amount', '10000000', '--json']);
    expect(replenished.json<Json & { pool: Json }>().pool).toMatchObject({ total: '60000000', available: '60000000' });

    const buyer = randomUUID();
    const allocated = await token(['allocate', '--pool-id', pool.pool_id, '--amount', '5000000', '--recipient', buyer, '--json']);
    expect(allocated.code, allocated.stderr).toBe(0);
    const allocationId = allocated.json<{ allocation_id: string }>().allocation_id;
    expect(allocated.json<Json & { pool: Json }>().pool).toMatchObject({ available: '55000000', reserved: '5000000', pending_allocations: 1 });

    const info = await token(['pool-info', '--pool-id', pool.pool_id]);
    expect(info.stdout).toMatch(/^🏪 Pool: Digital Goods$/m);
    expect(info.stdout).toMatch(/^Reserved: +5,000,000 tokens$/m);
    expect(info.stdout).toMatch(new RegExp(`^${allocationId} +5,000,000 +${buyer} +pending +\\d+$`, 'm'));

    const released = await token(['release-allocation', '--pool-id', pool.pool_id, '--allocation-id', allocationId, '--json']);
    expect(released.json()).toMatchObject({ amount: '5000000', fee_burned: '50000', delivered: '4950000', recipient: buyer });
    expect((await token(['balance', '--user-id', buyer, '--json'])).json()).toMatchObject({ balance: '4950000' });

    const second = (await token(['allocate', '--pool-id', pool.pool_id, '--amount', '700', '--recipient', buyer, '--expires-in-blocks', '1000', '--json'])).json<{ allocation_id: string }>();
    const cancelled = await token(['cancel-allocation', '--pool-id', pool.pool_id, '--allocation-id', second.allocation_id]);
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect(cancelled.stdout).toMatch(/^Available: +55,000,000 tokens$/m);
    const final = (await token(['pool-info', '--pool-id', pool.pool_id, '--json'])).json<{ allocations: Json[] }>();
    expect(final.allocations.map((a) => [a.id, a.status])).toEqual([[allocationId, 'released'], [second.allocation_id, 'cancelled']]);
  });

  it('schedules: create, process-inflation shows the payout, list, cancel, claim-rewards', async () => {
    const created = await token(['create-schedule', '--recipient-type', 'validators', '--amount', '1000', '--interval-blocks', '1', '--json']);
    expect(created.code, created.stderr).toBe(0);
    const scheduleId = created.json<{ schedule_id: string }>().schedule_id;
    expect(created.json<{ schedule: Json }>().schedule).toMatchObject({ id: scheduleId, recipient_type: 'validators', amount_per_interval: '1000', interval_blocks: '1' });

    const produced = await token(['process-inflation', '--json']);
    expect(produced.code, produced.stderr).toBe(0);
    const block = produced.json<Json & { inflation_minted: string; distributed: string }>();
    // 5% of 100 billion over 5,256,000 blocks: 951 or 952 per block (the carry decides).
    expect(['951', '952']).toContain(block.inflation_minted);
    expect(block.events.mints).toEqual([expect.objectContaining({ reason: 'inflation', amount: block.inflation_minted, recipient: SYSTEM_ACCOUNT_IDS.reserve })]);
    expect(block.events.distributions).toEqual([expect.objectContaining({ schedule_id: scheduleId, recipient_type: 'validators', recipient: devWallet, amount: '1000' })]);
    expect(block.distributed).toBe('1000');
    const mintAtHeight = (await token(['mint-history', '--limit', '50', '--reason', 'inflation', '--json'])).json<Json[]>().find((m) => m.height === block.height);
    expect(mintAtHeight?.amount).toBe(block.inflation_minted);

    const human = await token(['process-inflation']);
    expect(human.stdout).toMatch(/^⛏️ {2}Block \d+ produced$/m);
    expect(human.stdout).toMatch(/^Inflation Minted: +95[12] tokens \(to the reserve\)$/m);
    expect(human.stdout).toMatch(/^ {2}validators +1,000 tokens -> [0-9a-f-]{36}$/m);

    const list = await token(['list-schedules']);
    expect(list.stdout).toMatch(new RegExp(`^validators +1,000 +1 +[\\d,]+ +0 +\\d+ +${scheduleId}$`, 'm'));
    const cancelled = await token(['cancel-schedule', '--schedule-id', scheduleId]);
    expect(cancelled.code, cancelled.stderr).toBe(0);
    const schedule = (await token(['list-schedules', '--json'])).json<Json[]>().find((s) => s.id === scheduleId)!;
    expect(schedule).toMatchObject({ cancelled: true, shortfall_total: '0', next_run_height: null });
    expect(BigInt(schedule.paid_total as string) % 1000n).toBe(0n);

    const claim = await token(['claim-rewards', '--from', 'dev', '--json']);
    expect(claim.code, claim.stderr).toBe(0);
    expect(BigInt(claim.json<{ pending_before: string }>().pending_before)).toBeGreaterThanOrEqual(2000n);
    expect((await token(['balance', '--user-id', devWallet, '--json'])).json()).toMatchObject({ pending_rewards: '0' });
  });

  it('transfer-from-system: the authority pays out of a system account under the fee rule', async () => {
    const to = randomUUID();
    const paid = await token(['transfer-from-system', '--account', 'airdrop', '--to', to, '--amount', '2000', '--json']);
    expect(paid.code, paid.stderr).toBe(0);
    expect(paid.json()).toMatchObject({ from: SYSTEM_ACCOUNT_IDS.airdrop, to, amount: '2000', fee_burned: '20', delivered: '1980' });
  });

  it('--no-wait returns at acceptance; projection samples the future', async () => {
    const pending = await token(['transfer', '--from', 'dev', '--to', randomUUID(), '--amount', '5', '--no-wait', '--json']);
    expect(pending.code, pending.stderr).toBe(0);
    expect(pending.json()).toMatchObject({ status: 'pending', height: null });
    expect(pending.requests.some((u) => u.includes('/v1/txs/'))).toBe(false);

    const projection = await token(['projection', '--blocks', '1000', '--burn-per-block', '10', '--points', '4', '--json']);
    const points = projection.json<{ points: Json[] }>().points;
    expect(points.map((p) => p.blocks_ahead)).toEqual(['250', '500', '750', '1000']);
    expect(points.at(-1)).toMatchObject({ burned: '10000' });
    const table = await token(['projection', '--years', '2']);
    expect(table.stdout).toMatch(/^📈 Supply Projection from block [\d,]+/m);
    // A year is the protocol's inflation year (blocks_per_year blocks), its wall-clock length beside it.
    const { blocksPerYear, blockTimeMs } = dev.node.chain.params;
    expect(table.stdout).toContain(`Span: 2 inflation years = ${formatTokens(2n * blocksPerYear)} blocks, about ${formatDuration(2n * blocksPerYear * blockTimeMs)} at ${blockTimeMs} ms blocks`);
  });

  it('refusals by the node: exit 3 with its code; no node: exit 4', async () => {
    const notAuthority = await token(['mint', '--from', 'dev', '--amount', '5', '--reason', 'airdrop']);
    expect(notAuthority.code).toBe(EXIT_CODES.refused);
    expect(notAuthority.stderr).toMatch(/^error Unauthorized: /);

    const fresh = await cli(['keys', 'new', '--name', 'empty', '--data-dir', dev.dataDir, '--json']);
    expect(fresh.code, fresh.stderr).toBe(0);
    const broke = await token(['transfer', '--from', 'empty', '--to', devWallet, '--amount', '5']);
    expect(broke.code).toBe(EXIT_CODES.refused);
    expect(broke.stderr).toMatch(/^error InsufficientBalance: /);

    const unknownPool = await token(['pool-info', '--pool-id', randomUUID()]);
    expect(unknownPool.code).toBe(EXIT_CODES.refused);
    expect(unknownPool.stderr).toMatch(/^error UnknownPool: /);

    const down = await cli(['token', 'stats', '--node', `http://127.0.0.1:${await closedPort()}`]);
    expect(down.code).toBe(EXIT_CODES.unreachable);
    expect(down.stderr).toMatch(/^error NodeUnreachable: No dchat node answered at http:\/\/127\.0\.0\.1:\d+/);
  });

  it('takes the node from DCHAT_NODE, and draws a progress bar only on a terminal', async () => {
    const viaEnv = await cli(['token', 'stats', '--json'], { env: { DCHAT_NODE: dev.url } });
    expect(viaEnv.code, viaEnv.stderr).toBe(0);

    const onTty = await token(['transfer', '--from', 'dev', '--to', randomUUID(), '--amount', '10'], true);
    expect(onTty.code, onTty.stderr).toBe(0);
    expect(onTty.stderr).toContain('⏳ waiting for the next block [');
    expect(onTty.stderr.endsWith('\r\x1b[2K')).toBe(true);
    const piped = await token(['transfer', '--from', 'dev', '--to', randomUUID(), '--amount', '10']);
    expect(piped.stderr).toBe('');
  });
});
