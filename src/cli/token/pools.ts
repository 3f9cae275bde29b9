/**
 * Pool commands: create-pool, list-pools, pool-info, replenish-pool, and the allocation lifecycle
 * (allocate, release-allocation, cancel-allocation). Ids the chain creates are deterministic
 * (docs/protocol.md §6: UUIDv5 of "<kind>:<tx hash>:<index>"), so the CLI names a new pool or allocation from its
 * tx hash and then reads it back from the node.
 */
import type { Command } from 'commander';
import { IdSource } from '../../tokenomics/index.ts';
import { MAX_POOL_NAME_LENGTH } from '../../tokenomics/ops/pools.ts';
import type { Json } from '../client.ts';
import { type CommonFlags, type Context, keyNames, makeContext } from '../context.ts';
import { usageError } from '../errors.ts';
import { formatTokens } from '../format.ts';
import type { CliIo } from '../io.ts';
import { fields, grid, rows, section } from '../table.ts';
import { type Outcome, readAfter, txAction } from '../tx/command-action.ts';
import type { TxResult } from '../tx/submit.ts';
import { parseAccount, parseAmount, parseCount, parseUuid } from '../values.ts';
import { type TxFlags, accountLabel, big, queryCommand, sum, txCommand } from './command.ts';

function poolLines(pool: Json): string[] {
  const rule = pool.auto_replenish as { below: string; up_to: string } | null;
  return [
    ...fields([
      ['Pool ID', String(pool.id)],
      ['Operator', pool.operator === null ? 'authority only' : String(pool.operator)],
      ['Auto-replenish', rule === null ? 'off' : `below ${formatTokens(big(rule.below))}, up to ${formatTokens(big(rule.up_to))}`],
      ['Created', `block ${String(pool.created_height)}`],
      ['Last Replenished', `block ${String(pool.last_replenish_height)}`],
    ]),
    ...rows([
      ['Total', formatTokens(big(pool.total)), 'tokens'],
      ['Available', formatTokens(big(pool.available)), 'tokens'],
      ['Reserved', formatTokens(big(pool.reserved)), 'tokens'],
      ['Pending Allocations', String(pool.pending_allocations)],
    ], 34),
  ];
}

type PoolJson = Json & { allocations: Json[] };

/** After a pool-changing tx: the pool as it now stands (read once the tx is in a block). */
function poolAfter(ctx: Context, result: TxResult, poolId: string): Promise<PoolJson | null> {
  return readAfter<PoolJson>(ctx, result, `/v1/pools/${poolId}`);
}

function poolOutcome(title: string, pool: PoolJson | null, details: Record<string, unknown>, extra: string[] = []): Outcome {
  const { allocations: _allocations, ...summary } = pool ?? { allocations: [] };
  return { title, details: { ...details, pool: pool === null ? null : summary }, lines: () => [...extra, ...(pool === null ? [] : poolLines(pool))] };
}

