/**
 * `dchat validators`: the validator set in force and the pending one (GET /v1/node), and the
 * authority's `set-validators` (docs/protocol.md §17.7), which schedules a new set for an
 * activation height at least 2n + 1 blocks after the block that includes it. Without
 * --activation-height the command picks the head + 2n + 2 + ACTIVATION_MARGIN, so the transaction
 * may wait a few blocks for inclusion and still be in time.
 */
import type { Command } from 'commander';
import { atBlock } from '../format.ts';
import type { Json } from '../client.ts';
import { type CommonFlags, type Context, makeContext } from '../context.ts';
import type { CliIo } from '../io.ts';
import { grid, rows, section } from '../table.ts';
import { type TxFlags, accountLabel, queryCommand, txCommand } from '../token/command.ts';
import { txAction } from '../tx/command-action.ts';
import { parseCount } from '../values.ts';
import type { Validator } from '../../tokenomics/index.ts';
import { readValidatorSet } from './validator-input.ts';

/** Blocks of slack in the default activation height, for a transaction that waits in the mempool. */
export const ACTIVATION_MARGIN = 10n;

interface NodeSchedule {
  readonly head_height: string;
  readonly validators: Json[];
  readonly pending_validators: { validators: Json[]; activation_height: string } | null;
}

function validatorTable(validators: readonly Json[]): string[] {
  return grid(
    [{ header: '#', align: 'right' }, { header: 'Public Key', align: 'left' }, { header: 'Reward Wallet', align: 'left' }],
    validators.map((v, i) => [String(i + 1), String(v.public_key), accountLabel(v.reward_wallet)]),
  );
}

const asJson = (validators: readonly Validator[]): Json[] => validators.map((v) => ({ public_key: v.publicKey, reward_wallet: v.rewardWallet }));

interface SetFlags extends TxFlags {
  validator?: string[];
  file?: string;
  activationHeight?: string;
}

interface SetParsed {
  readonly validators: Validator[];
  readonly activationHeight: bigint | null;
}

/** The earliest activation height a transaction included now could name, plus the margin. */
async function defaultActivationHeight(ctx: Context): Promise<bigint> {
  const node = await ctx.client.get<NodeSchedule>('/v1/node');
  const n = Math.max(node.validators.length, node.pending_validators?.validators.length ?? 0);
  return BigInt(node.head_height) + 1n + BigInt(2 * n + 1) + ACTIVATION_MARGIN;
}

export function registerValidators(program: Command, io: CliIo): void {
  const validators = program.command('validators').description('the validator set: in force, pending, and the authority\'s set-validators (a client of the node API)');

  queryCommand(validators, 'list', 'the validator set in force at the head, and the pending set with its activation height')
    .action(async (flags: CommonFlags) => {
      const ctx = makeContext(io, flags);
      const node = await ctx.client.get<NodeSchedule>('/v1/node');
      const pending = node.pending_validators;
      ctx.print({ head_height: node.head_height, validators: node.validators, pending_validators: pending }, [
        ...section(`🛡️  Validators in force (${atBlock(String(node.head_height))})`),
        ...validatorTable(node.validators),
        '',
        ...(pending === null
          ? ['No validator set change is pending.']
          : [...section(`⏳ Pending set, in force from ${atBlock(String(pending.activation_height))}`), ...validatorTable(pending.validators)]),
      ]);
    });

  txCommand(validators, 'set', 'authority: replace the validator set from an activation height (2n + 1 blocks ahead at least)', 'authority')
    .option('--validator <key:wallet...>', 'a validator of the new set: its public key (hex) and reward wallet UUID; repeat for each')
    .option('--file <path>', 'a JSON file of the new set: ["<key>:<wallet>", …] or [{ "public_key", "reward_wallet" }, …]')
    .option('--activation-height <height>', `the first block of the new set (default: head + 2n + 2 + ${ACTIVATION_MARGIN})`)
    .action(txAction(io, {
      signer: 'authority',
      parse: (flags: SetFlags): SetParsed => ({
        validators: readValidatorSet(flags),
        activationHeight: flags.activationHeight === undefined ? null : parseCount('--activation-height', flags.activationHeight),
      }),
      complete: async (ctx, parsed) => (parsed.activationHeight !== null ? parsed : { ...parsed, activationHeight: await defaultActivationHeight(ctx) }),
      op: ({ validators: set, activationHeight }) => ({ type: 'set-validators', validators: set, activationHeight: activationHeight! }),
      outcome: ({ op }) => ({
        title: 'Validator set scheduled',
        details: { validators: asJson(op.validators), activation_height: op.activationHeight.toString() },
        lines: () => [
          ...rows([['Activation Height', op.activationHeight.toString()], ['Validators', String(op.validators.length)]], 34),
          ...validatorTable(asJson(op.validators)),
        ],
      }),
    }));
}
