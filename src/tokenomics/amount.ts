/**
 * u64 amount arithmetic on bigint. Every stored amount lives in 0 ..= 2^64-1 (docs/protocol.md §1.1); a result
 * outside that range rejects the transaction with AmountOverflow instead of wrapping.
 */
import { ErrorCode, TokenError } from './errors.ts';

export const U64_MAX = (1n << 64n) - 1n;
export const BPS_DENOMINATOR = 10_000n;

/** Checks a caller-supplied amount: an integer in u64, at least `min`. `what` names it in the error. */
export function requireAmount(value: bigint, what: string, min = 1n): bigint {
  if (typeof value !== 'bigint') {
    throw new TokenError(ErrorCode.InvalidAmount, `${what} must be a whole number of tokens.`);
  }
  if (value > U64_MAX) {
    throw new TokenError(ErrorCode.AmountOverflow, `${what} ${value} is larger than the u64 maximum ${U64_MAX}.`);
  }
  if (value < min) {
    throw new TokenError(ErrorCode.InvalidAmount, `${what} must be at least ${min}, got ${value}.`);
  }
  return value;
}

/** a + b, refused with AmountOverflow when the sum leaves u64. */
export function addU64(a: bigint, b: bigint, what = 'amount'): bigint {
  const sum = a + b;
  if (sum > U64_MAX) {
    throw new TokenError(ErrorCode.AmountOverflow, `${what} would exceed the u64 maximum ${U64_MAX}.`);
  }
  return sum;
}

/** a * b, refused with AmountOverflow when the product leaves u64. */
export function mulU64(a: bigint, b: bigint, what = 'amount'): bigint {
  const product = a * b;
  if (product > U64_MAX) {
    throw new TokenError(ErrorCode.AmountOverflow, `${what} would exceed the u64 maximum ${U64_MAX}.`);
  }
  return product;
}

/** floor(amount * bps / 10,000): division rounds toward zero (all operands are non-negative). */
export function applyBps(amount: bigint, bps: bigint): bigint {
  return (amount * bps) / BPS_DENOMINATOR;
}

/** ceil(amount * bps / 10,000): the transfer fee's rounding (docs/protocol.md §10). */
export function applyBpsCeil(amount: bigint, bps: bigint): bigint {
  return (amount * bps + BPS_DENOMINATOR - 1n) / BPS_DENOMINATOR;
}

export function minBig(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

export function maxBig(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

/** Checks a count of blocks or a height given by a caller: an integer in u64, at least `min`. */
export function requireCount(value: bigint, what: string, min = 1n): bigint {
  if (typeof value !== 'bigint' || value < min || value > U64_MAX) {
    throw new TokenError(ErrorCode.InvalidParameter, `${what} must be a whole number from ${min} to ${U64_MAX}, got ${value}.`);
  }
  return value;
}

/**
 * a + b held at the u64 maximum: for running statistics (a schedule's paid and shortfall totals)
 * that a block step updates. A block step must never fail on arithmetic, or no block could be built.
 */
export function saturatingAddU64(a: bigint, b: bigint): bigint {
  const sum = a + b;
  return sum > U64_MAX ? U64_MAX : sum;
}

/**
 * The transfer fee of docs/protocol.md §10: max(ceil(amount * burn_rate_bps / 10,000),
 * min_fee), capped at the amount. Rounding up makes splitting a payment never lower the total fee.
 */
export function transferFee(amount: bigint, burnRateBps: bigint, minFee: bigint): bigint {
  return minBig(maxBig(applyBpsCeil(amount, burnRateBps), minFee), amount);
}
