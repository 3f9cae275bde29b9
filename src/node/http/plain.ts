/** JSON for every HTTP answer of the node (API, dashboard): amounts as decimal strings, bytes as hex. */
import { toHex } from '../../chain/crypto.ts';

/** Deep-converts bigints to decimal strings, bytes to hex and camelCase keys to snake_case. */
export function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return toHex(value);
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [snake(k), plain(v)]));
  }
  return value;
}

const snake = (key: string): string => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
