/**
 * `dchat gov propose <kind>`: one subcommand per proposal kind (docs/protocol.md §17.2), each with
 * the kind's own flags and the shared --title, --deposit and --from. It prints the proposal id (the
 * chain derives it from the tx hash, §6.3) and, once included, the proposal's status.
 */
import type { Command } from 'commander';
import { CHANGEABLE_PARAMS, IdSource, type ProposalContent, type SubmitProposalOp, isPublicKeyHex } from '../../tokenomics/index.ts';
import type { Json } from '../client.ts';
import { keyNames } from '../context.ts';
import { usageError } from '../errors.ts';
import { atBlock, formatTokens } from '../format.ts';
import type { CliIo } from '../io.ts';
import { fields, rows } from '../table.ts';
import { type TxFlags, big, txCommand } from '../token/command.ts';
import { type ScheduleFlags, parseScheduleFlags, scheduleOptions } from '../token/schedules.ts';
import { txAction } from '../tx/command-action.ts';
import { type KeyNames, parseAccount, parseAmount, parseCount, parseUuid } from '../values.ts';

interface ProposeFlags extends TxFlags {
  title: string;
  deposit: string;
}

type Flags = ProposeFlags & Record<string, string | string[] | boolean | undefined>;

interface KindSpec {
  readonly kind: ProposalContent['kind'];
  readonly description: string;
  readonly options: (command: Command) => Command;
  /** `keys` reads key names as accounts (--to), as --from takes them. */
  readonly payload: (flags: Flags, keys: KeyNames) => ProposalContent['payload'];
}

const text = (flags: Flags, name: string): string => flags[name] as string;

function publicKey(flag: string, value: string): string {
  const key = value.trim().toLowerCase();
  if (!isPublicKeyHex(key)) throw usageError('InvalidKey', `${flag} "${value}" is not a 32-byte hex ed25519 public key.`);
  return key;
}

/** `<public key>:<reward wallet>`, as `--validator` takes it. */
function validator(value: string): { publicKey: string; rewardWallet: string } {
  const [key, wallet, ...rest] = value.split(':');
  if (key === undefined || wallet === undefined || rest.length > 0) {
    throw usageError('InvalidParameter', `--validator "${value}" is not <public key hex>:<reward wallet uuid>.`);
  }
  return { publicKey: publicKey('--validator', key), rewardWallet: parseUuid('--validator', wallet) };
}

const KINDS: readonly KindSpec[] = [
  {
    kind: 'treasury-spend',
    description: 'pay from treasury, dev-fund, airdrop or relay-fund (fee rule)',
    options: (c) => c.option('--from-account <name>', 'treasury, dev-fund, airdrop or relay-fund', 'treasury').requiredOption('--to <id>', 'the recipient: wallet UUID or key name').requiredOption('--amount <tokens>', 'tokens to pay'),
    payload: (f, keys) => ({ fromAccount: parseAccount('--from-account', text(f, 'fromAccount')), to: parseAccount('--to', text(f, 'to'), keys), amount: parseAmount('--amount', text(f, 'amount')) }),
  },
  {
    kind: 'param-change',
    description: `set one parameter within its range: ${Object.keys(CHANGEABLE_PARAMS).join(', ')}`,
    options: (c) => c.requiredOption('--name <param>', 'the parameter (e.g. burn_rate_bps)').requiredOption('--value <n>', 'its new value'),
    payload: (f) => {
      const name = text(f, 'name').trim();
      if (!Object.hasOwn(CHANGEABLE_PARAMS, name)) throw usageError('InvalidParameter', `--name "${name}" is not a parameter governance may change; use one of ${Object.keys(CHANGEABLE_PARAMS).join(', ')}.`);
      const { min, max } = CHANGEABLE_PARAMS[name]!.bound;
      return { name, value: parseCount('--value', text(f, 'value'), min, max) };
    },
  },
  {
    kind: 'deflation-burn',
    description: 'burn tokens of a system account (reason deflation)',
    options: (c) => c.requiredOption('--from-account <name>', 'the system account burned from').requiredOption('--amount <tokens>', 'tokens to burn'),
    payload: (f) => ({ fromAccount: parseAccount('--from-account', text(f, 'fromAccount')), amount: parseAmount('--amount', text(f, 'amount')) }),
  },
  {
    kind: 'create-schedule',
    description: 'open a distribution schedule paid from the reserve',
    options: scheduleOptions,
    payload: (f) => parseScheduleFlags(f as unknown as ScheduleFlags),
  },
  {
    kind: 'cancel-schedule',
    description: 'stop a distribution schedule',
    options: (c) => c.requiredOption('--schedule-id <uuid>', 'the schedule'),
    payload: (f) => ({ scheduleId: parseUuid('--schedule-id', text(f, 'scheduleId')) }),
  },
  {
    kind: 'set-validators',
    description: 'replace the validator set from an activation height (at least 2n + 1 blocks after execution)',
    options: (c) => c.requiredOption('--validator <key:wallet...>', 'each validator as <public key hex>:<reward wallet uuid>').requiredOption('--activation-height <height>', 'the first block of the new set'),
    payload: (f) => ({ validators: (f.validator as string[]).map(validator), activationHeight: parseCount('--activation-height', text(f, 'activationHeight'), 0n) }),
  },
  {
    kind: 'set-authority',
    description: 'replace the authority keys; --retire (no keys) leaves privileged operations to governance alone',
    options: (c) => c.option('--key <hex...>', 'an authority public key (repeat or list several)').option('--retire', 'an empty authority set: retire the authority'),
    payload: (f) => {
      const keys = (f.key as string[] | undefined) ?? [];
      if ((f.retire === true) === (keys.length > 0)) throw usageError('InvalidParameter', 'Give either --key <hex...> or --retire (an empty authority set), not both or neither.');
      return { keys: keys.map((k) => publicKey('--key', k)) };
    },
  },
];

export function registerPropose(gov: Command, io: CliIo): void {
  const propose = gov.command('propose').description('submit a proposal of one kind, with its first deposit (at least a quarter of gov_min_deposit)');
  for (const spec of KINDS) {
    spec.options(txCommand(propose, spec.kind, spec.description, 'own'))
      .requiredOption('--title <text>', 'what the proposal is, 1-128 characters')
      .requiredOption('--deposit <tokens>', 'the first deposit; voting opens once deposits reach gov_min_deposit')
      .action(txAction<Flags, SubmitProposalOp>(io, {
        signer: 'none',
        op: (f) => ({ type: 'submit-proposal', kind: spec.kind, payload: spec.payload(f, keyNames(io, f)), title: f.title, deposit: parseAmount('--deposit', f.deposit) }) as SubmitProposalOp,
        outcome: async ({ ctx, result, op }) => {
          const proposalId = IdSource.forTx(result.hash).id('proposal');
          const proposal = result.status === 'included' ? await ctx.client.get<Json>(`/v1/proposals/${proposalId}`) : null;
          return {
            title: 'Proposal submitted',
            details: { proposal_id: proposalId, proposal },
            lines: () => [
              ...fields([['Proposal ID', proposalId], ['Kind', op.kind], ['Title', op.title], ['Status', String(proposal?.status ?? '-')],
                ['Deadline', proposal?.deadline === undefined || proposal.deadline === null ? '-' : atBlock(String(proposal.deadline))]]),
              ...rows([['Deposited', formatTokens(proposal === null ? op.deposit : big(proposal.deposited)), 'tokens']], 34),
            ],
          };
        },
      }));
  }
}
