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

const MS_PER_DAY = 86_400_000n;
const MS_PER_CALENDAR_YEAR = 31_557_600_000n; // 365.25 days

/** One decimal of `value / unit`, rounded down: 10_512_000_000n / 86_400_000n -> "121.6". */
function tenths(value: bigint, unit: bigint): string {
  const t = (value * 10n) / unit;
  return `${formatTokens(t / 10n)}.${t % 10n}`;
}

/** A wall-clock span, roughly: "45 min", "30.0 hours", "121.6 days", "3.3 calendar years". */
export function formatDuration(ms: bigint): string {
  if (ms < 3_600_000n) return `${formatTokens(ms / 60_000n)} min`;
  if (ms < 2n * MS_PER_DAY) return `${tenths(ms, 3_600_000n)} hours`;
  if (ms < 2n * MS_PER_CALENDAR_YEAR) return `${tenths(ms, MS_PER_DAY)} days`;
  return `${tenths(ms, MS_PER_CALENDAR_YEAR)} calendar years`;
}

/**
 * A span of blocks as docs/protocol.md §13.1 counts years: inflation years of blocks_per_year
 * blocks, with what that is on the wall clock at this block time beside it.
 */
export function describeBlockSpan(blocks: bigint, blocksPerYear: bigint, blockTimeMs: bigint): string {
  const years = blocks % blocksPerYear === 0n ? blocks / blocksPerYear : null;
  const inYears = years === null ? '' : `${formatTokens(years)} inflation year${years === 1n ? '' : 's'} = `;
  return `${inYears}${formatTokens(blocks)} blocks, about ${formatDuration(blocks * blockTimeMs)} at ${formatTokens(blockTimeMs)} ms blocks`;
}

/** A height as sentences say it: "block 1,234,567". */
export function atBlock(height: bigint | string | number): string {
  return `block ${formatTokens(BigInt(height))}`;
}

/** A block timestamp (ms since the epoch) as UTC, to the second. */
export function formatTime(ms: bigint): string {
  return new Date(Number(ms)).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}
