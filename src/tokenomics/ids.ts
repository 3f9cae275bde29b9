/**
 * Deterministic identities (docs/protocol.md §6): wallet ids from public keys, system account ids, and the ids of
 * everything the chain creates. All are UUIDv5 under one namespace, never random.
 */
import { DCHAT_NAMESPACE } from './id-namespace.ts';
import { uuidBytes, uuidV5 } from './uuid-v5.ts';

export { DCHAT_NAMESPACE };
const NAMESPACE_BYTES = uuidBytes(DCHAT_NAMESPACE);

/** A UUID in its canonical lowercase text form. */
export type Uuid = string;

export const SYSTEM_ACCOUNTS = ['treasury', 'dev-fund', 'airdrop', 'relay-fund', 'reserve'] as const;
export type SystemAccountName = (typeof SYSTEM_ACCOUNTS)[number];

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PUBLIC_KEY_PATTERN = /^[0-9a-f]{64}$/;

export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}

/** A raw ed25519 public key as 64 lowercase hex characters. */
export function isPublicKeyHex(value: string): boolean {
  return PUBLIC_KEY_PATTERN.test(value);
}

/** Wallet id = UUIDv5(namespace, raw 32-byte public key): owning the key proves owning the id. */
const WALLET_ID_CACHE_SIZE = 16_384;
const walletIds = new Map<string, Uuid>();

export function walletIdFromPublicKey(publicKeyHex: string): Uuid {
  // Senders repeat; the id is a pure function of the key, so a bounded memo changes no result.
  let id = walletIds.get(publicKeyHex);
  if (id === undefined) {
    id = uuidV5(Buffer.from(publicKeyHex, 'hex'), NAMESPACE_BYTES);
    if (walletIds.size >= WALLET_ID_CACHE_SIZE) walletIds.delete(walletIds.keys().next().value!);
    walletIds.set(publicKeyHex, id);
  }
  return id;
}

export function systemAccountId(name: SystemAccountName): Uuid {
  return uuidV5(`system:${name}`, NAMESPACE_BYTES);
}

export const SYSTEM_ACCOUNT_IDS: Readonly<Record<SystemAccountName, Uuid>> = Object.freeze(
  Object.fromEntries(SYSTEM_ACCOUNTS.map((name) => [name, systemAccountId(name)])) as Record<SystemAccountName, Uuid>,
);

const SYSTEM_ID_SET: ReadonlySet<Uuid> = new Set(Object.values(SYSTEM_ACCOUNT_IDS));

export function isSystemAccount(id: Uuid): boolean {
  return SYSTEM_ID_SET.has(id);
}

export function systemAccountName(id: Uuid): SystemAccountName | undefined {
  return SYSTEM_ACCOUNTS.find((name) => SYSTEM_ACCOUNT_IDS[name] === id);
}

export type CreatedKind = 'pool' | 'allocation' | 'schedule' | 'listing' | 'purchase' | 'proposal' | 'mint' | 'burn' | 'distribution';

/**
 * Hands out the ids of one transaction (`<kind>:<hex tx hash>:<index>`) or of one block's system
 * steps (`<kind>:block:<height>:<index>`); `<index>` counts every id of that tx or block from 0.
 */
export class IdSource {
  private next = 0;
  private readonly prefix: string;

  private constructor(prefix: string) {
    this.prefix = prefix;
  }

  static forTx(txHashHex: string): IdSource {
    return new IdSource(txHashHex);
  }

  static forBlock(height: bigint): IdSource {
    return new IdSource(`block:${height}`);
  }

  id(kind: CreatedKind): Uuid {
    const index = this.next++;
    const id = createdId(kind, this.prefix, index);
    if (recentIds.size >= RECENT_IDS) recentIds.delete(recentIds.keys().next().value!);
    recentIds.set(id, { kind, prefix: this.prefix, index });
    return id;
  }
}

/**
 * The `index`-th id handed out for the tx whose hash is `origin` (hex), or for block `origin`'s
 * system steps: what IdSource.forTx(origin) or IdSource.forBlock(origin) gives on its index-th call.
 */
export function createdIdAt(kind: CreatedKind, origin: string | bigint, index: number): Uuid {
  return createdId(kind, typeof origin === 'bigint' ? `block:${origin}` : origin, index);
}

/**
 * The ids IdSource made most recently, each with what made it: the store writes a block's events
 * right after executing it and finds each id's call number here (knownIdIndex) instead of hashing
 * again. Ids only derived again (createdIdAt, e.g. as history is read) are not added.
 */
const RECENT_IDS = 32_768;
const recentIds = new Map<Uuid, { readonly kind: CreatedKind; readonly prefix: string; readonly index: number }>();

const createdId = (kind: CreatedKind, prefix: string, index: number): Uuid => uuidV5(`${kind}:${prefix}:${index}`, NAMESPACE_BYTES);

/**
 * The call number n at which `origin` (a tx hash, or a block height) made `id` of `kind`, if that
 * was among the ids made recently in this process; null when unknown (the id may still be one).
 */
export function knownIdIndex(kind: CreatedKind, origin: string | bigint, id: Uuid): number | null {
  const made = recentIds.get(id);
  const prefix = typeof origin === 'bigint' ? `block:${origin}` : origin;
  return made !== undefined && made.kind === kind && made.prefix === prefix ? made.index : null;
}
