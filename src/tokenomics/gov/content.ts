/**
 * What each proposal kind may do (docs/protocol.md §17.2), checked at submission so a
 * proposal that could never execute is refused at once; `executeContent` runs a passed one.
 */
import { requireAmount, requireCount } from '../amount.ts';
import { ErrorCode, TokenError } from '../errors.ts';
import { SYSTEM_ACCOUNT_IDS, isSystemAccount } from '../ids.ts';
import type { Ledger } from '../ledger.ts';
import { validateAuthorityKeys } from '../ops/authority.ts';
import { requireId } from '../ops/context.ts';
import { closeSchedule, openSchedule, openScheduleFor, parseRecipientType } from '../ops/schedules.ts';
import * as K from '../state/keys.ts';
import { withParamChange } from './param-change.ts';
import type { ProposalContent } from './records.ts';
import { scheduleValidatorSet, validateValidatorSet, validatorSetDelay } from './validator-set.ts';

/** The accounts a treasury-spend may draw on (the reserve only pays schedules and voter rewards). */
const SPENDABLE = new Set([SYSTEM_ACCOUNT_IDS.treasury, SYSTEM_ACCOUNT_IDS['dev-fund'], SYSTEM_ACCOUNT_IDS.airdrop, SYSTEM_ACCOUNT_IDS['relay-fund']]);

function refuse(message: string): never {
  throw new TokenError(ErrorCode.InvalidParameter, message);
}

/** Authority keys of a proposal: 0 to 64 (an empty set retires the authority), never a validator's. */
function authorityKeys(l: Ledger, keys: readonly string[]): string[] {
  if (!Array.isArray(keys)) refuse('set-authority needs a list of keys.');
  const checked = keys.length === 0 ? [] : [...validateAuthorityKeys(keys, 'set-authority')];
  const validatorKeys = new Set(l.validators().map((v) => v.publicKey));
  if (checked.some((key) => validatorKeys.has(key))) refuse('A validator key may not also be an authority key.');
  return checked;
}

/** Checks a proposal's content against the state at submission and returns it normalized. */
export function validateContent(l: Ledger, content: ProposalContent): ProposalContent {
  switch (content.kind) {
    case 'treasury-spend': {
      const { fromAccount, to, amount } = content.payload;
      if (!SPENDABLE.has(fromAccount)) refuse(`A treasury-spend draws on treasury, dev-fund, airdrop or relay-fund, not ${fromAccount}.`);
      return { kind: content.kind, payload: { fromAccount, to: requireId(to, 'The recipient'), amount: requireAmount(amount, 'The amount') } };
    }
    case 'param-change':
      withParamChange(l.params(), content.payload.name, content.payload.value);
      return content;
    case 'deflation-burn': {
      const { fromAccount, amount } = content.payload;
      if (!isSystemAccount(fromAccount)) refuse(`A deflation-burn burns from a system account, not ${fromAccount}.`);
      return { kind: content.kind, payload: { fromAccount, amount: requireAmount(amount, 'The amount') } };
    }
    case 'create-schedule': {
      const p = content.payload;
      parseRecipientType(p.recipientType);
      requireAmount(p.amountPerInterval, 'amount_per_interval');
      requireCount(p.intervalBlocks, 'interval_blocks');
      if (p.durationBlocks !== null) requireCount(p.durationBlocks, 'duration_blocks');
      if (p.poolId !== null) l.pool(p.poolId);
      return content;
    }
    case 'cancel-schedule':
      openScheduleFor(l, content.payload.scheduleId);
      return content;
    case 'set-validators': {
      const validators = validateValidatorSet(content.payload.validators, l.authority().keys);
      requireCount(content.payload.activationHeight, 'activation_height', 0n);
      return { kind: content.kind, payload: { validators, activationHeight: content.payload.activationHeight } };
    }
    case 'set-authority':
      return { kind: content.kind, payload: { keys: authorityKeys(l, content.payload.keys) } };
  }
}

/** Carries out a passed proposal in step 3; a TokenError leaves nothing behind (the caller's overlay). */
export function executeContent(l: Ledger, content: ProposalContent): void {
  switch (content.kind) {
    case 'treasury-spend':
      l.debitBalance(content.payload.fromAccount, content.payload.amount);
      l.payWithFee(content.payload.fromAccount, content.payload.to, content.payload.amount);
      return;
    case 'param-change':
      l.overlay.set(K.META_PARAMS, withParamChange(l.params(), content.payload.name, content.payload.value));
      return;
    case 'deflation-burn':
      l.debitBalance(content.payload.fromAccount, content.payload.amount);
      l.burn(content.payload.amount, 'deflation', content.payload.fromAccount);
      return;
    case 'create-schedule': {
      const p = content.payload;
      // A start block already passed while the proposal was voted on becomes the next block.
      const startBlock = p.startBlock !== null && p.startBlock > l.position.height ? p.startBlock : null;
      openSchedule(l, { ...p, startBlock });
      return;
    }
    case 'cancel-schedule':
      closeSchedule(l, content.payload.scheduleId);
      return;
    case 'set-validators': {
      const earliest = l.position.height + validatorSetDelay(l.validators().length);
      const at = content.payload.activationHeight > earliest ? content.payload.activationHeight : earliest;
      scheduleValidatorSet(l, content.payload.validators, at);
      return;
    }
    case 'set-authority':
      l.setAuthority({ ...l.authority(), pending: { keys: authorityKeys(l, content.payload.keys), fromHeight: l.position.height + 1n } });
      return;
  }
}
