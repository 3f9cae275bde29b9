/** Number formatting for tables: thousands separators on bigints, percentages from basis points. */
export function formatTokens(amount: bigint): string {
  const negative = amount < 0n;
  const digits = (negative ? -amount : amount).toString();
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return negative ? `-${grouped}` : grouped;
}

/**
 * A sentence with its numbers grouped as the tables print them ("holds 12,500 tokens but
 * 1,000,000 are needed"): node refusals and the CLI's own. Only a standalone run of 4+ digits
 * is grouped, never one inside an id, a hash, a URL, a path, a decimal or a date, nor a port or
 * a value quoted as it was typed.
 */
export function groupNumbers(sentence: string): string {
  return sentence.replace(/(?<![\w.:/#"-])(?<!port )\d{4,}(?![\w/:"-]|\.\d)/g, (digits) => formatTokens(BigInt(digits)));
}

/** Basis points as a percentage with two decimals, e.g. 1000n -> "10.00%". */
export function formatBps(bps: bigint): string {
  const whole = bps / 100n;
  const frac = (bps % 100n).toString().padStart(2, '0');
  return `${whole}.${frac}%`;
}

/** A rate in basis points the way the seed prints rates: 500n -> "5%", 125n -> "1.25%". */
export function formatRate(bps: bigint): string {
  return formatBps(bps).replace(/\.?0+%$/, '%');
}

/** A block timestamp (ms since the epoch) as UTC, to the second. */
export function formatTime(ms: bigint): string {
  return new Date(Number(ms)).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}
