/** JSON views of state and blocks for the API: amounts as decimal strings, bytes as hex. */
import type { Block } from '../../chain/codec/block.ts';
import { toHex } from '../../chain/crypto.ts';
import type { Account, SupplyStats, TokenEvent } from '../../tokenomics/index.ts';

/** Deep-converts bigints to decimal strings and bytes to hex. */
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

export function accountJson(id: string, account: Account): unknown {
  const unbonding = account.unbonding.reduce((sum, e) => sum + e.amount, 0n);
  return plain({
    id,
    ...account,
    totalAssets: account.balance + account.staked + unbonding + account.pendingRewards,
  });
}

export function blockJson(block: Block): unknown {
  return plain({
    hash: block.hash,
    ...block.header,
    signature: block.signature,
    txs: block.txs.map((t) => ({ hash: t.hash, ...t.tx, signature: t.signature })),
  });
}

export function statsJson(stats: SupplyStats): unknown {
  return plain(stats);
}

export function eventJson(event: TokenEvent): unknown {
  return plain(event);
}
