/**
 * Request/response messages (msgpack arrays in field order, like every other encoding of the node):
 *
 * - status: both sides send `[genesis_hash, head_height, head_hash, finalized_height, peers]`; the
 *   requester sends its own, the responder answers with its own. `peers` are up to 16 multiaddrs
 *   (with /p2p/<id>) of the responder's peers, so a node that knows only a bootstrap node finds the
 *   rest of the network.
 * - blocks-by-range: the request is `[start_height, count]`; the answer is a header
 *   `[code, message, block_count]` and then `block_count` frames, each a canonical block.
 *
 * - snapshot-manifest and snapshot-chunk (docs/protocol.md §20): the request is `[height, index]`
 *   (height 0: the newest final snapshot; the index only for a chunk); the answer is the header with
 *   `block_count` 0 or 1 and then that one frame: the manifest (§20.2) or the chunk's bytes.
 *
 * - validator-sets (docs/protocol.md §19.1): the request is `[after, limit]`; the answer is the header
 *   with `block_count` 1 and then one frame: the UTF-8 JSON of GET /v1/light/validator-sets?after=&limit=
 *   (`{ changes: [...], next_after }`), at most MAX_VALIDATOR_SETS_BYTES.
 *
 * Every frame travels length-prefixed with a maximum length, and every decode is bounded.
 */
import { pack, unpack } from '../../chain/codec/msgpack.ts';
import { bin, list, oneOf, record, str, u64 } from '../../chain/codec/schema.ts';

export const MAX_RANGE_COUNT = 64;
export const MAX_STATUS_PEERS = 16;
/** Status and range requests are tiny; anything longer is not one of ours. */
export const MAX_REQUEST_BYTES = 8 * 1024;

export interface Status {
  readonly genesisHash: Uint8Array;
  readonly headHeight: bigint;
  readonly headHash: Uint8Array;
  readonly finalizedHeight: bigint;
  readonly peers: string[];
}

export interface RangeRequest {
  readonly startHeight: bigint;
  readonly count: bigint;
}

export const ResponseCode = {
  Ok: 'ok',
  BadRequest: 'bad-request',
  RateLimited: 'rate-limited',
  ServerError: 'server-error',
  /** No such snapshot or chunk here. */
  NotFound: 'not-found',
} as const;

export type ResponseCode = (typeof ResponseCode)[keyof typeof ResponseCode];

export interface ResponseHeader {
  readonly code: ResponseCode;
  readonly message: string;
  readonly count: bigint;
}

const statusCodec = record<Status>({
  genesisHash: bin(32),
  headHeight: u64,
  headHash: bin(32),
  finalizedHeight: u64,
  peers: list(str(512), MAX_STATUS_PEERS),
});

const rangeCodec = record<RangeRequest>({ startHeight: u64, count: u64 });

export interface SnapshotRequest {
  /** 0: the newest final snapshot. */
  readonly height: bigint;
  readonly index: bigint;
}

const snapshotRequestCodec = record<SnapshotRequest>({ height: u64, index: u64 });

export interface ValidatorSetsRequest {
  readonly after: bigint;
  readonly limit: bigint;
}

const validatorSetsRequestCodec = record<ValidatorSetsRequest>({ after: u64, limit: u64 });

/** The largest validator-sets answer: 16 changes of sets of up to ~100 validators, each with its 2n + 2 headers as JSON. */
export const MAX_VALIDATOR_SETS_BYTES = 4 * 1024 * 1024;

const headerCodec = record<ResponseHeader>({
  code: oneOf(Object.values(ResponseCode)),
  message: str(512),
  count: u64,
});

export const encodeStatus = (status: Status): Uint8Array => pack(statusCodec.enc(status));
export const decodeStatus = (bytes: Uint8Array): Status => statusCodec.dec(unpack(bytes, 'status'), 'status');
export const encodeRangeRequest = (request: RangeRequest): Uint8Array => pack(rangeCodec.enc(request));
export const decodeRangeRequest = (bytes: Uint8Array): RangeRequest => rangeCodec.dec(unpack(bytes, 'range request'), 'range request');
export const encodeResponseHeader = (header: ResponseHeader): Uint8Array => pack(headerCodec.enc(header));
export const decodeResponseHeader = (bytes: Uint8Array): ResponseHeader => headerCodec.dec(unpack(bytes, 'response header'), 'response header');
export const encodeSnapshotRequest = (request: SnapshotRequest): Uint8Array => pack(snapshotRequestCodec.enc(request));
export const decodeSnapshotRequest = (bytes: Uint8Array): SnapshotRequest => snapshotRequestCodec.dec(unpack(bytes, 'snapshot request'), 'snapshot request');
export const encodeValidatorSetsRequest = (request: ValidatorSetsRequest): Uint8Array => pack(validatorSetsRequestCodec.enc(request));
export const decodeValidatorSetsRequest = (bytes: Uint8Array): ValidatorSetsRequest => validatorSetsRequestCodec.dec(unpack(bytes, 'validator-sets request'), 'validator-sets request');
