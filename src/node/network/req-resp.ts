/**
 * Request/response protocols over libp2p streams, one stream per request:
 * - status: exchange heads (and a few peer addresses) with a peer;
 * - blocks-by-range: fetch up to MAX_RANGE_COUNT canonical blocks from a height;
 * - snapshot-manifest, snapshot-chunk: a final state snapshot's manifest and chunks
 *   (docs/protocol.md §20); the requester checks them (src/chain/snapshot/verify.ts);
 * - validator-sets: the validator set changes above a height with their anchors (§19.1), which
 *   the requester checks as the light client does (src/light/learn-validator-sets.ts).
 * Every frame is length-prefixed with a maximum, every read has a timeout, and requests are rate
 * limited per peer before any work is done. Server errors are answered or the stream is aborted;
 * client errors are NetworkErrors with a code, so the sync manager can tell a slow peer (Unreachable)
 * from a lying one (BadResponse).
 */
import type { Connection, PeerId, Stream } from '@libp2p/interface';
import { lpStream } from 'it-length-prefixed-stream';
import type { Logger } from 'pino';
import type { Chain } from '../../chain/chain.ts';
import { type Block, decodeBlock } from '../../chain/codec/block.ts';
import { ChainError } from '../../chain/errors.ts';
import { CHANGES_PER_PAGE } from '../../light/index.ts';
import { CodedError } from '../../tokenomics/index.ts';
import { NetworkError, NetworkErrorCode } from './errors.ts';
import type { P2pHost } from './host.ts';
import { isOversizedFrameError } from './oversized-frames.ts';
import {
  MAX_RANGE_COUNT,
  MAX_REQUEST_BYTES,
  MAX_VALIDATOR_SETS_BYTES,
  type RangeRequest,
  ResponseCode,
  type SnapshotRequest,
  type Status,
  decodeRangeRequest,
  decodeResponseHeader,
  decodeSnapshotRequest,
  decodeStatus,
  decodeValidatorSetsRequest,
  encodeRangeRequest,
  encodeResponseHeader,
  encodeSnapshotRequest,
  encodeStatus,
  encodeValidatorSetsRequest,
} from './messages.ts';
import { MAX_CHUNK_BYTES, MAX_MANIFEST_BYTES, type SnapshotManifest, decodeManifest } from '../../chain/snapshot/format.ts';
import type { ProtocolNames } from './protocols.ts';
import type { RateLimiter } from './rate-limiter.ts';

export interface ReqRespOptions {
  /** How long one request may take end to end (a whole batch of blocks included). */
  readonly requestTimeoutMs: number;
  /** The largest block frame we read (the chain's max_block_bytes). */
  readonly maxBlockBytes: number;
}

export interface ReqRespDeps {
  readonly host: P2pHost;
  readonly chain: Chain;
  readonly names: ProtocolNames;
  readonly logger: Logger;
  /** Our own status, sent with every status request and answer. */
  readonly localStatus: () => Status;
  /** A peer told us its status (as requester or responder). */
  readonly onStatus: (peer: PeerId, status: Status) => void;
  readonly limits: { readonly status: RateLimiter; readonly blocks: RateLimiter; readonly snapshots: RateLimiter };
  /** The node's final state snapshots (src/node/snapshots/), or none. */
  readonly snapshots?: SnapshotSource | null;
  /** A page of this node's validator set changes above `after` (the body of GET /v1/light/validator-sets); absent: none served. */
  readonly validatorSets?: ((after: bigint, limit: number) => Promise<unknown>) | null;
  /** A peer sent a frame over the limit of `protocol` (logged and penalized by oversized-frames.ts). */
  readonly onOversizedFrame?: (peer: PeerId, protocol: string, limitBytes: number) => void;
}

/** Where served snapshots come from: a manifest's bytes (height null: the newest) and a chunk's; null: not here. */
export interface SnapshotSource {
  /** Heights of the final snapshots held, newest first. */
  heights(): Promise<bigint[]>;
  manifest(height: bigint | null): Promise<{ height: bigint; bytes: Uint8Array } | null>;
  chunk(height: bigint, index: number): Promise<Uint8Array | null>;
}

