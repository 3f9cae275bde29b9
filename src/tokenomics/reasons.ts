/** Mint and burn reasons (docs/protocol.md §13.6), with the seed CLI's short names accepted as aliases. */
import { ErrorCode, TokenError } from './errors.ts';

export const MINT_REASONS = [
  'genesis',
  'block-reward',
  'relay-reward',
  'inflation',
  'marketplace-liquidity',
  'airdrop',
  'governance',
] as const;
export type MintReason = (typeof MINT_REASONS)[number];

/** `veto`: the deposits of a vetoed proposal (docs/protocol.md §17), burned per depositor. */
export const BURN_REASONS = ['fee', 'transaction-fee', 'deflation', 'slash', 'voluntary', 'veto'] as const;
export type BurnReason = (typeof BURN_REASONS)[number];

/** Mint reasons only the protocol itself uses; an authority `mint` with them is refused. */
export const PROTOCOL_MINT_REASONS: ReadonlySet<MintReason> = new Set(['genesis', 'inflation']);

const MINT_ALIASES: Readonly<Record<string, MintReason>> = {
  marketplace: 'marketplace-liquidity',
  'governance-reward': 'governance',
  blockreward: 'block-reward',
  relayreward: 'relay-reward',
};

const BURN_ALIASES: Readonly<Record<string, BurnReason>> = {
  transactionfee: 'transaction-fee',
};

export function parseMintReason(text: string): MintReason {
  const name = text.trim().toLowerCase();
  const reason = MINT_ALIASES[name] ?? name;
  if ((MINT_REASONS as readonly string[]).includes(reason)) return reason as MintReason;
  throw new TokenError(
    ErrorCode.InvalidReason,
    `Unknown mint reason "${text}"; use one of ${MINT_REASONS.join(', ')} (or "marketplace").`,
  );
}

export function parseBurnReason(text: string): BurnReason {
  const name = text.trim().toLowerCase();
  const reason = BURN_ALIASES[name] ?? name;
  if ((BURN_REASONS as readonly string[]).includes(reason)) return reason as BurnReason;
  throw new TokenError(ErrorCode.InvalidReason, `Unknown burn reason "${text}"; use one of ${BURN_REASONS.join(', ')}.`);
}
