/**
 * The canonical encoding of transactions (docs/protocol.md §2): unsigned `[chain_id, type,
 * signer_public_key, nonce, payload]`, payload an array in the field order of its operation;
 * signed `[unsigned, signature]`. Pure encoding, no hashing or signing and no Buffer: the node
 * (tx.ts) and the client SDK (src/client) build the very same bytes with it.
 */
import type { Operation, OperationType } from '../../tokenomics/index.ts';
import { GOV_PAYLOADS, scheduleFields } from './gov.ts';
import { pack } from './msgpack-writer.ts';
import { type Codec, hexBin, list, nullable, record, str, u64, uuid } from './schema.ts';

export const MAX_TX_BYTES = 64 * 1024;
const reason = str(64);

/** Payload codecs per operation type, fields in the order of docs/protocol.md §2.4 (the type tag travels apart). */
export const PAYLOADS: { [T in OperationType]: Codec<Omit<Extract<Operation, { type: T }>, 'type'>> } = {
  transfer: record({ to: uuid, amount: u64 }),
  burn: record({ amount: u64, reason, account: nullable(uuid) }),
  'claim-rewards': record({}),
  mint: record({ amount: u64, reason, recipient: nullable(uuid) }),
  'transfer-from-system': record({ fromAccount: uuid, to: uuid, amount: u64 }),
  'create-pool': record({
    name: str(256),
    initialAmount: u64,
    operator: nullable(uuid),
    autoReplenish: nullable(record({ below: u64, upTo: u64 })),
  }),
  'replenish-pool': record({ poolId: uuid, amount: u64 }),
  allocate: record({ poolId: uuid, amount: u64, recipient: uuid, expiresInBlocks: nullable(u64) }),
  'release-allocation': record({ poolId: uuid, allocationId: uuid }),
  'cancel-allocation': record({ poolId: uuid, allocationId: uuid }),
  'create-schedule': record(scheduleFields),
  'cancel-schedule': record({ scheduleId: uuid }),
  'set-authority': record({ keys: list(hexBin(32), 64) }),
  stake: record({ amount: u64 }),
  unstake: record({ amount: u64 }),
  'register-relay': record({}),
  'deregister-relay': record({}),
  slash: record({ account: uuid, amount: u64 }),
  'create-listing': record({ title: str(256), price: u64, quantity: u64 }),
  'cancel-listing': record({ listingId: uuid }),
  buy: record({ listingId: uuid, quantity: u64 }),
  confirm: record({ purchaseId: uuid }),
  refund: record({ purchaseId: uuid }),
  dispute: record({ purchaseId: uuid }),
  'resolve-dispute': record({ purchaseId: uuid, refundBps: u64 }),
  ...GOV_PAYLOADS,
};

export const OPERATION_TYPES = Object.keys(PAYLOADS) as OperationType[];

export interface UnsignedTx {
  readonly chainId: string;
  /** Hex of the signer's raw 32-byte ed25519 public key. */
  readonly signer: string;
  readonly nonce: bigint;
  readonly op: Operation;
}

export const chainIdCodec = str(64);
export const signerCodec = hexBin(32);

function unsignedData(tx: UnsignedTx): unknown[] {
  const payload = PAYLOADS[tx.op.type] as Codec<unknown>;
  return [tx.chainId, tx.op.type, signerCodec.enc(tx.signer), u64.enc(tx.nonce), payload.enc(tx.op)];
}

export function encodeUnsignedTx(tx: UnsignedTx): Uint8Array {
  return pack(unsignedData(tx));
}

/** The canonical signed encoding, from the values alone. */
export function encodeSignedTx(tx: UnsignedTx, signature: Uint8Array): Uint8Array {
  return pack([unsignedData(tx), signature]);
}