const STREAM_LIMITS = { maxInboundStreams: 8, maxOutboundStreams: 8 };

export class ReqResp {
  private readonly options: ReqRespOptions;
  private readonly deps: ReqRespDeps;

  constructor(options: ReqRespOptions, deps: ReqRespDeps) {
    this.options = options;
    this.deps = deps;
  }

  async start(): Promise<void> {
    const { host, names } = this.deps;
    await host.handle(names.status, ({ stream, connection }) => this.serve('status', stream, connection, () => this.serveStatus(stream, connection)), STREAM_LIMITS);
    await host.handle(names.blocksByRange, ({ stream, connection }) => this.serve('blocks-by-range', stream, connection, () => this.serveRange(stream, connection)), STREAM_LIMITS);
    await host.handle(names.snapshotManifest, ({ stream, connection }) => this.serve('snapshot-manifest', stream, connection, () => this.serveSnapshot('manifest', stream, connection)), STREAM_LIMITS);
    await host.handle(names.snapshotChunk, ({ stream, connection }) => this.serve('snapshot-chunk', stream, connection, () => this.serveSnapshot('chunk', stream, connection)), STREAM_LIMITS);
    await host.handle(names.validatorSets, ({ stream, connection }) => this.serve('validator-sets', stream, connection, () => this.serveValidatorSets(stream, connection)), STREAM_LIMITS);
  }

  async stop(): Promise<void> {
    const { host, names } = this.deps;
    await host.unhandle([names.status, names.blocksByRange, names.snapshotManifest, names.snapshotChunk, names.validatorSets]);
  }

  /** Sends our status to `peer` and returns theirs. */
  async status(peer: PeerId): Promise<Status> {
    return this.request(peer, this.deps.names.status, async (lp, signal) => {
      await lp.write(encodeStatus(this.deps.localStatus()), { signal });
      return decode(async () => decodeStatus((await lp.read({ signal })).subarray()));
    });
  }

  /**
   * Fetches canonical blocks `start ..` (at most `count`) from `peer`. The answer must be a chain:
   * consecutive heights from `start`, each block's parent the one before it. It may be shorter than
   * asked (the peer's head is lower), never longer.
   */
  async blocksByRange(peer: PeerId, request: RangeRequest): Promise<Block[]> {
    if (request.count < 1n || request.count > BigInt(MAX_RANGE_COUNT)) {
      throw new NetworkError(NetworkErrorCode.BadRequest, `A range request asks for 1 to ${MAX_RANGE_COUNT} blocks.`);
    }
    return this.request(peer, this.deps.names.blocksByRange, async (lp, signal) => {
      await lp.write(encodeRangeRequest(request), { signal });
      const header = await decode(async () => decodeResponseHeader((await lp.read({ signal })).subarray()));
      if (header.code === ResponseCode.RateLimited) throw new NetworkError(NetworkErrorCode.RateLimited, `Peer ${peer} rate limited us: ${header.message}`);
      if (header.code === ResponseCode.NotFound) throw new NetworkError(NetworkErrorCode.NotFound, `Peer ${peer} does not hold those blocks: ${header.message}`);
      if (header.code !== ResponseCode.Ok) throw new NetworkError(NetworkErrorCode.ServerError, `Peer ${peer} answered ${header.code}: ${header.message}`);
      if (header.count > request.count) throw new NetworkError(NetworkErrorCode.BadResponse, `Peer ${peer} announced ${header.count} blocks for a request of ${request.count}.`);
      const blocks: Block[] = [];
      for (let i = 0n; i < header.count; i++) {
        const block = await decode(async () => decodeBlock((await lp.read({ signal })).subarray()));
        const expectedHeight = request.startHeight + i;
        const previous = blocks.at(-1);
        if (block.header.height !== expectedHeight || (previous !== undefined && Buffer.compare(block.header.parentHash, previous.hash) !== 0)) {
          throw new NetworkError(NetworkErrorCode.BadResponse, `Peer ${peer} sent block ${block.header.height} out of order (expected ${expectedHeight}, linked to the previous one).`);
        }
        blocks.push(block);
      }
      return blocks;
    });
  }

