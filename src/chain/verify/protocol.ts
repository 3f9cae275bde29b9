/** The messages between the verify pool and its worker threads (fixed-size records, no msgpack). */

export const KEY_BYTES = 32;
/** Every message the chain signs is a SHA-256 hash (tx hash, block hash). */
export const MESSAGE_BYTES = 32;
export const SIGNATURE_BYTES = 64;
export const RECORD_BYTES = KEY_BYTES + MESSAGE_BYTES + SIGNATURE_BYTES;

export interface VerifyRequest {
  readonly id: number;
  readonly count: number;
  /** `count` records of [public key | message | signature], transferred. */
  readonly buffer: ArrayBuffer;
}

export interface VerifyReply {
  readonly id: number;
  /** One byte per record: 1 = the signature verifies. */
  readonly results: Uint8Array;
}
