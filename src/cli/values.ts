/**
 * Parsers for flag values. Each refuses a bad value with a usage error naming the flag, before
 * anything touches the network or the keystore; amounts become bigint and never pass through Number.
 */
import {
  type BurnReason,
  type MintReason,
  type RecipientType,
  SYSTEM_ACCOUNTS,
  SYSTEM_ACCOUNT_IDS,
  type SystemAccountName,
  U64_MAX,
  type Uuid,
  isTokenError,
  isUuid,
  parseBurnReason,
  parseMintReason,
  parseRecipientType,
} from '../tokenomics/index.ts';
import { usageError } from './errors.ts';

/** Plain digits, or digits grouped by commas or underscores as tables print them (1,000,000). */
const WHOLE = /^(\d+|\d{1,3}(,\d{3})+|\d+(_\d+)+)$/;

function wholeNumber(flag: string, text: string, what: string): bigint {
  const trimmed = text.trim();
  if (!WHOLE.test(trimmed)) {
    const hint = /^-/.test(trimmed) ? 'it cannot be negative' : /[.eE]/.test(trimmed) ? 'it must be a whole number' : 'expected digits only';
    throw usageError('InvalidAmount', `${flag} "${text}" is not ${what}: ${hint}.`);
  }
  const value = BigInt(trimmed.replace(/[,_]/g, ''));
  if (value > U64_MAX) throw usageError('AmountOverflow', `${flag} ${value} is larger than the u64 maximum ${U64_MAX}.`);
  return value;
}

/** A token amount in u64, at least `min` (1 unless zero makes sense for this flag). */
export function parseAmount(flag: string, text: string, min = 1n): bigint {
  const value = wholeNumber(flag, text, 'a whole number of tokens');
  if (value < min) throw usageError('InvalidAmount', `${flag} must be at least ${min}, got ${value}.`);
  return value;
}

/** A count of blocks, a height or a limit, in u64 and within [min, max]. */
export function parseCount(flag: string, text: string, min = 1n, max = U64_MAX): bigint {
  const value = wholeNumber(flag, text, 'a whole number');
  if (value < min || value > max) {
    throw usageError('InvalidParameter', `${flag} must be from ${min} to ${max}, got ${value}.`);
  }
  return value;
}

/** A UUID in canonical lowercase form. */
export function parseUuid(flag: string, text: string): Uuid {
  const id = text.trim().toLowerCase();
  if (!isUuid(id)) throw usageError('InvalidId', `${flag} "${text}" is not a UUID (like 550e8400-e29b-41d4-a716-446655440000).`);
  return id;
}

export function systemAccountByName(text: string): Uuid | undefined {
  return SYSTEM_ACCOUNT_IDS[text.trim().toLowerCase() as SystemAccountName];
}

/** A key name to its wallet id, from the keystore (undefined: no such key); see `keyNames` in context.ts. */
export type KeyNames = (name: string) => Uuid | undefined;

/**
 * An account: a wallet UUID, a system account name (treasury, dev-fund, airdrop, relay-fund,
 * reserve), or the name of a key in the keystore when `keys` is given, as --from takes it.
 */
export function parseAccount(flag: string, text: string, keys?: KeyNames): Uuid {
  const system = systemAccountByName(text);
  if (system !== undefined) return system;
  if (isUuid(text.trim().toLowerCase())) return text.trim().toLowerCase();
  const named = keys?.(text.trim());
  if (named !== undefined) return named;
  const orKey = keys === undefined ? '' : ' nor the name of a key in the keystore (`dchat keys list`)';
  throw usageError('InvalidAccount', `${flag} "${text}" is neither a wallet UUID nor a system account (${SYSTEM_ACCOUNTS.join(', ')})${orKey}.`);
}

/** Runs a tokenomics parser and turns its refusal into a usage error with the same code and sentence. */
function asUsage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (isTokenError(err)) throw usageError(err.code, err.message);
    throw err;
  }
}

export const parseMintReasonFlag = (text: string): MintReason => asUsage(() => parseMintReason(text));
export const parseBurnReasonFlag = (text: string): BurnReason => asUsage(() => parseBurnReason(text));
export const parseRecipientTypeFlag = (text: string): RecipientType => asUsage(() => parseRecipientType(text));

/**
 * The node's base URL (http or https, no trailing slash). The banner's `…/v1` is the same node:
 * the API paths carry /v1 themselves, so a trailing /v1 is dropped.
 */
export function parseNodeUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw usageError('InvalidNodeUrl', `--node "${text}" is not a URL (like http://127.0.0.1:7545).`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw usageError('InvalidNodeUrl', `--node "${text}" must be an http:// or https:// URL.`);
  }
  return url.toString().replace(/\/+$/, '').replace(/\/v1$/, '');
}
