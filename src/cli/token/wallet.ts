/** Wallet commands: balance, transfer, transfer-from-system, claim-rewards. */
import type { Command } from 'commander';
import { type AccountFlags, accountOf, accountOption } from '../account-flag.ts';
import { isSystemAccount } from '../../tokenomics/index.ts';
import { keyNames, makeContext } from '../context.ts';
import { usageError } from '../errors.ts';
import { formatTokens } from '../format.ts';
import type { CliIo } from '../io.ts';
import { fields, rows, section } from '../table.ts';
import { type Outcome, txAction } from '../tx/command-action.ts';
import type { TxEvents, TxResult } from '../tx/submit.ts';
import { parseAccount, parseAmount } from '../values.ts';
import { type TxFlags, accountLabel, big, queryCommand, sum, txCommand } from './command.ts';

interface AccountJson {
  id: string;
  name: string | null;
  balance: string;
  staked: string;
  unbonding_total: string;
  pending_rewards: string;
  total_assets: string;
  nonce: string;
}

/** The transfer outcome: what left the sender, what the fee rule burned, what arrived. */
function transferLines(amount: bigint, from: string, to: string) {
  return (events: TxEvents): string[] => {
    const fee = sum(events.burns, 'transaction-fee');
    return [
      ...fields([['From', accountLabel(from)], ['To', accountLabel(to)]]),
      ...rows([['Amount', formatTokens(amount), 'tokens'], ['Fee Burned', formatTokens(fee), 'tokens'], ['Delivered', formatTokens(amount - fee), 'tokens']], 34),
    ];
  };
}

function transferOutcome(title: string, amount: bigint, from: string, to: string, result: TxResult): Outcome {
  const fee = result.status === 'included' ? sum(result.events.burns, 'transaction-fee') : null;
  return {
    title,
    details: { from, to, amount: amount.toString(), fee_burned: fee?.toString() ?? null, delivered: fee === null ? null : (amount - fee).toString() },
    lines: transferLines(amount, from, to),
  };
}

export function registerWallet(token: Command, io: CliIo): void {
  accountOption(queryCommand(token, 'balance', 'show an account: balance, staked, unbonding, pending rewards, total assets'), 'the account')
    .action(async (flags: AccountFlags) => {
      const id = accountOf(io, flags, 'the account');
      const ctx = makeContext(io, flags);
      const a = await ctx.client.get<AccountJson>(`/v1/accounts/${id}`);
      ctx.print(a, [
        ...section('💰 Wallet Balance'),
        `User ID: ${a.id}${a.name === null ? '' : ` (${a.name})`}`,
        ...rows([
          ['Balance', formatTokens(big(a.balance)), 'tokens'],
          ['Staked', formatTokens(big(a.staked)), 'tokens'],
          ['Unbonding', formatTokens(big(a.unbonding_total)), 'tokens'],
          ['Pending Rewards', formatTokens(big(a.pending_rewards)), 'tokens'],
          ['Total Assets', formatTokens(big(a.total_assets)), 'tokens'],
        ], 34),
        `Nonce: ${a.nonce}`,
      ]);
    });

  txCommand(token, 'transfer', 'send tokens from a keystore wallet; the fee (burn rate, at least min_fee) is burned', 'own')
    .requiredOption('--to <id>', 'recipient: wallet UUID, key name or system account name')
    .requiredOption('--amount <tokens>', 'tokens the sender pays (the recipient gets this less the fee)')
    .action(txAction(io, {
      signer: 'none',
      op: (flags: TxFlags & { to: string; amount: string }) => ({ type: 'transfer', to: parseAccount('--to', flags.to, keyNames(io, flags)), amount: parseAmount('--amount', flags.amount) }) as const,
      outcome: ({ signer, op, result }) => transferOutcome('Transfer included', op.amount, signer.walletId, op.to, result),
    }));

  txCommand(token, 'transfer-from-system', 'authority: move tokens out of a system account (fee rule applies)', 'authority')
    .requiredOption('--account <name>', 'the system account to pay from (treasury, dev-fund, airdrop, relay-fund, reserve)')
    .requiredOption('--to <id>', 'recipient: wallet UUID, key name or system account name')
    .requiredOption('--amount <tokens>', 'tokens taken from the system account')
    .action(txAction(io, {
      signer: 'authority',
      op: (flags: TxFlags & { account: string; to: string; amount: string }) => {
        const fromAccount = parseAccount('--account', flags.account);
        if (!isSystemAccount(fromAccount)) throw usageError('InvalidAccount', `--account must be a system account, not the wallet ${fromAccount}.`);
        return { type: 'transfer-from-system', fromAccount, to: parseAccount('--to', flags.to, keyNames(io, flags)), amount: parseAmount('--amount', flags.amount) } as const;
      },
      outcome: ({ op, result }) => transferOutcome('System transfer included', op.amount, op.fromAccount, op.to, result),
    }));

  txCommand(token, 'claim-rewards', 'move the signing wallet\'s pending rewards into its balance', 'own')
    .action(txAction(io, {
      signer: 'none',
      op: (_flags: TxFlags) => ({ type: 'claim-rewards' }) as const,
      prepare: (ctx, signer) => ctx.client.get<AccountJson>(`/v1/accounts/${signer.walletId}`),
      outcome: async ({ ctx, signer, result, before }) => {
        // Rewards may accrue between the read and the block, so the claim is "at least" this much.
        const after = result.status === 'included' ? await ctx.client.get<AccountJson>(`/v1/accounts/${signer.walletId}`) : null;
        return {
          title: 'Rewards claimed',
          details: { wallet: signer.walletId, pending_before: before.pending_rewards, balance_after: after?.balance ?? null },
          lines: (events) => rows([
            ['Pending Before', formatTokens(big(before.pending_rewards)), 'tokens'],
            ['Fee Burned', formatTokens(sum(events.burns)), 'tokens'],
            ['Balance Now', formatTokens(big(after?.balance ?? '0')), 'tokens'],
          ], 34),
        };
      },
    }));
}