  /** The manifest of `peer`'s final snapshot at `height` (null: its newest), decoded (§20.2); check it with verifyManifest. */
  async snapshotManifest(peer: PeerId, height: bigint | null): Promise<SnapshotManifest> {
    const bytes = await this.snapshotPart(peer, this.deps.names.snapshotManifest, { height: height ?? 0n, index: 0n }, MAX_MANIFEST_BYTES);
    return decode(() => decodeManifest(bytes));
  }

  /** Chunk `index` of `peer`'s snapshot at `height`, as sent; check it with verifyChunk before use. */
  snapshotChunk(peer: PeerId, height: bigint, index: number): Promise<Uint8Array> {
    return this.snapshotPart(peer, this.deps.names.snapshotChunk, { height, index: BigInt(index) }, MAX_CHUNK_BYTES);
  }

  /**
   * A page of `peer`'s validator set changes above `after` (at most `limit`), as the JSON body of
   * GET /v1/light/validator-sets: check it with learnValidatorSets before trusting any of it.
   */
  async validatorSets(peer: PeerId, after: bigint, limit: number): Promise<unknown> {
    const bytes = await this.onePart(peer, this.deps.names.validatorSets, encodeValidatorSetsRequest({ after, limit: BigInt(limit) }), MAX_VALIDATOR_SETS_BYTES, 'validator set changes');
    try {
      return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as unknown;
    } catch (err) {
      throw new NetworkError(NetworkErrorCode.BadResponse, `Peer ${peer} sent validator set changes that are not JSON: ${(err as Error).message}`, { cause: err });
    }
  }

  private snapshotPart(peer: PeerId, protocol: string, request: SnapshotRequest, maxBytes: number): Promise<Uint8Array> {
    return this.onePart(peer, protocol, encodeSnapshotRequest(request), maxBytes, 'snapshot part');
  }

  /** One request frame out, the response header and exactly one frame back (snapshot parts, validator sets). */
  private onePart(peer: PeerId, protocol: string, request: Uint8Array, maxBytes: number, what: string): Promise<Uint8Array> {
    return this.request(peer, protocol, async (lp, signal) => {
      await lp.write(request, { signal });
      const header = await decode(async () => decodeResponseHeader((await lp.read({ signal })).subarray()));
      if (header.code === ResponseCode.RateLimited) throw new NetworkError(NetworkErrorCode.RateLimited, `Peer ${peer} rate limited us: ${header.message}`);
      if (header.code === ResponseCode.NotFound) throw new NetworkError(NetworkErrorCode.NotFound, `Peer ${peer} has no such ${what}: ${header.message}`);
      if (header.code !== ResponseCode.Ok) throw new NetworkError(NetworkErrorCode.ServerError, `Peer ${peer} answered ${header.code}: ${header.message}`);
      if (header.count !== 1n) throw new NetworkError(NetworkErrorCode.BadResponse, `Peer ${peer} announced ${header.count} frames for one ${what}.`);
      return (await lp.read({ signal })).subarray();
    }, maxBytes + 1024);
  }

  /** Opens a stream, runs `exchange` under the request timeout, and always closes the stream. */
  private async request<T>(peer: PeerId, protocol: string, exchange: (lp: Lp, signal: AbortSignal) => Promise<T>, maxDataLength = this.options.maxBlockBytes + 1024): Promise<T> {
    const signal = AbortSignal.timeout(this.options.requestTimeoutMs);
    let stream: Stream;
    try {
      stream = await this.deps.host.dialProtocol(peer, protocol, { signal });
    } catch (err) {
      throw new NetworkError(NetworkErrorCode.Unreachable, `Could not open ${protocol} to ${peer}: ${(err as Error).message}`, { cause: err });
    }
    const lp = lpStream(stream, { maxDataLength });
    try {
      const result = await exchange(lp, signal);
      await stream.close({ signal }).catch(() => stream.abort(new Error('close failed')));
      return result;
    } catch (err) {
      stream.abort(err instanceof Error ? err : new Error(String(err)));
      if (err instanceof NetworkError) throw err;
      if (isOversizedFrameError(err)) {
        this.deps.onOversizedFrame?.(peer, protocol, maxDataLength);
        throw new NetworkError(NetworkErrorCode.BadResponse, `Peer ${peer} sent a ${protocol} frame over ${maxDataLength} bytes.`, { cause: err });
      }
      throw new NetworkError(NetworkErrorCode.Unreachable, `${protocol} with ${peer} failed: ${(err as Error).message}`, { cause: err });
    }
  }

