/**
 * The libp2p host: TCP, noise, yamux, identify and gossipsub, configured for this chain. Versions are
 * pinned to the libp2p 2.x generation (gossipsub 14 delivers nothing on libp2p 3).
 *
 * Gossip messages are unsigned and identified by the hash of topic and content (StrictNoSign and a
 * content message id, as Ethereum consensus clients do): the same block relayed by two peers is one
 * message, the libp2p signature would add nothing the block signature does not already prove, and
 * the score is kept for the peer that relayed a message, not for its claimed author.
 */
import { gossipsub, type GossipsubEvents } from '@chainsafe/libp2p-gossipsub';
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { identify, type Identify } from '@libp2p/identify';
import { type Libp2p, type Message, type PeerId, type PrivateKey, type PubSub, StrictNoSign } from '@libp2p/interface';
import { tcp } from '@libp2p/tcp';
import type { Multiaddr } from '@multiformats/multiaddr';
import { createLibp2p } from 'libp2p';
import { sha256 } from '../../chain/crypto.ts';
import { SCORE_THRESHOLDS, scoreParams } from './scoring.ts';

export type Pubsub = PubSub<GossipsubEvents>;
export type P2pHost = Libp2p<{ pubsub: Pubsub; identify: Identify }>;

export interface HostOptions {
  readonly privateKey: PrivateKey;
  /** Multiaddrs to listen on, e.g. /ip4/0.0.0.0/tcp/7600. */
  readonly listen: readonly string[];
  /** Multiaddrs to tell peers instead of the listen addresses (behind NAT, in containers). */
  readonly announce: readonly string[];
  readonly topics: readonly string[];
  /** The largest gossip message we accept (a whole block); a bigger frame closes the stream. */
  readonly maxMessageBytes: number;
  /** Peers we refuse to dial or accept (bans, test partitions). */
  readonly isDenied: (peerId: PeerId) => boolean;
  /** Addresses we refuse to dial or accept connections from (those of banned peers); none when absent. */
  readonly isAddressDenied?: (address: Multiaddr, direction: 'inbound' | 'outbound') => boolean;
  /** Application penalties added to the gossipsub score (P5). */
  readonly appScore: (peerId: string) => number;
}

const textEncoder = new TextEncoder();

/** Message id = SHA-256(topic || data): the same bytes on one topic are one message, whoever sent them. */
function contentMessageId(msg: Message): Uint8Array {
  return sha256(textEncoder.encode(msg.topic), msg.data);
}

export async function createHost(options: HostOptions): Promise<P2pHost> {
  const denied = (peerId: PeerId): boolean => options.isDenied(peerId);
  const addressDenied = (address: Multiaddr, direction: 'inbound' | 'outbound'): boolean => options.isAddressDenied?.(address, direction) ?? false;
  return createLibp2p({
    // Started by the caller once its protocol handlers are registered.
    start: false,
    privateKey: options.privateKey,
    addresses: { listen: [...options.listen], announce: [...options.announce] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: {
      denyDialPeer: denied,
      // By address before the encryption handshake: a banned address costs us no noise handshake.
      denyDialMultiaddr: (address) => addressDenied(address, 'outbound'),
      denyInboundConnection: (connection) => addressDenied(connection.remoteAddr, 'inbound'),
      denyInboundEncryptedConnection: denied,
      denyOutboundEncryptedConnection: denied,
    },
    connectionManager: {
      maxConnections: 64,
      // Testnets run every node on one host: the default of 5 new inbound connections per second
      // per IP would refuse a restarting node's peers.
      inboundConnectionThreshold: 50,
    },
    services: {
      identify: identify(),
      pubsub: gossipsub({
        globalSignaturePolicy: StrictNoSign,
        msgIdFn: contentMessageId,
        emitSelf: false,
        allowPublishToZeroTopicPeers: true,
        ignoreDuplicatePublishError: true,
        fallbackToFloodsub: false,
        allowedTopics: [...options.topics],
        maxInboundDataLength: options.maxMessageBytes,
        decodeRpcLimits: {
          maxSubscriptions: 16,
          maxMessages: 256,
          maxIhaveMessageIDs: 5_000,
          maxIwantMessageIDs: 5_000,
          maxIdontwantMessageIDs: 5_000,
          maxControlMessages: 256,
          maxPeerInfos: 16,
        },
        scoreParams: scoreParams(options.topics, options.appScore),
        scoreThresholds: SCORE_THRESHOLDS,
      }),
    },
  }) as Promise<P2pHost>;
}
