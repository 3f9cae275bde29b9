/**
 * The one account flag of commands about one account (balance, burn, stake status, slash):
 * `--user-id`, with `--account` as its alias, so that every command takes both the same way.
 * Either takes a wallet UUID, a system account name or a key name from the keystore.
 */
import type { Command } from 'commander';
import type { Uuid } from '../tokenomics/index.ts';
import { type CommonFlags, keyNames } from './context.ts';
import { usageError } from './errors.ts';
import type { CliIo } from './io.ts';
import { parseAccount } from './values.ts';

export interface AccountFlags extends CommonFlags {
  userId?: string;
  account?: string;
}

/** Adds --user-id and its alias --account; `what` says whose account it is ("the account to burn from"). */
export function accountOption(command: Command, what: string): Command {
  return command
    .option('--user-id <id>', `${what}: wallet UUID, key name or system account name`)
    .option('--account <id>', 'same as --user-id');
}

/** The account the flags name; refuses none, or both naming different accounts, before any request. */
export function accountOf(io: CliIo, flags: AccountFlags, what: string): Uuid {
  const keys = keyNames(io, flags);
  const byUserId = flags.userId === undefined ? undefined : parseAccount('--user-id', flags.userId, keys);
  const byAccount = flags.account === undefined ? undefined : parseAccount('--account', flags.account, keys);
  if (byUserId !== undefined && byAccount !== undefined && byUserId !== byAccount) {
    throw usageError('InvalidParameter', `--user-id and --account name the same thing; give one (they name ${byUserId} and ${byAccount}).`);
  }
  const account = byUserId ?? byAccount;
  if (account === undefined) throw usageError('MissingOption', `Name ${what} with --user-id (or --account).`);
  return account;
}