  /** Runs a server handler; whatever goes wrong, the stream is closed and the node goes on. */
  private serve(name: string, stream: Stream, connection: Connection, handler: () => Promise<void>): void {
    handler()
      .then(() => stream.close({ signal: AbortSignal.timeout(this.options.requestTimeoutMs) }))
      .catch((err: unknown) => {
        // Every request frame we read is at most MAX_REQUEST_BYTES.
        if (isOversizedFrameError(err)) this.deps.onOversizedFrame?.(connection.remotePeer, name, MAX_REQUEST_BYTES);
        this.deps.logger.debug({ err, protocol: name, peer: connection.remotePeer.toString() }, 'request from peer failed');
        stream.abort(err instanceof Error ? err : new Error(String(err)));
      });
  }

  private async serveStatus(stream: Stream, connection: Connection): Promise<void> {
    const peer = connection.remotePeer;
    if (!this.deps.limits.status.take(peer.toString(), 1)) throw new NetworkError(NetworkErrorCode.RateLimited, 'status requests too frequent');
    const signal = AbortSignal.timeout(this.options.requestTimeoutMs);
    const lp = lpStream(stream, { maxDataLength: MAX_REQUEST_BYTES });
    const theirs = await decode(async () => decodeStatus((await lp.read({ signal })).subarray()));
    await lp.write(encodeStatus(this.deps.localStatus()), { signal });
    this.deps.onStatus(peer, theirs);
  }

  /**
   * A server's first steps: the stream framed (requests are at most MAX_REQUEST_BYTES), its one
   * request read and decoded; an undecodable one is answered BadRequest here (request null).
   */
  private async readRequest<R>(stream: Stream, decodeRequest: (bytes: Uint8Array) => R): Promise<{ request: R | null; lp: Lp; signal: AbortSignal; answer: Answer }> {
    const signal = AbortSignal.timeout(this.options.requestTimeoutMs);
    const lp = lpStream(stream, { maxDataLength: MAX_REQUEST_BYTES });
    const answer: Answer = (code, message, count = 0n) => lp.write(encodeResponseHeader({ code, message, count }), { signal });
    try {
      return { request: decodeRequest((await lp.read({ signal })).subarray()), lp, signal, answer };
    } catch (err) {
      if (!(err instanceof ChainError)) throw err;
      await answer(ResponseCode.BadRequest, err.message);
      return { request: null, lp, signal, answer };
    }
  }

  private async serveRange(stream: Stream, connection: Connection): Promise<void> {
    const peer = connection.remotePeer.toString();
    const { request, lp, signal, answer } = await this.readRequest(stream, decodeRangeRequest);
    if (request === null) return;
    if (request.count < 1n || request.count > BigInt(MAX_RANGE_COUNT)) return answer(ResponseCode.BadRequest, `count must be 1 to ${MAX_RANGE_COUNT}.`);
    // The cost is what we would read from the store: the number of blocks asked for.
    if (!this.deps.limits.blocks.take(peer, Number(request.count))) return answer(ResponseCode.RateLimited, 'too many blocks requested; slow down.');
    const { chain } = this.deps;
    // Blocks below our base were pruned or never held (a restored node): a typed answer, so the
    // requester asks another peer instead of taking an empty range for a short chain.
    if (request.startHeight > chain.genesisHeight && request.startHeight < chain.baseHeight) {
      return answer(ResponseCode.NotFound, `pruned: this node holds blocks from height ${chain.baseHeight} (and the genesis block).`);
    }
    const blocks: Block[] = [];
    for (let h = request.startHeight; h < request.startHeight + request.count && h <= chain.head.header.height; h++) {
      const block = await chain.blockAt(h);
      if (block === null) break;
      // A reorg between two reads would make the answer no chain: stop where it breaks.
      const previous = blocks.at(-1);
      if (previous !== undefined && Buffer.compare(block.header.parentHash, previous.hash) !== 0) break;
      blocks.push(block);
    }
    await answer(ResponseCode.Ok, '', BigInt(blocks.length));
    for (const block of blocks) await lp.write(block.bytes, { signal });
  }