export function registerPools(token: Command, io: CliIo): void {
  txCommand(token, 'create-pool', 'authority: create a marketplace liquidity pool, minting its initial tokens', 'authority')
    .requiredOption('--name <name>', `pool name (1-${MAX_POOL_NAME_LENGTH} characters)`)
    .requiredOption('--initial-amount <tokens>', 'tokens minted into the pool (reason marketplace-liquidity)')
    .option('--operator <id>', 'a wallet (UUID or key name) that may allocate and release in this pool')
    .option('--auto-replenish-below <tokens>', 'top the pool up from the reserve when available falls below this')
    .option('--auto-replenish-up-to <tokens>', '... up to this many available tokens')
    .action(txAction(io, {
      signer: 'authority',
      op: (flags: TxFlags & { name: string; initialAmount: string; operator?: string; autoReplenishBelow?: string; autoReplenishUpTo?: string }) => {
        const name = flags.name.trim();
        if (name.length === 0 || name.length > MAX_POOL_NAME_LENGTH) throw usageError('InvalidParameter', `--name must have 1 to ${MAX_POOL_NAME_LENGTH} characters.`);
        const initialAmount = parseAmount('--initial-amount', flags.initialAmount, 0n);
        const operator = flags.operator === undefined ? null : parseAccount('--operator', flags.operator, keyNames(io, flags));
        if ((flags.autoReplenishBelow === undefined) !== (flags.autoReplenishUpTo === undefined)) {
          throw usageError('InvalidParameter', 'Give both --auto-replenish-below and --auto-replenish-up-to, or neither.');
        }
        let autoReplenish = null;
        if (flags.autoReplenishBelow !== undefined) {
          const below = parseAmount('--auto-replenish-below', flags.autoReplenishBelow, 0n);
          const upTo = parseAmount('--auto-replenish-up-to', flags.autoReplenishUpTo!, 0n);
          if (below > upTo) throw usageError('InvalidParameter', `--auto-replenish-below (${below}) may not exceed --auto-replenish-up-to (${upTo}).`);
          autoReplenish = { below, upTo };
        }
        return { type: 'create-pool', name, initialAmount, operator, autoReplenish } as const;
      },
      outcome: async ({ ctx, op, result }) => {
        const poolId = IdSource.forTx(result.hash).id('pool');
        return poolOutcome(`Pool "${op.name}" created`, await poolAfter(ctx, result, poolId), { pool_id: poolId });
      },
    }));

  queryCommand(token, 'list-pools', 'all marketplace liquidity pools')
    .action(async (flags: CommonFlags) => {
      const ctx = makeContext(io, flags);
      const pools = await ctx.client.get<Json[]>('/v1/pools?limit=1000');
      const tokens = (v: unknown): string => `${formatTokens(big(v))} tokens`;
      ctx.print(pools, [
        `🏪 Marketplace Liquidity Pools (${pools.length}):`,
        ...grid(
          [{ header: 'Name', align: 'left' }, { header: 'Total', align: 'right' }, { header: 'Available', align: 'right' }, { header: 'Reserved', align: 'right' }, { header: 'Pool ID', align: 'left' }],
          pools.map((p) => [String(p.name), tokens(p.total), tokens(p.available), tokens(p.reserved), String(p.id)]),
        ),
      ]);
    });

  queryCommand(token, 'pool-info', 'one pool and its allocations')
    .requiredOption('--pool-id <uuid>', 'the pool')
    .action(async (flags: CommonFlags & { poolId: string }) => {
      const poolId = parseUuid('--pool-id', flags.poolId);
      const ctx = makeContext(io, flags);
      const pool = await ctx.client.get<Json & { allocations: Json[] }>(`/v1/pools/${poolId}`);
      ctx.print(pool, [
        ...section(`🏪 Pool: ${String(pool.name)}`),
        ...poolLines(pool),
        '',
        `📋 Allocations (${pool.allocations.length})`,
        ...(pool.allocations.length === 0
          ? ['(none)']
          : grid(
              [{ header: 'Allocation ID', align: 'left' }, { header: 'Amount', align: 'right' }, { header: 'Recipient', align: 'left' }, { header: 'Status', align: 'left' }, { header: 'Deadline', align: 'right' }],
              pool.allocations.map((a) => [String(a.id), formatTokens(big(a.amount)), accountLabel(a.recipient), String(a.status), String(a.deadline)]),
            )),
      ]);
    });

  txCommand(token, 'replenish-pool', 'authority: mint more tokens into a pool', 'authority')
    .requiredOption('--pool-id <uuid>', 'the pool')
    .requiredOption('--amount <tokens>', 'tokens to mint into its available')
    .action(txAction(io, {
      signer: 'authority',
      op: (flags: TxFlags & { poolId: string; amount: string }) => ({ type: 'replenish-pool', poolId: parseUuid('--pool-id', flags.poolId), amount: parseAmount('--amount', flags.amount) }) as const,
      outcome: async ({ ctx, op: { poolId, amount }, result }) =>
        poolOutcome('Pool replenished', await poolAfter(ctx, result, poolId), { pool_id: poolId, amount: amount.toString() }, rows([['Added', formatTokens(amount), 'tokens']], 34)),
    }));

  txCommand(token, 'allocate', 'authority or pool operator: reserve pool tokens for a pending sale', 'authority')
    .requiredOption('--pool-id <uuid>', 'the pool')
    .requiredOption('--amount <tokens>', 'tokens to reserve')
    .requiredOption('--recipient <id>', 'who receives them on release: wallet UUID, key name or system account')
    .option('--expires-in-blocks <n>', 'lifetime in blocks (default 100,800)')
    .action(txAction(io, {
      signer: 'authority',
      op: (flags: TxFlags & { poolId: string; amount: string; recipient: string; expiresInBlocks?: string }) => ({
        type: 'allocate',
        poolId: parseUuid('--pool-id', flags.poolId),
        amount: parseAmount('--amount', flags.amount),
        recipient: parseAccount('--recipient', flags.recipient, keyNames(io, flags)),
        expiresInBlocks: flags.expiresInBlocks === undefined ? null : parseCount('--expires-in-blocks', flags.expiresInBlocks),
      }) as const,
      outcome: async ({ ctx, op: { poolId, amount, recipient }, result }) => {
        const allocationId = IdSource.forTx(result.hash).id('allocation');
        return poolOutcome('Allocation created', await poolAfter(ctx, result, poolId), { pool_id: poolId, allocation_id: allocationId, amount: amount.toString(), recipient },
          fields([['Allocation ID', allocationId], ['Recipient', accountLabel(recipient)]]));
      },
    }));

  for (const [name, type, what] of [
    ['release-allocation', 'release-allocation', 'complete a sale: the recipient receives the tokens (fee rule applies)'],
    ['cancel-allocation', 'cancel-allocation', 'return a pending allocation\'s tokens to the pool'],
  ] as const) {
    txCommand(token, name, `authority or pool operator: ${what}`, 'authority')
      .requiredOption('--pool-id <uuid>', 'the pool')
      .requiredOption('--allocation-id <uuid>', 'the allocation')
      .action(txAction(io, {
        signer: 'authority',
        op: (flags: TxFlags & { poolId: string; allocationId: string }) => ({ type, poolId: parseUuid('--pool-id', flags.poolId), allocationId: parseUuid('--allocation-id', flags.allocationId) }),
        outcome: async ({ ctx, op: { poolId, allocationId }, result }) => {
          const pool = await poolAfter(ctx, result, poolId);
          const allocation = pool?.allocations.find((a) => a.id === allocationId);
          if (type === 'cancel-allocation' || allocation === undefined) {
            return poolOutcome(type === 'release-allocation' ? 'Allocation released' : 'Allocation cancelled', pool, { pool_id: poolId, allocation_id: allocationId });
          }
          // The release pays the recipient under the fee rule: amount less the burned fee arrives.
          const amount = big(allocation.amount);
          const fee = sum(result.events.burns, 'transaction-fee');
          return poolOutcome('Allocation released', pool,
            { pool_id: poolId, allocation_id: allocationId, recipient: allocation.recipient, amount: amount.toString(), fee_burned: fee.toString(), delivered: (amount - fee).toString() },
            [...fields([['Recipient', accountLabel(allocation.recipient)]]), ...rows([['Amount', formatTokens(amount), 'tokens'], ['Fee Burned', formatTokens(fee), 'tokens'], ['Delivered', formatTokens(amount - fee), 'tokens']], 34)]);
        },
      }));
  }
}
