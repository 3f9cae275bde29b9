/** Mint, burn and distribution events as canonical msgpack, for the store's history buckets. */
import { BURN_REASONS, MINT_REASONS, RECIPIENT_TYPES, type BurnEvent, type DistributionEvent, type MintEvent, type TokenEvent } from '../../tokenomics/index.ts';
import { malformed } from '../errors.ts';
import { pack, unpack } from './msgpack.ts';
import { type Codec, hexBin, nullable, oneOf, record, u64, uuid } from './schema.ts';

const txHash = nullable(hexBin(32));

const mintFields = {
  kind: oneOf(['mint'] as const),
  id: uuid,
  amount: u64,
  reason: oneOf(MINT_REASONS),
  recipient: nullable(uuid),
  poolId: nullable(uuid),
  height: u64,
  timestampMs: u64,
  txHash,
};

const burnFields = {
  kind: oneOf(['burn'] as const),
  id: uuid,
  amount: u64,
  reason: oneOf(BURN_REASONS),
  burner: uuid,
  height: u64,
  timestampMs: u64,
  txHash,
};

const distributionFields = {
  kind: oneOf(['distribution'] as const),
  id: uuid,
  scheduleId: nullable(uuid),
  recipientType: oneOf([...RECIPIENT_TYPES, 'auto-replenish', 'voters'] as const),
  recipient: uuid,
  amount: u64,
  height: u64,
  timestampMs: u64,
  txHash,
};

/** Each kind's fields, in record order: the store's compact event records (store/event-records.ts) reuse them. */
export const EVENT_FIELDS = { mint: mintFields, burn: burnFields, distribution: distributionFields } as const;

const mint = record<MintEvent>(mintFields);
const burn = record<BurnEvent>(burnFields);
const distribution = record<DistributionEvent>(distributionFields);

const BY_KIND: Record<TokenEvent['kind'], Codec<unknown>> = {
  mint: mint as Codec<unknown>,
  burn: burn as Codec<unknown>,
  distribution: distribution as Codec<unknown>,
};

export function encodeEvent(event: TokenEvent): Uint8Array {
  return pack(BY_KIND[event.kind].enc(event));
}

export function decodeEvent(bytes: Uint8Array): TokenEvent {
  const raw = unpack(bytes, 'event');
  const kind = Array.isArray(raw) ? raw[0] : undefined;
  const codec = typeof kind === 'string' && Object.hasOwn(BY_KIND, kind) ? BY_KIND[kind as TokenEvent['kind']] : undefined;
  if (codec === undefined) malformed('event', 'unknown kind.');
  return codec.dec(raw, 'event') as TokenEvent;
}
