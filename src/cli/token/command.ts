/**
 * Building blocks of `dchat token` subcommands: the shared flags (--node, --json; and for commands
 * that sign, --from, --data-dir, --no-wait, --timeout), and how a transaction's outcome is printed.
 */
import type { Command } from 'commander';
import { atBlock } from '../format.ts';
import type { Json } from '../client.ts';
import type { CommonFlags, Context } from '../context.ts';
import { SYSTEM_ACCOUNTS, SYSTEM_ACCOUNT_IDS } from '../../tokenomics/index.ts';
import { section } from '../table.ts';
import type { SendOptions, TxEvents, TxResult } from '../tx/submit.ts';
import { parseCount } from '../values.ts';

export interface TxFlags extends CommonFlags {
  from?: string;
  wait: boolean;
  timeout: string;
}

export function queryCommand(parent: Command, name: string, description: string): Command {
  return parent
    .command(name)
    .description(description)
    .option('--node <url>', 'node API URL, with or without /v1 (default $DCHAT_NODE, else the API URL a node left in --data-dir, else http://127.0.0.1:7545)')
    .option('--data-dir <dir>', 'the keystore (<dir>/keystore: key names as accounts) and the API URL of a node run there (default $DCHAT_DATA_DIR or ~/.dchat)')
    .option('--json', 'print JSON instead of a table (errors too)');
}

export function txCommand(parent: Command, name: string, description: string, signer: 'authority' | 'own'): Command {
  const from = signer === 'authority' ? 'signing key: name or wallet id (default: the key named "authority")' : 'signing key: name or wallet id in the keystore';
  return queryCommand(parent, name, description)
    .option('--from <key>', from)
    .option('--no-wait', 'print the tx hash once the node accepts it; do not wait for its block')
    .option('--timeout <seconds>', 'how long to wait for inclusion', '60');
}

export function sendOptions(flags: TxFlags): SendOptions {
  return { wait: flags.wait, timeoutMs: Number(parseCount('--timeout', flags.timeout, 1n, 86_400n)) * 1000 };
}

export const big = (value: unknown): bigint => BigInt(value as string);

export function sum(events: readonly Json[], reason?: string): bigint {
  return events.filter((e) => reason === undefined || e.reason === reason).reduce((total, e) => total + big(e.amount), 0n);
}

const SYSTEM_NAMES = new Map<string, string>(SYSTEM_ACCOUNTS.map((name) => [SYSTEM_ACCOUNT_IDS[name], name]));

/** An account id as people know it: system accounts by name. */
export function accountLabel(id: unknown): string {
  if (typeof id !== 'string') return '-';
  return SYSTEM_NAMES.get(id) ?? id;
}

/**
 * Prints a transaction's outcome: under --json `{hash, status, height, events, ...details}`; on a
 * terminal a titled section. A --no-wait submission prints only its hash.
 */
export function printOutcome(
  ctx: Context,
  result: TxResult,
  outcome: { title: string; details?: Record<string, unknown>; lines?: (events: TxEvents) => string[] },
): void {
  const json = { hash: result.hash, status: result.status, height: result.height?.toString() ?? null, ...outcome.details, events: result.events };
  if (result.status === 'pending') {
    ctx.print(json, [`📨 Submitted ${result.hash} (pending); GET /v1/txs/${result.hash} shows its status.`]);
    return;
  }
  ctx.print(json, [
    ...section(`✅ ${outcome.title} (${atBlock(result.height ?? 0n)})`),
    ...(outcome.lines?.(result.events) ?? []),
    `Tx Hash: ${result.hash}`,
  ]);
}