  /** A manifest or chunk request: rate limited per peer (a chunk costs 4 units, a manifest 1), then read from the snapshot folder. */
  private async serveSnapshot(part: 'manifest' | 'chunk', stream: Stream, connection: Connection): Promise<void> {
    const peer = connection.remotePeer.toString();
    const { request, lp, signal, answer } = await this.readRequest(stream, decodeSnapshotRequest);
    if (request === null) return;
    if (!this.deps.limits.snapshots.take(peer, part === 'chunk' ? 4 : 1)) return answer(ResponseCode.RateLimited, 'too many snapshot requests; slow down.');
    const source = this.deps.snapshots ?? null;
    let bytes: Uint8Array | null = null;
    if (source !== null && part === 'manifest') bytes = (await source.manifest(request.height === 0n ? null : request.height))?.bytes ?? null;
    else if (source !== null && request.index <= 0xffff_ffffn) bytes = await source.chunk(request.height, Number(request.index));
    if (bytes === null) return answer(ResponseCode.NotFound, `no snapshot ${part} for height ${request.height}${part === 'chunk' ? `, index ${request.index}` : ''}.`);
    await answer(ResponseCode.Ok, '', 1n);
    await lp.write(bytes, { signal });
  }

  /** Validator set changes: rate limited with the snapshots (a change costs reading its anchor's blocks: 4 units), at most CHANGES_PER_PAGE. */
  private async serveValidatorSets(stream: Stream, connection: Connection): Promise<void> {
    const peer = connection.remotePeer.toString();
    const { request, lp, signal, answer } = await this.readRequest(stream, decodeValidatorSetsRequest);
    if (request === null) return;
    if (!this.deps.limits.snapshots.take(peer, 4)) return answer(ResponseCode.RateLimited, 'too many validator-sets requests; slow down.');
    const source = this.deps.validatorSets ?? null;
    if (source === null) return answer(ResponseCode.NotFound, 'this node serves no validator set changes.');
    let json: unknown;
    try {
      json = await source(request.after, Math.max(1, Math.min(CHANGES_PER_PAGE, Number(request.limit))));
    } catch (err) {
      // A change whose anchor this node no longer holds (pruned, restored): typed, so the requester asks another peer.
      if (!(err instanceof CodedError)) throw err;
      return answer(ResponseCode.NotFound, err.message.slice(0, 500));
    }
    const bytes = new TextEncoder().encode(JSON.stringify(json));
    if (bytes.length > MAX_VALIDATOR_SETS_BYTES) return answer(ResponseCode.ServerError, `the answer is over ${MAX_VALIDATOR_SETS_BYTES} bytes; ask for fewer changes.`);
    await answer(ResponseCode.Ok, '', 1n);
    await lp.write(bytes, { signal });
  }
}

type Lp = ReturnType<typeof lpStream<Stream>>;
type Answer = (code: ResponseCode, message: string, count?: bigint) => Promise<void>;

/** Runs a decode; a peer's malformed bytes become BadResponse (ChainError MalformedBytes underneath). */
async function decode<T>(read: () => Promise<T> | T): Promise<T> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof ChainError) throw new NetworkError(NetworkErrorCode.BadResponse, err.message, { cause: err });
    throw err;
  }
}
