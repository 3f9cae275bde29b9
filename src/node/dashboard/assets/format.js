// Formatting for the page. Amounts arrive as decimal strings (u64 can exceed 2^53): they are
// parsed with BigInt and printed with thousands separators, never through a float.

const group = new Intl.NumberFormat('en-US');

/** "1234567" -> "1,234,567"; anything unparseable is shown as it came. */
export function amount(text) {
  if (text === null || text === undefined) return '–';
  try {
    return BigInt(text).toLocaleString('en-US');
  } catch {
    return String(text);
  }
}

/** A decimal string with a fraction ("1234.50") -> "1,234.50". */
export function decimal(text) {
  if (text === null || text === undefined) return '–';
  const [whole, frac] = String(text).split('.');
  return frac === undefined ? amount(whole) : `${amount(whole)}.${frac}`;
}

export function count(n) {
  return group.format(Number(n));
}

/** A wall-clock span, roughly (as the CLI says it): "45 min", "30.0 hours", "121.6 days", "3.3 calendar years". */
export function duration(ms) {
  const tenths = (unit) => (Math.floor((ms * 10) / unit) / 10).toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  if (ms < 3_600_000) return `${count(Math.floor(ms / 60_000))} min`;
  if (ms < 2 * 86_400_000) return `${tenths(3_600_000)} hours`;
  if (ms < 2 * 31_557_600_000) return `${tenths(86_400_000)} days`;
  return `${tenths(31_557_600_000)} calendar years`;
}

/** For charts only: a float is fine for drawing, never for showing a figure. */
export function toNumber(text) {
  return text === null || text === undefined ? null : Number(text);
}

export function shortHash(hex, n = 10) {
  return typeof hex === 'string' && hex.length > n ? `${hex.slice(0, n)}…` : String(hex ?? '–');
}

export function shortId(id) {
  return typeof id === 'string' && id.length > 13 ? `${id.slice(0, 8)}…` : String(id ?? '–');
}

/** "3 s ago" style age of a block timestamp (ms since epoch, as a string). */
export function age(timestampMs, nowMs = Date.now()) {
  const s = Math.max(0, Math.round((nowMs - Number(timestampMs)) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

/** Basis points -> "1.00 %". */
export function bps(text) {
  if (text === null || text === undefined) return '–';
  const v = BigInt(text);
  return `${v / 100n}.${(v % 100n).toString().padStart(2, '0')} %`;
}
