/**
 * Block headers as the light client sees them (docs/protocol.md §3.1): the fields, their canonical
 * encoding and the block hash, SHA-256 of that encoding, which the proposer signs.
 */
import { bytesToHex, hexToBytes } from './hex.ts';
import { LightError, LightErrorCode } from './errors.ts';
import { pack } from './msgpack.ts';
import { sha256 } from './sha256.ts';

/** The protocol version whose headers this client reads (docs/protocol.md §12); a test pins it to the node's. */
export const LIGHT_PROTOCOL_VERSION = 6n;

export interface LightHeader {
  /** First in the encoding, so any version's reader sees it before the rest. */
  readonly protocolVersion: bigint;
  readonly chainId: string;
  readonly height: bigint;
  readonly slot: bigint;
  readonly parentHash: Uint8Array;
  readonly timestampMs: bigint;
  /** The proposer's raw ed25519 public key, lowercase hex. */
  readonly proposer: string;
  readonly txRoot: Uint8Array;
  readonly stateRoot: Uint8Array;
}

/** A header with what travels beside it: the proposer's signature and the hash the node claims. */
export interface SignedLightHeader {
  readonly header: LightHeader;
  readonly signature: Uint8Array;
  readonly hash: Uint8Array;
}

/** `pack([protocol_version, chain_id, height, slot, parent_hash, timestamp_ms, proposer, tx_root, state_root])`. */
export function encodeLightHeader(h: LightHeader): Uint8Array {
  return pack([h.protocolVersion, h.chainId, h.height, h.slot, h.parentHash, h.timestampMs, hexToBytes(h.proposer, 'header proposer', 32), h.txRoot, h.stateRoot]);
}

export function lightHeaderHash(h: LightHeader): Uint8Array {
  return sha256(encodeLightHeader(h));
}

/** A u64 of the API's JSON (a decimal string); MalformedAnswer naming `field` otherwise. */
export const u64FromJson = (value: unknown, field: string): bigint => {
  if (typeof value !== 'string' || !/^[0-9]{1,20}$/.test(value) || BigInt(value) >= 1n << 64n) {
    throw new LightError(LightErrorCode.MalformedAnswer, `The answer's ${field} is not a u64 decimal string.`);
  }
  return BigInt(value);
};

/** A header from the API's JSON (snake_case, u64 as decimal strings, bytes as hex; GET /v1/light/finality). */
export function signedHeaderFromJson(json: unknown): SignedLightHeader {
  if (typeof json !== 'object' || json === null) throw new LightError(LightErrorCode.MalformedAnswer, 'A header of the answer is not an object.');
  const j = json as Record<string, unknown>;
  if (typeof j.chain_id !== 'string') throw new LightError(LightErrorCode.MalformedAnswer, 'The answer\'s header chain_id is not a string.');
  const header: LightHeader = {
    protocolVersion: u64FromJson(j.protocol_version, 'header protocol_version'),
    chainId: j.chain_id,
    height: u64FromJson(j.height, 'header height'),
    slot: u64FromJson(j.slot, 'header slot'),
    parentHash: hexToBytes(j.parent_hash, 'header parent_hash', 32),
    timestampMs: u64FromJson(j.timestamp_ms, 'header timestamp_ms'),
    proposer: bytesToHex(hexToBytes(j.proposer, 'header proposer', 32)),
    txRoot: hexToBytes(j.tx_root, 'header tx_root', 32),
    stateRoot: hexToBytes(j.state_root, 'header state_root', 32),
  };
  return { header, signature: hexToBytes(j.signature, 'header signature', 64), hash: hexToBytes(j.hash, 'header hash', 32) };
}
