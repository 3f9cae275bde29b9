/**
 * `dchat stake`: stake, unstake (unbonds for unbonding_blocks), relay registration, the
 * authority's slash, and a status view of an account's stake and the relay set (docs/protocol.md §13.4).
 */
import type { Command } from 'commander';
import { type AccountFlags, accountOf, accountOption } from '../account-flag.ts';
import type { Json } from '../client.ts';
import { makeContext } from '../context.ts';
import { atBlock, formatTokens } from '../format.ts';
import type { CliIo } from '../io.ts';
import { fields, grid, rows, section } from '../table.ts';
import { type TxFlags, big, queryCommand, sum, txCommand } from '../token/command.ts';
import { readAfter, simpleTxAction, txAction } from '../tx/command-action.ts';
import { parseAmount } from '../values.ts';

type AccountJson = Json & { unbonding: Json[] };

export function registerStake(program: Command, io: CliIo): void {
  const stake = program.command('stake').description('staking, unbonding, relays and slashing (a client of the node API)');

  txCommand(stake, 'stake', 'move tokens from the balance into the stake', 'own')
    .requiredOption('--amount <tokens>', 'tokens to stake')
    .action(simpleTxAction<TxFlags & { amount: string }>(io, {
      signer: 'none',
      op: (f) => ({ type: 'stake', amount: parseAmount('--amount', f.amount) }),
      title: 'Staked',
      lines: (events, op) => rows([['Staked', formatTokens(op.type === 'stake' ? op.amount : 0n), 'tokens'], ['Fee Burned', formatTokens(sum(events.burns)), 'tokens']], 34),
    }));

  txCommand(stake, 'unstake', 'start unbonding staked tokens; they return to the balance after unbonding_blocks', 'own')
    .requiredOption('--amount <tokens>', 'tokens to unstake')
    .action(txAction(io, {
      signer: 'none',
      op: (f: TxFlags & { amount: string }) => ({ type: 'unstake', amount: parseAmount('--amount', f.amount) }) as const,
      outcome: async ({ ctx, signer, op, result }) => {
        const account = await readAfter<AccountJson>(ctx, result, `/v1/accounts/${signer.walletId}`);
        // The entry this unstake made is the newest: unbonding entries are kept in the order they start.
        const entry = account?.unbonding.at(-1);
        return {
          title: 'Unbonding started',
          details: { signer: signer.walletId, op: op.type, amount: op.amount.toString(), returns_at: entry?.deadline ?? null, account },
          lines: (events) => rows([
            ['Unstaked', formatTokens(op.amount), 'tokens'],
            ['Returns at', entry === undefined ? '-' : atBlock(String(entry.deadline))],
            ['Still Staked', account === null ? '-' : formatTokens(big(account.staked)), 'tokens'],
            ['Unbonding', account === null ? '-' : formatTokens(big(account.unbonding_total)), 'tokens'],
            ['Fee Burned', formatTokens(sum(events.burns)), 'tokens'],
          ], 34),
        };
      },
    }));

  txCommand(stake, 'register-relay', 'register the signing wallet as a relay (needs relay_min_stake staked)', 'own')
    .action(txAction(io, {
      signer: 'none',
      op: (_f: TxFlags) => ({ type: 'register-relay' }) as const,
      outcome: async ({ ctx, signer, op, result }) => {
        const account = await readAfter<AccountJson>(ctx, result, `/v1/accounts/${signer.walletId}`);
        const relay = (await readAfter<Json[]>(ctx, result, '/v1/relays?limit=1000'))?.find((r) => r.id === signer.walletId) ?? null;
        return {
          title: 'Relay registered',
          details: { signer: signer.walletId, op: op.type, relay },
          lines: (events) => [
            ...fields([['Relay', signer.walletId], ['Shares Payouts', relay === null ? '-' : relay.eligible === true ? 'yes' : 'no: staked below relay_min_stake']]),
            ...rows([['Staked', account === null ? '-' : formatTokens(big(account.staked)), 'tokens'], ['Fee Burned', formatTokens(sum(events.burns)), 'tokens']], 34),
          ],
        };
      },
    }));

  txCommand(stake, 'deregister-relay', 'stop being a relay', 'own')
    .action(simpleTxAction<TxFlags>(io, { signer: 'none', op: () => ({ type: 'deregister-relay' }), title: 'Relay deregistered' }));

  accountOption(txCommand(stake, 'slash', 'authority: burn from an account\'s stake, then its unbonding entries (newest first)', 'authority'), 'the slashed account')
    .requiredOption('--amount <tokens>', 'tokens to burn')
    .action(simpleTxAction<TxFlags & AccountFlags & { amount: string }>(io, {
      signer: 'authority',
      op: (f) => ({ type: 'slash', account: accountOf(io, f, 'the slashed account'), amount: parseAmount('--amount', f.amount) }),
      title: 'Slashed',
      lines: (events) => rows([['Burned (slash)', formatTokens(sum(events.burns, 'slash')), 'tokens']], 34),
    }));

  accountOption(queryCommand(stake, 'status', 'an account\'s stake and unbonding entries, and the registered relays'), 'the account')
    .action(async (flags: AccountFlags) => {
      const id = accountOf(io, flags, 'the account');
      const ctx = makeContext(io, flags);
      const account = await ctx.client.get<AccountJson>(`/v1/accounts/${id}`);
      const relays = await ctx.client.get<Json[]>('/v1/relays');
      const relay = relays.find((r) => r.id === id);
      ctx.print({ account, relay: relay ?? null }, [
        ...section('🔒 Stake'),
        ...fields([['User ID', id], ['Relay', relay === undefined ? 'not registered' : relay.eligible ? 'registered, earning' : 'registered, below relay_min_stake']]),
        ...rows([
          ['Staked', formatTokens(big(account.staked)), 'tokens'],
          ['Unbonding', formatTokens(big(account.unbonding_total)), 'tokens'],
          ['Pending Rewards', formatTokens(big(account.pending_rewards)), 'tokens'],
        ], 34),
        ...(account.unbonding.length === 0
          ? []
          : grid([{ header: 'Unbonding', align: 'right' }, { header: 'Returns at block', align: 'right' }], account.unbonding.map((e) => [formatTokens(big(e.amount)), String(e.deadline)]))),
      ]);
    });
}
